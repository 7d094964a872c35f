/**
 * `npm run bench -- channel [--quick]` (build first: `npx tsc -b packages/channel packages/plot`):
 *  1. speed on the Stable Diffusion v1.5 latent, 4×64×64 float32 (16 384 elements):
 *     analog AWGN through the public API (`transmit`, with power, MSE and metadata), the bare
 *     AWGN kernel, analog Rayleigh + MMSE with 16 pilots, and digital 16-QAM end to end
 *     (quantise q = 8 → modulate → AWGN → hard decisions → dequantise), uncoded and with
 *     Hamming(7,4). Method: warm-up, then `batches` rounds in which every case runs one timed
 *     batch of about `batchMs` (round-robin, so load from other processes hits all cases alike);
 *     a row gives the wall-clock median over batches with p10/p90/min/max, and the median
 *     per CPU-second of this process (`perCpuSecond`), which other processes' load on a
 *     shared machine does not dilute. Target: analog AWGN >= 30 M samples/s.
 *  2. the BER-vs-SNR chart: measured BER of BPSK, QPSK, 16-QAM and coded QPSK (rep3,
 *     Hamming(7,4)) at Eb/N0 = 0…12 dB over the closed-form curves, two panels (per
 *     information bit, Eb/N0; per channel symbol, Es/N0 = the configured channel SNR).
 *     Points are drawn where at least 10 errors were seen. Written to runs/bench/channel-ber.{svg,png}
 *     and copied to packages/channel/docs/ for the README.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  addGaussianNoise,
  berAfterDecoding,
  berTheory,
  createChannel,
  decode,
  encode,
  esN0FromEbN0,
  gaussian,
  rngFor,
  transmitBits,
  type Code,
  type Modulation,
  type Xoshiro128,
} from '@semaigc/channel';
import { writeChart, type ChartSpec } from '@semaigc/plot';
import { type Row, type SuiteContext, type SuiteResult, summarize } from '../harness';
import { suiteArgs } from '../lib/args';

const TARGET_SAMPLES_PER_S = 30e6;
const SHAPE = [4, 64, 64];
const SEED = 2024;

interface Settings {
  batches: number;
  batchMs: number;
  warmupMs: number;
  /** BER: stop a point after this many errors or bits. */
  berErrors: number;
  berMaxBits: number;
}
const DEFAULT_SETTINGS: Settings = {
  batches: 30,
  batchMs: 50,
  warmupMs: 500,
  berErrors: 1000,
  berMaxBits: 8e6,
};
const QUICK_SETTINGS: Settings = { batches: 8, batchMs: 20, warmupMs: 100, berErrors: 200, berMaxBits: 1e6 };

interface Rates {
  /** Operations per wall-clock second, per batch. */
  wall: number[];
  /** Operations per CPU-second of this process (user + system), per batch: robust to other load. */
  cpu: number[];
}

interface Case {
  name: string;
  unit: string;
  /** Units (samples, bits) per operation. */
  perOp: number;
  target: number | null;
  op: () => void;
}

/** Warm-up that also sizes a batch to about `batchMs`. */
function sizeBatch(op: () => void, s: Settings): number {
  const warmEnd = performance.now() + s.warmupMs;
  let perBatch = 1;
  while (performance.now() < warmEnd) {
    const t = performance.now();
    for (let i = 0; i < perBatch; i++) op();
    const dt = performance.now() - t;
    if (dt < s.batchMs)
      perBatch = Math.max(perBatch + 1, Math.ceil((perBatch * s.batchMs) / Math.max(dt, 0.01)));
  }
  return perBatch;
}

/**
 * Times the cases round-robin (one batch of each per round), so that load from other
 * processes on a shared machine falls on every case alike instead of on whichever ran then.
 */
function timeRoundRobin(cases: Case[], s: Settings): Rates[] {
  const sizes = cases.map((c) => sizeBatch(c.op, s));
  const rates: Rates[] = cases.map(() => ({ wall: [], cpu: [] }));
  for (let b = 0; b < s.batches; b++) {
    cases.forEach((c, k) => {
      const perBatch = sizes[k]!;
      const cpu0 = process.cpuUsage();
      const t = performance.now();
      for (let i = 0; i < perBatch; i++) c.op();
      const dt = (performance.now() - t) / 1000;
      const used = process.cpuUsage(cpu0);
      rates[k]!.wall.push(perBatch / dt);
      rates[k]!.cpu.push(perBatch / Math.max((used.user + used.system) / 1e6, 1e-6));
    });
  }
  return rates;
}

