/**
 * The SNR a trial's request k sees, from its `SnrProcessConfig`:
 *   constant      SNR_k = s
 *   uniform       SNR_k ~ U[min, max], drawn from its own stream (seed, "snr/k"): random access
 *   gauss-markov  SNR_0 ~ clamp(N(μ, σ²)); SNR_{k+1} = clamp(μ + ρ(SNR_k − μ) + σ√(1−ρ²)·w_k, min, max)
 *                 (stationary N(μ, σ²) before clamping; lag-1 correlation ρ)
 *   trace         with a time: the last row at or before t (the first row before it starts);
 *                 without: row k mod rows (one row per request)
 *   sweep         valuesDb[k mod n]
 * Every process is a pure function of (config, seed, k[, t]).
 */
import { parseSnrProcess, ValidationError, type SnrProcessConfig } from '@semaigc/protocol';
import { gaussian } from './gaussian';
import { checkSeed, rngFor, type Xoshiro128 } from './rng';
import { parseSnrTrace, type TraceRow } from './trace';

export interface SnrProcess {
  readonly config: SnrProcessConfig;
  /** SNR in dB for request `index` (0-based), issued `timeSeconds` after the trial started. */
  snrDb(index: number, timeSeconds?: number): number;
}

function checkIndex(index: number): void {
  if (!Number.isSafeInteger(index) || index < 0)
    throw new TypeError(`request index must be an integer >= 0, got ${index}`);
}

function clamp(x: number, lo: number, hi: number): number {
  return x < lo ? lo : x > hi ? hi : x;
}

function traceLookup(rows: readonly TraceRow[], index: number, t: number | undefined): number {
  if (t === undefined) return rows[index % rows.length]![1];
  if (!Number.isFinite(t)) throw new TypeError(`timeSeconds must be finite, got ${t}`);
  let lo = 0;
  let hi = rows.length - 1;
  if (t < rows[0]![0]) return rows[0]![1];
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (rows[mid]![0] <= t) lo = mid;
    else hi = mid - 1;
  }
  return rows[lo]![1];
}

/**
 * Validates `config` (errors name the field) and returns the process for `seed`. A trace
 * given only by `path` must be loaded first (`loadSnrTrace`): browser-safe code reads no files.
 */
export function createSnrProcess(config: unknown, { seed }: { seed: number }): SnrProcess {
  checkSeed(seed);
  const cfg = parseSnrProcess(config);
  switch (cfg.kind) {
    case 'constant':
      return { config: cfg, snrDb: (k) => (checkIndex(k), cfg.snrDb) };
    case 'sweep':
      return { config: cfg, snrDb: (k) => (checkIndex(k), cfg.valuesDb[k % cfg.valuesDb.length]!) };
    case 'uniform':
      return {
        config: cfg,
        snrDb: (k) => {
          checkIndex(k);
          return cfg.minDb + (cfg.maxDb - cfg.minDb) * rngFor(seed, `snr/${k}`).nextFloat();
        },
      };
    case 'trace': {
      const rows = cfg.rows;
      if (!rows)
        throw new ValidationError('rows', 'a trace given by path must be loaded first (loadSnrTrace)');
      return { config: cfg, snrDb: (k, t) => (checkIndex(k), traceLookup(rows, k, t)) };
    }
    case 'gauss-markov': {
      const rng: Xoshiro128 = rngFor(seed, 'snr');
      const values: number[] = [];
      const innovation = cfg.stdDb * Math.sqrt(1 - cfg.rho * cfg.rho);
      return {
        config: cfg,
        snrDb: (k) => {
          checkIndex(k);
          while (values.length <= k) {
            const prev = values[values.length - 1];
            const next =
              prev === undefined
                ? cfg.meanDb + cfg.stdDb * gaussian(rng)
                : cfg.meanDb + cfg.rho * (prev - cfg.meanDb) + innovation * gaussian(rng);
            values.push(clamp(next, cfg.minDb, cfg.maxDb));
          }
          return values[k]!;
        },
      };
    }
  }
}

/** The first `n` SNRs of the process (by request index, no times). */
export function snrSequence(config: unknown, seed: number, n: number): Float64Array {
  if (!Number.isSafeInteger(n) || n < 0) throw new TypeError(`n must be an integer >= 0, got ${n}`);
  const p = createSnrProcess(config, { seed });
  const out = new Float64Array(n);
  for (let k = 0; k < n; k++) out[k] = p.snrDb(k);
  return out;
}

/**
 * Fills in the rows of a trace process given by `path`, reading the text with an injected
 * reader (Node: `(p) => fs.promises.readFile(p, 'utf8')`). Other processes pass through.
 */
export async function loadSnrTrace(
  config: unknown,
  readText: (path: string) => string | Promise<string>,
): Promise<SnrProcessConfig> {
  const cfg = parseSnrProcess(config);
  if (cfg.kind !== 'trace' || cfg.rows || !cfg.path) return cfg;
  return parseSnrProcess({ ...cfg, rows: parseSnrTrace(await readText(cfg.path)) });
}
