/**
 * File paths in a trial config that arrives over HTTP are confined to allow-listed
 * directories: whoever can post a config must not make the coordinator (often root on a lab
 * box) read arbitrary files. A path is resolved (relative to the coordinator's working
 * directory), symlinks are followed, and the result must lie inside one of the roots. The
 * refusal names the field and the allowed directories, never anything read from a file.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TrialConfigError } from '../errors';
import type { TrialConfig } from './trial-config';

/** Keys of a policy config that name files (plug-in policies follow the same names). */
const POLICY_FILE_KEY = /(^|[a-z])(path|file|checkpoint|dir)$/i;

/** Follows symlinks as far as the path exists (a missing tail stays as written). */
function realish(p: string): string {
  const abs = path.resolve(p);
  let head = abs;
  const tail: string[] = [];
  for (;;) {
    try {
      return path.join(fs.realpathSync(head), ...tail);
    } catch {
      const up = path.dirname(head);
      if (up === head) return abs;
      tail.unshift(path.basename(head));
      head = up;
    }
  }
}

function inside(root: string, p: string): boolean {
  const rel = path.relative(root, p);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/** The file fields of a validated config, as [field, path] pairs. */
export function configFilePaths(cfg: TrialConfig): [string, string][] {
  const out: [string, string][] = [];
  if (cfg.snr.kind === 'trace' && cfg.snr.path) out.push(['snr.path', cfg.snr.path]);
  if (cfg.aspSelector.checkpoint) out.push(['aspSelector.checkpoint', cfg.aspSelector.checkpoint]);
  if (cfg.aspSelector.profile) out.push(['aspSelector.profile', cfg.aspSelector.profile]);
  for (const [k, v] of Object.entries(cfg.policy as Record<string, unknown>)) {
    if (typeof v === 'string' && POLICY_FILE_KEY.test(k)) out.push([`policy.${k}`, v]);
  }
  return out;
}

/** Throws a TrialConfigError naming the first field whose file lies outside every root. */
export function confineConfigPaths(cfg: TrialConfig, roots: readonly string[]): void {
  const real = roots.map(realish);
  for (const [field, p] of configFilePaths(cfg)) {
    const where = realish(p);
    if (!real.some((r) => inside(r, where))) {
      throw new TrialConfigError(
        field,
        `names a file outside the directories this coordinator reads configs' files from (${real.join(', ')}); put the file there or start the coordinator with --data-dir`,
      );
    }
  }
}
