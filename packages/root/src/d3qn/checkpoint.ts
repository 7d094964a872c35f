/**
 * Saving and loading a trained agent as JSON. Weights are float32 arrays encoded as
 * little-endian bytes in base64, so a round trip is bit-exact and gives identical
 * decisions. The checkpoint carries everything a policy needs to decide without the
 * training code: the action grid, the feature ranges, T̂ and the hyperparameters.
 * Reading and writing the file is the caller's job (Node: apps/cli; browser: fetch).
 */
import { z } from 'zod';
import { CheckpointError } from '../errors';
import { checkGrid } from '../sim/action-grid';
import { checkFeatures, type FeatureRange } from '../sim/features';
import { parseOrThrow, wanted } from '../validate';
import { checkShapes } from './agent';
import { resolveD3qnConfig, type D3qnConfig } from './config';
import { layerList, type DenseWeights, type QNetworkWeights } from './network';

export const CHECKPOINT_FORMAT = 'semaigc-root-d3qn';
export const CHECKPOINT_VERSION = 1;

export interface CheckpointLayer {
  name: string;
  inputs: number;
  outputs: number;
  /** base64 of float32 little-endian, row-major [inputs, outputs]. */
  w: string;
  b: string;
}

export interface D3qnCheckpoint {
  format: typeof CHECKPOINT_FORMAT;
  version: typeof CHECKPOINT_VERSION;
  /** The profile the agent was trained on (`paper`, `measured`). */
  profile: string;
  totalSteps: number;
  grid: number[];
  features: FeatureRange[];
  config: D3qnConfig;
  layers: CheckpointLayer[];
  /** Free-form provenance: seed, episodes, date, final reward … */
  meta: Record<string, unknown>;
}

export interface LoadedCheckpoint {
  profile: string;
  totalSteps: number;
  grid: number[];
  features: FeatureRange[];
  config: D3qnConfig;
  weights: QNetworkWeights;
  meta: Record<string, unknown>;
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

function floatsToBase64(a: Float32Array): string {
  const bytes = new Uint8Array(a.length * 4);
  const view = new DataView(bytes.buffer);
  a.forEach((v, i) => view.setFloat32(i * 4, v, true));
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    out += B64[(n >> 18) & 63]! + B64[(n >> 12) & 63]!;
    out += i + 1 < bytes.length ? B64[(n >> 6) & 63]! : '=';
    out += i + 2 < bytes.length ? B64[n & 63]! : '=';
  }
  return out;
}

function base64ToFloats(s: string, expected: number, what: string): Float32Array {
  const clean = s.replace(/=+$/, '');
  const bytes = new Uint8Array(Math.floor((clean.length * 3) / 4));
  let bits = 0;
  let acc = 0;
  let k = 0;
  for (const ch of clean) {
    const v = B64.indexOf(ch);
    if (v < 0) throw new CheckpointError(`${what}: not base64 (character '${ch}')`);
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes[k++] = (acc >> bits) & 255;
    }
  }
  if (bytes.length !== expected * 4) {
    throw new CheckpointError(`${what}: ${bytes.length / 4} floats, expected ${expected}`);
  }
  const view = new DataView(bytes.buffer);
  const out = new Float32Array(expected);
  for (let i = 0; i < expected; i++) out[i] = view.getFloat32(i * 4, true);
  return out;
}

function layerNames(n: QNetworkWeights): string[] {
  return [...n.hidden.map((_, i) => `hidden${i}`), 'value', 'advantage'];
}

