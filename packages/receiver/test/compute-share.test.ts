/**
 * The receiver's weaker-device emulation (compute share p) on the real bundle: with a process
 * CPU clock (what apps/receiver-node gives it) a step's compute is the smaller of its wall
 * time and the CPU time it used, so a step that spans a SIGSTOP is not slept out again after
 * SIGCONT; without one (the browser) the same stop is padded by its wall time, which is what
 * makes the stop visible here. The stop is a real SIGSTOP/SIGCONT of this process placed
 * inside a real model step; the pads are what ReceiverCore asked its sleep for.
 */
import { processCpuMs } from '@semaigc/node-kit';
import { type CpuClock, PROTOCOL_VERSION, type RequestMessage } from '@semaigc/protocol';
import { sampleRequest } from '../../../apps/coordinator/test/helpers';
import { ReceiverCore } from '../src';
import { nodeCapabilities } from './capabilities';
import { padRecorder, type StoppingPipeline, stoppingPipeline } from './paused-step';

let stopping: StoppingPipeline;

beforeAll(async () => {
  stopping = await stoppingPipeline();
}, 120_000);

afterAll(async () => {
  await stopping?.pipeline.release();
});

/**
 * One Local AIGC request (all 40 steps on the receiver) at share 0.5; `freezeMs` > 0 stops
 * the process that long inside the second step. `share`: padRecorder's medianStepShare.
 */
async function run(
  cpuMs: CpuClock | undefined,
  freezeMs = 0,
): Promise<{ pads: number[]; share: number; failed: boolean }> {
  // Step 1 is padded: step 2's model run is stopped.
  const rec = padRecorder((n) => {
    if (freezeMs > 0 && n === 1) stopping.stopAfterNextRun(freezeMs);
  });
  const core = new ReceiverCore({
    pipeline: stopping.pipeline,
    nodeId: 'rx-1',
    capabilities: () => nodeCapabilities(stopping.pipeline, 0.5),
    computeShare: 0.5,
    sleep: rec.sleep,
    ...(cpuMs ? { cpuMs } : {}),
  });
  const job: RequestMessage = {
    ...sampleRequest({
      totalSteps: 40,
      edgeSteps: 0,
      policy: 'local-only',
      edgeId: null,
      createdAt: Date.now(),
      deadline: Date.now() + 600_000,
    }),
    v: PROTOCOL_VERSION,
    type: 'request',
  };
  const { record } = await core.handle(job, { arrivedAt: Date.now(), payloadBytes: 0 });
  return { pads: rec.pads, share: rec.medianStepShare(), failed: record.failed };
}

// On a machine loaded past 1/p a step waits for the CPU longer than its pad would have been,
// and its share drops below p: the median over the steps and the band allow some of that.
test('at share 0.5 a step takes about twice its CPU time (the emulated share inside 0.35-0.6)', async () => {
  await run(processCpuMs); // warm-up, the pads' code paths included
  const { pads, share, failed } = await run(processCpuMs);
  expect(failed).toBe(false);
  expect(pads.length).toBeGreaterThan(2);
  // One intra-op thread: the CPU a step used is its compute; the rest is padding.
  expect(share).toBeGreaterThan(0.35);
  expect(share).toBeLessThan(0.6);
}, 120_000);

test('a step stopped 3 s (SIGSTOP, SIGCONT) is not padded by the stop when the CPU clock is given', async () => {
  const freezeMs = 3000;
  const before = stopping.stops();
  const { pads } = await run(processCpuMs, freezeMs);
  expect(stopping.stops()).toBe(before + 1);
  expect(pads.length).toBeGreaterThan(1);
  // Step 2 held the stop: padding by wall time would have asked for more than freezeMs.
  expect(Math.max(...pads)).toBeLessThan(freezeMs / 3);
}, 120_000);

test('without a CPU clock (the browser) the same stop is padded again: the wall time is the compute', async () => {
  const freezeMs = 3000;
  const before = stopping.stops();
  const { pads } = await run(undefined, freezeMs);
  expect(stopping.stops()).toBe(before + 1);
  // Step 2's pad at p = 0.5 is its wall time again, the stop included.
  expect(pads[1]).toBeGreaterThanOrEqual(freezeMs);
}, 120_000);
