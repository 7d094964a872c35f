/**
 * The edge's compute-share padding: a step is padded by its compute (the smaller of its wall
 * time and the process CPU time it took), so a step that spans a SIGSTOP is not slept out
 * again after SIGCONT, while an ordinary step at share p still takes compute/p. On the real
 * bundle with an injected sleep that records what the edge asked to wait, the stop placed
 * inside a real model step (the receiver's tests' helpers; the arithmetic, protocol's
 * padAfterStep and stepPacer, is tested in packages/protocol).
 */
import { PROTOCOL_VERSION, type RequestMessage } from '@semaigc/protocol';
import { sampleRequest } from '../../coordinator/test/helpers';
import {
  padRecorder,
  type StoppingPipeline,
  stoppingPipeline,
} from '../../../packages/receiver/test/paused-step';
import { generate } from '../src/generate';

describe('on the real bundle', () => {
  let stopping: StoppingPipeline;
  beforeAll(async () => {
    stopping = await stoppingPipeline();
  }, 60_000);
  afterAll(async () => {
    await stopping?.pipeline.release();
  });

  /**
   * One request (16 steps) at share `share`; `freezeMs` > 0 stops the process that long
   * inside the second step. `share`: padRecorder's medianStepShare over steps 2-16.
   */
  async function run(share: number, freezeMs = 0): Promise<{ pads: number[]; share: number }> {
    // Step 1 is padded: step 2's model run is stopped.
    const rec = padRecorder((n) => {
      if (freezeMs > 0 && n === 1) stopping.stopAfterNextRun(freezeMs);
    });
    const req: RequestMessage = {
      ...sampleRequest({ totalSteps: 20, edgeSteps: 16 }),
      v: PROTOCOL_VERSION,
      type: 'request',
    };
    await generate(
      {
        pipeline: stopping.pipeline,
        edgeId: 'edge-t',
        computeShare: share,
        now: () => Date.now(),
        sleep: rec.sleep,
      },
      req,
      Date.now(),
    );
    return { pads: rec.pads, share: rec.medianStepShare() };
  }

  // On a machine loaded past 1/p a step waits for the CPU longer than its pad would have
  // been, and its share drops below p: the median over the steps and the band allow some of that.
  test('at share 0.5 a step takes about twice its CPU time (the emulated share inside 0.35-0.6)', async () => {
    await run(0.5); // warm-up, the pads' code paths included
    const { pads, share } = await run(0.5);
    expect(pads.length).toBeGreaterThan(2);
    // One intra-op thread: the CPU a step used is its compute; the rest is padding.
    expect(share).toBeGreaterThan(0.35);
    expect(share).toBeLessThan(0.6);
  }, 120_000);

  test('a step stopped 3 s (SIGSTOP, SIGCONT) is not padded by the stop', async () => {
    const freezeMs = 3000;
    const before = stopping.stops();
    const { pads } = await run(0.5, freezeMs);
    expect(stopping.stops()).toBe(before + 1);
    // Step 2 held the stop: padding by wall time would have asked for more than freezeMs.
    expect(pads.length).toBeGreaterThanOrEqual(1);
    expect(Math.max(...pads)).toBeLessThan(freezeMs / 3);
  }, 120_000);
});
