/**
 * The edge's compute-share padding: a step is padded by its compute (the smaller of its wall
 * time and the process CPU time it took), so a step stalled without using the CPU (a
 * SIGSTOP) is not slept out again, while an ordinary step at share p still takes compute/p.
 * The arithmetic on its own, then on the real bundle with an injected sleep that records
 * what the edge asked to wait.
 */
import * as ort from 'onnxruntime-node';
import { type OrtModule, SplitPipeline } from '@semaigc/diffusion';
import { DEFAULT_BUNDLE_DIR, dirBundleSource } from '@semaigc/models';
import { PROTOCOL_VERSION, type RequestMessage } from '@semaigc/protocol';
import { sampleRequest } from '../../coordinator/test/helpers';
import { generate } from '../src/generate';
import { cpuMsSince, padAfterStep } from '../src/step-pad';

describe('padAfterStep', () => {
  test('a step that used the CPU all along is padded to compute/p', () => {
    expect(padAfterStep(100, 100, null, 0.5)).toBeCloseTo(100);
    expect(padAfterStep(100, 100, null, 0.2)).toBeCloseTo(400);
    expect(padAfterStep(100, 100, null, 1)).toBe(0);
  });

  test('a step frozen 15 s with 100 ms of CPU in it is not padded (the freeze already took longer)', () => {
    expect(padAfterStep(15_100, 100, null, 0.5)).toBe(0);
    expect(padAfterStep(15_100, 100, null, 0.2)).toBe(0);
    // A short stall: only what is left of compute/p is waited.
    expect(padAfterStep(300, 100, null, 0.2)).toBeCloseTo(200);
  });

  test('several threads (CPU above wall time) count the wall time as the compute', () => {
    expect(padAfterStep(100, 400, null, 0.5)).toBeCloseTo(100);
  });

  test('a stated step time is stretched by the share and filled up from the wall time', () => {
    expect(padAfterStep(100, 100, 500, 1)).toBeCloseTo(400);
    expect(padAfterStep(100, 100, 500, 0.5)).toBeCloseTo(900);
    expect(padAfterStep(2000, 100, 500, 0.5)).toBe(0);
  });
});

describe('on the real bundle', () => {
  let pipeline: SplitPipeline;
  /** When > 0, the next model run ends with the main thread blocked this long (no CPU). */
  let stallMs = 0;
  let stalls = 0;
  beforeAll(async () => {
    // The real onnxruntime-node, each session's run followed by the stall when one is set: a
    // pause inside a step that burns no CPU, as a SIGSTOP is.
    const stalling: OrtModule = {
      ...(ort as unknown as OrtModule),
      InferenceSession: {
        async create(buffer, options) {
          const session = await ort.InferenceSession.create(buffer, options);
          const run = session.run.bind(session);
          session.run = (async (...args: Parameters<typeof run>) => {
            const out = await run(...args);
            if (stallMs > 0) {
              Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, stallMs);
              stallMs = 0;
              stalls += 1;
            }
            return out;
          }) as typeof session.run;
          return session;
        },
      },
    };
    pipeline = await SplitPipeline.load(
      dirBundleSource(process.env['SEMAIGC_BUNDLE_DIR'] ?? DEFAULT_BUNDLE_DIR),
      stalling,
      { sessionOptions: { intraOpNumThreads: 1, interOpNumThreads: 1, graphOptimizationLevel: 'all' } },
    );
  }, 60_000);

  /**
   * One request (16 steps) at share `share`; `freezeMs` > 0 stalls the second step that long.
   * `cpuMs` and `wallMs` run from the end of step 1's pad to the end of the request: steps
   * 2-16 with their pads, without the text encoding.
   */
  async function run(
    share: number,
    freezeMs = 0,
  ): Promise<{ pads: number[]; cpuMs: number; wallMs: number }> {
    const pads: number[] = [];
    let from: { cpu: NodeJS.CpuUsage; at: number } | null = null;
    const sleep = async (ms: number): Promise<void> => {
      pads.push(ms);
      await new Promise((r) => setTimeout(r, ms));
      from ??= { cpu: process.cpuUsage(), at: performance.now() };
      // Step 1 is padded: step 2's model run stalls.
      if (freezeMs > 0 && pads.length === 1) stallMs = freezeMs;
    };
    const req: RequestMessage = {
      ...sampleRequest({ totalSteps: 20, edgeSteps: 16 }),
      v: PROTOCOL_VERSION,
      type: 'request',
    };
    await generate(
      { pipeline, edgeId: 'edge-t', computeShare: share, now: () => Date.now(), sleep },
      req,
      Date.now(),
    );
    // Read through a cast: the closure's assignment is invisible to narrowing.
    const f = from as { cpu: NodeJS.CpuUsage; at: number } | null;
    return f
      ? { pads, cpuMs: cpuMsSince(f.cpu), wallMs: performance.now() - f.at }
      : { pads, cpuMs: 0, wallMs: 0 };
  }

  // On a machine loaded past 1/p a step waits for the CPU longer than its pad would have
  // been, and the share measured drops below p: the band allows some of that.
  test('at share 0.5 the steps take about twice their CPU time (the emulated share inside 0.35-0.6)', async () => {
    await run(1); // warm-up
    const { pads, cpuMs, wallMs } = await run(0.5);
    expect(pads.length).toBeGreaterThan(1);
    // One intra-op thread: the CPU the steps used is their compute; the rest is padding.
    const share = cpuMs / wallMs;
    expect(share).toBeGreaterThan(0.35);
    expect(share).toBeLessThan(0.6);
  }, 120_000);

  test('a step stalled 3 s without CPU is not padded by the stall', async () => {
    const freezeMs = 3000;
    const before = stalls;
    const { pads } = await run(0.5, freezeMs);
    expect(stalls).toBe(before + 1);
    // Step 2 held the stall: padding by wall time would have asked for more than freezeMs.
    expect(pads.length).toBeGreaterThanOrEqual(1);
    expect(Math.max(...pads)).toBeLessThan(freezeMs / 3);
  }, 120_000);
});