export function toCheckpoint(
  weights: QNetworkWeights,
  info: Omit<LoadedCheckpoint, 'weights' | 'meta'> & { meta?: Record<string, unknown> },
): D3qnCheckpoint {
  const names = layerNames(weights);
  return {
    format: CHECKPOINT_FORMAT,
    version: CHECKPOINT_VERSION,
    profile: info.profile,
    totalSteps: info.totalSteps,
    grid: [...info.grid],
    features: info.features.map((f) => ({ ...f })),
    config: { ...info.config, hiddenUnits: [...info.config.hiddenUnits] },
    layers: layerList(weights).map((l, i) => ({
      name: names[i]!,
      inputs: l.inputs,
      outputs: l.outputs,
      w: floatsToBase64(l.w),
      b: floatsToBase64(l.b),
    })),
    meta: info.meta ?? {},
  };
}

const layerSchema = z.object(
  {
    name: z.string().optional(),
    inputs: z.number().int().min(1, 'inputs and outputs must be integers >= 1'),
    outputs: z.number().int().min(1, 'inputs and outputs must be integers >= 1'),
    w: z.string({ error: 'needs string w and b' }),
    b: z.string({ error: 'needs string w and b' }),
  },
  { error: 'needs string w and b' },
);

const checkpointSchema = z.object(
  {
    format: z.literal(CHECKPOINT_FORMAT, {
      error: (iss) => `expected '${CHECKPOINT_FORMAT}', got ${JSON.stringify(iss.input)}`,
    }),
    version: z.literal(CHECKPOINT_VERSION, {
      error: (iss) => `this build reads v${CHECKPOINT_VERSION}, got ${JSON.stringify(iss.input)}`,
    }),
    profile: z.string().catch('unknown'),
    totalSteps: z.number(wanted('an integer')).int(wanted('an integer')),
    grid: z.array(z.number().int(), { error: 'not a list of integers' }),
    features: z.array(
      z.object({ key: z.string(), symbol: z.string().default(''), min: z.number(), max: z.number() }),
      { error: 'not a list of feature ranges' },
    ),
    // Checked by resolveD3qnConfig, which fills the defaults of fields older files lack.
    config: z.record(z.string(), z.unknown(), { error: 'must be an object' }),
    layers: z
      .array(layerSchema, { error: 'missing' })
      .min(3, 'needs at least 3 layers (hidden, value, advantage)'),
    meta: z.record(z.string(), z.unknown()).catch({}),
  },
  { error: 'not a JSON object' },
);

/** Validates a parsed checkpoint JSON; CheckpointError names what is wrong (`checkpoint.grid: …`). */
export function parseCheckpoint(json: unknown): LoadedCheckpoint {
  const c = parseOrThrow(
    checkpointSchema,
    json,
    (field, message, cause) =>
      new CheckpointError(`checkpoint${field ? `.${field}` : ''}: ${message}`, { cause }),
  );
  const features = c.features as FeatureRange[];
  const config = rethrow('checkpoint.config', () => resolveD3qnConfig(c.config as Partial<D3qnConfig>));
  rethrow('checkpoint', () => {
    checkGrid(c.grid, c.totalSteps);
    checkFeatures(features);
  });
  const dense: DenseWeights[] = c.layers.map((l, i) => ({
    inputs: l.inputs,
    outputs: l.outputs,
    w: base64ToFloats(l.w, l.inputs * l.outputs, `checkpoint.layers[${i}].w`),
    b: base64ToFloats(l.b, l.outputs, `checkpoint.layers[${i}].b`),
  }));
  const weights: QNetworkWeights = {
    hidden: dense.slice(0, -2),
    value: dense[dense.length - 2]!,
    advantage: dense[dense.length - 1]!,
  };
  rethrow('checkpoint.layers', () =>
    checkShapes(weights, features.length, config.hiddenUnits, c.grid.length),
  );
  return {
    profile: c.profile,
    totalSteps: c.totalSteps,
    grid: c.grid,
    features,
    config,
    weights,
    meta: c.meta,
  };
}

/** Runs a check whose TypeError does not know it is reading a checkpoint; says where. */
function rethrow<T>(where: string, check: () => T): T {
  try {
    return check();
  } catch (err) {
    throw new CheckpointError(`${where}: ${(err as Error).message}`, { cause: err });
  }
}