function row(name: string, unit: string, perOp: number, rates: Rates, target: number | null): Row {
  const s = summarize(rates.wall.map((r) => r * perOp));
  const c = summarize(rates.cpu.map((r) => r * perOp));
  return {
    case: name,
    unit,
    n: s.n,
    median: s.median,
    p10: s.p10,
    p90: s.p90,
    min: s.min,
    max: s.max,
    perCpuSecond: c.median,
    target,
    meets: target === null ? null : s.median >= target,
  };
}

function speedRows(s: Settings, log: (l: string) => void): Row[] {
  const n = SHAPE.reduce((a, b) => a * b, 1);
  const rng = rngFor(SEED, 'bench-input');
  const x = Float32Array.from({ length: n }, () => gaussian(rng));
  const out = new Float32Array(n);
  const noise: Xoshiro128 = rngFor(SEED, 'noise');
  let seed = 0;
  const channel = (config: unknown): (() => void) => {
    const ch = createChannel(config);
    return () => void ch.transmit(x, { seed: seed++ });
  };
  const digital = (code: 'none' | 'hamming74'): unknown => ({
    mode: 'digital',
    snrDb: 12,
    digital: { bits: 8, modulation: '16qam', code },
  });
  const rayleigh = {
    mode: 'analog',
    snrDb: 10,
    fading: { kind: 'rayleigh' },
    equalizer: 'mmse',
    csi: { kind: 'pilot', pilots: 16 },
  };
  const cases: Case[] = [
    {
      name: 'analog AWGN, transmit()',
      unit: 'samples/s',
      perOp: n,
      target: TARGET_SAMPLES_PER_S,
      op: channel({ mode: 'analog', snrDb: 10 }),
    },
    {
      name: 'AWGN kernel (addGaussianNoise)',
      unit: 'samples/s',
      perOp: n,
      target: TARGET_SAMPLES_PER_S,
      op: () => addGaussianNoise(noise, x, out, 0.3),
    },
    {
      name: 'analog Rayleigh, MMSE, 16 pilots',
      unit: 'samples/s',
      perOp: n,
      target: null,
      op: channel(rayleigh),
    },
    // Digital throughput counts information bits (8 per element), end to end.
    {
      name: 'digital 16-QAM q8 none, end to end',
      unit: 'info bits/s',
      perOp: 8 * n,
      target: null,
      op: channel(digital('none')),
    },
    {
      name: 'digital 16-QAM q8 hamming74, end to end',
      unit: 'info bits/s',
      perOp: 8 * n,
      target: null,
      op: channel(digital('hamming74')),
    },
  ];
  log(`timing ${cases.length} cases round-robin`);
  const rates = timeRoundRobin(cases, s);
  return cases.map((c, k) => row(c.name, c.unit, c.perOp, rates[k]!, c.target));
}

interface BerScheme {
  label: string;
  modulation: Modulation;
  code: Code;
}
const SCHEMES: BerScheme[] = [
  { label: 'BPSK', modulation: 'bpsk', code: 'none' },
  { label: 'QPSK', modulation: 'qpsk', code: 'none' },
  { label: '16-QAM', modulation: '16qam', code: 'none' },
  { label: 'QPSK + rep3', modulation: 'qpsk', code: 'rep3' },
  { label: 'QPSK + Hamming(7,4)', modulation: 'qpsk', code: 'hamming74' },
];

interface BerPoint {
  scheme: string;
  ebN0Db: number;
  esN0Db: number;
  bits: number;
  errors: number;
  ber: number;
  theory: number;
}

function randomBits(n: number, rng: Xoshiro128): Uint8Array {
  const bits = new Uint8Array(n);
  for (let i = 0; i < n; i += 32) {
    const u = rng.nextUint32();
    for (let k = 0; k < 32 && i + k < n; k++) bits[i + k] = (u >>> k) & 1;
  }
  return bits;
}

function theoryFor(sc: BerScheme, ebN0Db: number): number {
  const esN0Db = esN0FromEbN0(ebN0Db, sc.modulation, sc.code);
  return berAfterDecoding(sc.code, berTheory(sc.modulation, esN0Db));
}

function measureBer(s: Settings): BerPoint[] {
  const points: BerPoint[] = [];
  const chunk = 1 << 16; // a multiple of 4 (Hamming)
  for (const sc of SCHEMES) {
    for (let ebN0Db = 0; ebN0Db <= 12; ebN0Db++) {
      const esN0Db = esN0FromEbN0(ebN0Db, sc.modulation, sc.code);
      const noise = rngFor(SEED, `ber/${sc.label}/${ebN0Db}`);
      const source = rngFor(SEED, `bits/${sc.label}/${ebN0Db}`);
      let bits = 0;
      let errors = 0;
      while (errors < s.berErrors && bits < s.berMaxBits) {
        const tx = randomBits(chunk, source);
        const rx = decode(transmitBits(encode(tx, sc.code), sc.modulation, esN0Db, noise), sc.code);
        for (let i = 0; i < chunk; i++) errors += tx[i]! ^ rx[i]!;
        bits += chunk;
      }
      points.push({
        scheme: sc.label,
        ebN0Db,
        esN0Db,
        bits,
        errors,
        ber: errors / bits,
        theory: theoryFor(sc, ebN0Db),
      });
    }
  }
  return points;
}

