/** Reading a trial config from a YAML or JSON file (YAML is a superset of JSON). */
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { TrialConfigError } from '../errors';
import { parseTrialConfig, type TrialConfig } from './trial-config';

/** Parses YAML/JSON text; syntax errors become a TrialConfigError at the root path. */
export function parseTrialText(text: string, source = 'trial config'): unknown {
  try {
    return parseYaml(text) as unknown;
  } catch (err) {
    throw new TrialConfigError('', `${source} is not valid YAML/JSON: ${(err as Error).message}`, {
      cause: err,
    });
  }
}

/**
 * Loads and validates a trial config file. A trace SNR process given by a relative `path`
 * is resolved against the config file's folder.
 */
export async function loadTrialConfig(file: string): Promise<TrialConfig> {
  const text = await fs.readFile(file, 'utf8');
  const cfg = parseTrialConfig(parseTrialText(text, file));
  if (cfg.snr.kind === 'trace' && cfg.snr.path && !path.isAbsolute(cfg.snr.path)) {
    return { ...cfg, snr: { ...cfg.snr, path: path.resolve(path.dirname(file), cfg.snr.path) } };
  }
  return cfg;
}

/** The config as YAML (runs/<trial>/config.yaml). */
export function trialConfigToYaml(cfg: TrialConfig): string {
  return stringifyYaml(cfg);
}
