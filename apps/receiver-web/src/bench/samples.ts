/**
 * The timed cases shared by the benchmark page and its onnxruntime-node reference
 * (scripts/bench/suites/browser/node-run.ts), so both sides time exactly the same calls.
 * Browser- and Node-safe: it needs only a `SplitPipeline` and `performance.now()`.
 */
import { initialNoise, type ReceiverVariant, type SplitPipeline } from '@semaigc/diffusion';
import { DEFAULT_RECEIVER_VARIANT } from '@semaigc/receiver';
import type { RunClock } from '../inference/run-clock';

export const BENCH_PROMPT = 'a large red circle on the left on a blue background';

/**
 * Untimed calls before timing: at least one, and until WARM_UP_MS have passed (at most
 * WARM_UP_MAX_CALLS). V8 first runs wasm with its baseline compiler and moves hot functions
 * to the optimising one in the background; on a loaded machine that takes a while, and the
 * first timed calls of a short warm-up measured the baseline code.
 */
export const WARM_UP_MS = 1000;
export const WARM_UP_MAX_CALLS = 50;

export async function warmUp(fn: () => Promise<unknown>): Promise<void> {
  const t0 = performance.now();
  for (let i = 0; i < WARM_UP_MAX_CALLS; i++) {
    await fn();
    if (performance.now() - t0 >= WARM_UP_MS) return;
  }
}

/** `n` timings (ms) of `fn` after the warm-up. */
export async function timeEach(n: number, fn: () => Promise<unknown>): Promise<number[]> {
  await warmUp(fn);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await fn();
    out.push(performance.now() - t0);
  }
  return out;
}

/**
 * `n` receiver steps after the warm-up: the last step of a 20-step schedule with `variant`
 * and CFG, the step the page announces as stepMs. With a clock, also the part of each step
 * spent in `session.run` (`ortMs`).
 */
export async function receiverSteps(
  p: SplitPipeline,
  n: number,
  variant: ReceiverVariant,
  clock?: RunClock,
): Promise<{ stepMs: number[]; ortMs: number[] }> {
  const textStates = await p.encodePrompt(BENCH_PROMPT);
  const step = (seed: number) =>
    p.deviceDenoise({
      latent: initialNoise(seed, p.size),
      fromIndex: 19,
      totalSteps: 20,
      noiseVariance: 0.01,
      variant,
      textStates,
    });
  await warmUp(() => step(0));
  const stepMs: number[] = [];
  const ortMs: number[] = [];
  for (let i = 1; i <= n; i++) {
    const before = clock?.ortMs ?? 0;
    const res = await step(i);
    stepMs.push(res.stepMs[0]!);
    ortMs.push((clock?.ortMs ?? 0) - before);
  }
  return { stepMs, ortMs };
}

/** Local AIGC as a receiver runs it: text encoding, 20 steps of the default variant, decode. */
export function localGeneration(p: SplitPipeline, seed: number): Promise<unknown> {
  return p
    .deviceDenoise({
      latent: initialNoise(seed, p.size),
      fromIndex: 0,
      totalSteps: 20,
      noiseVariance: 0,
      variant: DEFAULT_RECEIVER_VARIANT,
      prompt: BENCH_PROMPT,
    })
    .then((r) => p.decode(r.latent));
}
