/**
 * The UNet session alone, without the pipeline around it, on the page's main thread: what
 * the per-call choices cost (fresh feed tensors or reused ones, a preallocated output, a
 * fixed batch dimension) and what the JavaScript around one guided call costs (building the
 * batch-2 feeds, copying the output, combining the guidance), timed over many repetitions.
 */
import type { InferenceSession, Tensor } from 'onnxruntime-web';
import type { Ort } from '../ort-env';
import { warmUp } from './samples';

export interface RawSessionInput {
  ort: Ort;
  bytes: Uint8Array;
  options: InferenceSession.SessionOptions;
  /** latent [c, h, w] and text [L, D] of the bundle. */
  latent: [number, number, number];
  text: [number, number];
  n: number;
}

const BATCH = 2; // classifier-free guidance batched: [uncond, cond]

function filled(n: number, seed: number): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = Math.sin(i * 0.37 + seed) * 0.5;
  return a;
}

function feedsOf(
  ort: Ort,
  x: { sample: Float32Array; t: Float32Array; ctx: Float32Array },
  i: RawSessionInput,
): Record<string, Tensor> {
  const [c, h, w] = i.latent;
  const [L, D] = i.text;
  return {
    sample: new ort.Tensor('float32', x.sample, [BATCH, c, h, w]),
    timestep: new ort.Tensor('float32', x.t, [BATCH]),
    encoder_hidden_states: new ort.Tensor('float32', x.ctx, [BATCH, L, D]),
  };
}

/** Per-call ms of the JS a guided step does around `run` (median of blocks of 200 calls). */
function jsAroundMs(i: RawSessionInput, ort: Ort, out: Float32Array): number[] {
  const [c, h, w] = i.latent;
  const n = c * h * w;
  const z = filled(n, 1);
  const cond = filled(i.text[0] * i.text[1], 2);
  const uncond = filled(i.text[0] * i.text[1], 3);
  const blocks: number[] = [];
  for (let b = 0; b < 10; b++) {
    const t0 = performance.now();
    for (let k = 0; k < 200; k++) {
      const sample = new Float32Array(2 * n);
      sample.set(z);
      sample.set(z, n);
      const ctx = new Float32Array(2 * cond.length);
      ctx.set(uncond);
      ctx.set(cond, cond.length);
      feedsOf(ort, { sample, t: Float32Array.of(500, 500), ctx }, i);
      const copy = new Float32Array(out);
      const eps = new Float32Array(n);
      for (let j = 0; j < n; j++) eps[j] = copy[j]! + 1.5 * (copy[n + j]! - copy[j]!);
    }
    blocks.push((performance.now() - t0) / 200);
  }
  return blocks;
}

/**
 * The per-call choices, interleaved: after a warm-up of each, every round times each case
 * once in turn, so a drift in machine load or V8's wasm tier-up hits them alike (timed one
 * after the other, the first case measured the most baseline-compiled code).
 */
export async function rawSessionSamples(i: RawSessionInput): Promise<Record<string, number[]>> {
  const { ort } = i;
  const [c, h, w] = i.latent;
  const n = c * h * w;
  const x = {
    sample: filled(BATCH * n, 1),
    t: Float32Array.of(500, 500),
    ctx: filled(BATCH * i.text[0] * i.text[1], 2),
  };
  const s = await ort.InferenceSession.create(i.bytes, i.options);
  const fixed = await ort.InferenceSession.create(i.bytes, {
    ...i.options,
    freeDimensionOverrides: { batch: BATCH },
  });
  try {
    const reused = feedsOf(ort, x, i);
    const pre = new ort.Tensor('float32', new Float32Array(BATCH * n), [BATCH, c, h, w]);
    const cases: [string, () => Promise<unknown>][] = [
      ['raw run: new feed tensors per call', () => s.run(feedsOf(ort, x, i))],
      ['raw run: feed tensors reused', () => s.run(reused)],
      ['raw run: preallocated output', () => s.run(reused, { [s.outputNames[0]!]: pre })],
      ['raw run: freeDimensionOverrides batch=2', () => fixed.run(feedsOf(ort, x, i))],
    ];
    for (const [, fn] of cases) await warmUp(fn);
    const out: Record<string, number[]> = Object.fromEntries(cases.map(([name]) => [name, []]));
    for (let r = 0; r < i.n; r++)
      for (const [name, fn] of cases) {
        const t0 = performance.now();
        await fn();
        out[name]!.push(performance.now() - t0);
      }
    const res = await s.run(reused);
    out['js around one guided call (feeds, copies, guidance)'] = jsAroundMs(
      i,
      ort,
      res[s.outputNames[0]!]!.data as Float32Array,
    );
    return out;
  } finally {
    await s.release();
    await fixed.release();
  }
}
