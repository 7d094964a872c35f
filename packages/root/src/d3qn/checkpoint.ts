/**
 * Saving and loading a trained agent as JSON. Weights are float32 arrays encoded as
 * little-endian bytes in base64, so a round trip is bit-exact and gives identical
 * decisions. The checkpoint carries everything a policy needs to decide without the
 * training code: the action grid, the feature ranges, T̂ and the hyperparameters.
 * Reading and writing the file is the caller's job (Node: apps/cli; browser: fetch).
 */
import { CheckpointError } from '../errors';
import { checkGrid } from '../sim/action-grid';
import { checkFeatures, type FeatureRange } from '../sim/features';
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

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Validates a parsed checkpoint JSON; CheckpointError names what is wrong. */
export function parseCheckpoint(json: unknown): LoadedCheckpoint {
  if (!isRecord(json)) throw new CheckpointError('checkpoint: not a JSON object');
  if (json.format !== CHECKPOINT_FORMAT) {
    throw new CheckpointError(
      `checkpoint.format: expected '${CHECKPOINT_FORMAT}', got ${JSON.stringify(json.format)}`,
    );
  }
  if (json.version !== CHECKPOINT_VERSION) {
    throw new CheckpointError(
      `checkpoint.version: this build reads v${CHECKPOINT_VERSION}, got ${JSON.stringify(json.version)}`,
    );
  }
  const { grid, features, layers, totalSteps } = json;
  if (!Number.isInteger(totalSteps)) throw new CheckpointError('checkpoint.totalSteps: not an integer');
  if (!Array.isArray(grid) || !grid.every((a) => Number.isInteger(a))) {
    throw new CheckpointError('checkpoint.grid: not a list of integers');
  }
  if (!Array.isArray(features) || !features.every((f) => isRecord(f) && typeof f.key === 'string')) {
    throw new CheckpointError('checkpoint.features: not a list of feature ranges');
  }
  try {
    checkGrid(grid as number[], totalSteps as number);
    checkFeatures(features as FeatureRange[]);
  } catch (err) {
    throw new CheckpointError(`checkpoint: ${(err as Error).message}`, { cause: err });
  }
  if (!Array.isArray(layers) || layers.length < 3) throw new CheckpointError('checkpoint.layers: missing');
  let config: D3qnConfig;
  try {
    config = resolveD3qnConfig(json.config as Partial<D3qnConfig>);
  } catch (err) {
    throw new CheckpointError(`checkpoint.config: ${(err as Error).message}`, { cause: err });
  }
  const dense: DenseWeights[] = layers.map((raw: unknown, i) => {
    if (!isRecord(raw) || typeof raw.w !== 'string' || typeof raw.b !== 'string') {
      throw new CheckpointError(`checkpoint.layers[${i}]: needs string w and b`);
    }
    const inputs = raw.inputs as number;
    const outputs = raw.outputs as number;
    if (!Number.isInteger(inputs) || !Number.isInteger(outputs) || inputs < 1 || outputs < 1) {
      throw new CheckpointError(`checkpoint.layers[${i}]: inputs and outputs must be integers >= 1`);
    }
    return {
      inputs,
      outputs,
      w: base64ToFloats(raw.w, inputs * outputs, `checkpoint.layers[${i}].w`),
      b: base64ToFloats(raw.b, outputs, `checkpoint.layers[${i}].b`),
    };
  });
  const weights: QNetworkWeights = {
    hidden: dense.slice(0, -2),
    value: dense[dense.length - 2]!,
    advantage: dense[dense.length - 1]!,
  };
  try {
    checkShapes(weights, features.length, config.hiddenUnits, grid.length);
  } catch (err) {
    throw new CheckpointError(`checkpoint.layers: ${(err as Error).message}`, { cause: err });
  }
  return {
    profile: typeof json.profile === 'string' ? json.profile : 'unknown',
    totalSteps: totalSteps as number,
    grid: grid as number[],
    features: features as FeatureRange[],
    config,
    weights,
    meta: isRecord(json.meta) ? json.meta : {},
  };
}
