/**
 * A trial's prompts: the list it gives, or prompts made from the bundle's caption grammar
 * (grammar.json, named by the manifest's `grammar` field) with `makePrompts(seed, count)`.
 * Request k uses prompt k mod n.
 */
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import {
  MANIFEST_FILE,
  makePrompts,
  readManifest,
  type BundleManifest,
  type CaptionGrammar,
} from '@semaigc/diffusion';
import { dirBundleSource } from '@semaigc/models';
import { describeError } from '@semaigc/protocol';
import { PromptSourceError } from '../errors';
import type { TrialConfig } from './trial-config';

export const DEFAULT_GUIDANCE_SCALE = 7.5;

async function readJson(file: string, what: string): Promise<unknown> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    throw new PromptSourceError(`${what} not readable at ${file}: ${describeError(err)}`, { cause: err });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new PromptSourceError(`${what} at ${file} is not JSON: ${describeError(err)}`, { cause: err });
  }
}

/**
 * The bundle's manifest, or null for a directory without one (a bare grammar.json is
 * enough for prompts). A manifest that is there but malformed is an error naming the file
 * and the field.
 */
async function bundleManifest(bundleDir: string): Promise<BundleManifest | null> {
  try {
    await fs.access(path.join(bundleDir, MANIFEST_FILE));
  } catch {
    return null;
  }
  return readManifest(dirBundleSource(bundleDir));
}

/** The bundle's caption grammar (manifest.grammar, default grammar.json). */
export async function readGrammar(bundleDir: string): Promise<CaptionGrammar> {
  const manifest = await bundleManifest(bundleDir);
  const rel = manifest?.grammar ?? 'grammar.json';
  const g = (await readJson(path.join(bundleDir, rel), 'caption grammar')) as Partial<CaptionGrammar>;
  for (const k of ['template_one', 'template_two', 'shapes', 'colours', 'sizes', 'positions'] as const) {
    if (g[k] === undefined) {
      throw new PromptSourceError(`caption grammar ${path.join(bundleDir, rel)} has no '${k}' field`);
    }
  }
  return g as CaptionGrammar;
}

export async function resolvePrompts(cfg: TrialConfig, bundleDir: string | undefined): Promise<string[]> {
  if (Array.isArray(cfg.prompts)) return cfg.prompts;
  if (!bundleDir) {
    throw new PromptSourceError(
      "prompts: { generator: 'grammar' } needs the model bundle (bundleDir) for grammar.json; give a list of prompts instead",
    );
  }
  const grammar = await readGrammar(bundleDir);
  return makePrompts(grammar, cfg.prompts.seed, cfg.prompts.count);
}

/** The trial's guidance scale, else the bundle manifest's, else DEFAULT_GUIDANCE_SCALE. */
export async function resolveGuidanceScale(cfg: TrialConfig, bundleDir: string | undefined): Promise<number> {
  if (cfg.guidanceScale !== null) return cfg.guidanceScale;
  const m = bundleDir ? await bundleManifest(bundleDir) : null;
  return m?.guidance_scale ?? DEFAULT_GUIDANCE_SCALE;
}