function berChart(points: BerPoint[]): ChartSpec {
  const AXES = ['per information bit (Eb/N0)', 'per channel symbol (Es/N0, the configured SNR)'];
  const theory: Record<string, unknown>[] = [];
  for (const sc of SCHEMES) {
    for (let i = 0; i <= 48; i++) {
      const ebN0Db = i / 4;
      const ber = theoryFor(sc, ebN0Db);
      if (ber < 1e-7) continue;
      const esN0Db = esN0FromEbN0(ebN0Db, sc.modulation, sc.code);
      theory.push({ scheme: sc.label, axis: AXES[0], snrDb: ebN0Db, ber, kind: 'theory' });
      theory.push({ scheme: sc.label, axis: AXES[1], snrDb: esN0Db, ber, kind: 'theory' });
    }
  }
  const measured = points
    .filter((p) => p.errors >= 10)
    .flatMap((p) => [
      { scheme: p.scheme, axis: AXES[0], snrDb: p.ebN0Db, ber: p.ber, errors: p.errors, kind: 'measured' },
      { scheme: p.scheme, axis: AXES[1], snrDb: p.esN0Db, ber: p.ber, errors: p.errors, kind: 'measured' },
    ]);
  const color = {
    field: 'scheme',
    type: 'nominal',
    sort: SCHEMES.map((s) => s.label),
    title: 'scheme',
  } as const;
  const x = {
    field: 'snrDb',
    type: 'quantitative',
    title: 'SNR (dB)',
    scale: { zero: false, nice: true },
  } as const;
  const y = {
    field: 'ber',
    type: 'quantitative',
    title: 'bit error rate',
    scale: { type: 'log', domain: [1e-7, 0.5] as number[] },
    axis: { format: '.0e' },
  } as const;
  return {
    title: {
      text: 'BER on AWGN: measured (points) over closed form (lines)',
      subtitle: [
        `@semaigc/channel, Gray mapping, hard decisions, seed ${SEED}; points with >= 10 errors.`,
        'Per Eb/N0, BPSK and QPSK coincide; per Es/N0, the codes buy lower BER with rate.',
      ],
    },
    data: { values: [...theory, ...measured] },
    facet: { column: { field: 'axis', type: 'nominal', title: null, sort: AXES } },
    resolve: { scale: { x: 'independent' } },
    spec: {
      width: 380,
      height: 320,
      layer: [
        {
          transform: [{ filter: "datum.kind === 'theory'" }],
          mark: { type: 'line', strokeWidth: 1.5, clip: true },
          encoding: { x, y, color, detail: { field: 'scheme' } },
        },
        {
          transform: [{ filter: "datum.kind === 'measured'" }],
          mark: { type: 'point', filled: true, size: 40, clip: true },
          encoding: { x, y, color, shape: color, tooltip: [{ field: 'errors' }] },
        },
      ],
    },
  } satisfies ChartSpec;
}

export default async function channelSuite(ctx: SuiteContext): Promise<SuiteResult> {
  const { quick } = suiteArgs(ctx.args, {});
  const s = quick ? QUICK_SETTINGS : DEFAULT_SETTINGS;
  const rows = speedRows(s, ctx.log);

  ctx.log('BER points');
  const points = measureBer(s);
  const base = path.join(ctx.outDir, 'channel-ber');
  const chart = await writeChart(berChart(points), base);
  const docs = path.resolve('packages', 'channel', 'docs');
  fs.mkdirSync(docs, { recursive: true });
  for (const file of [chart.svgPath, chart.pngPath]) {
    if (file) fs.copyFileSync(file, path.join(docs, path.basename(file)));
  }
  ctx.log(`wrote ${path.relative(process.cwd(), base)}.{svg,png} and copies in packages/channel/docs/`);

  return {
    rows,
    extra: {
      settings: { ...s, quick, shape: SHAPE, seed: SEED },
      target: { analogAwgnSamplesPerSecond: TARGET_SAMPLES_PER_S },
      notes:
        'samples/s = latent elements per second; info bits/s = 8 bits per element (q = 8) end to end; ' +
        'BER points: Eb/N0 grid, stop at berErrors errors or berMaxBits bits.',
      ber: points,
    },
  };
}
