/**
 * The stated step time: the pad rule every node applies after a step (by wall time and by
 * process CPU time), the pacer that applies it, and the field's trip through the codec on a
 * request and a record.
 */
import {
  decode,
  encode,
  padAfterStep,
  PROTOCOL_VERSION,
  stepPacer,
  stepPadMs,
  stepTimeSchema,
  timerSleep,
  type RecordMessage,
  type RequestMessage,
} from '../src';
import { record, requestBody } from './fixtures';

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

  test('without a CPU clock (a browser) the wall time is the compute', () => {
    expect(padAfterStep(100, null, null, 0.5)).toBeCloseTo(100);
    expect(padAfterStep(15_100, null, null, 0.5)).toBeCloseTo(15_100);
    expect(padAfterStep(100, null, 500, 0.5)).toBeCloseTo(900);
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

describe('stepPacer', () => {
  const STEPS: [number, number][] = [
    [10, 10],
    [20, 10],
    [3010, 10],
    [10, 10],
  ];

  /**
   * Steps of (wall ms, CPU ms used in the step) through a pacer on a hand-driven CPU clock;
   * with `timerErrorMs` the sleep says it waited the pad plus that (n: 1-based pad), without
   * it the sleep says nothing.
   */
  async function paced(
    steps: [number, number][],
    o: { cpuClock: boolean; timerErrorMs?: (n: number) => number },
  ): Promise<number[]> {
    let cpu = 1000;
    const pads: number[] = [];
    const onStep = stepPacer({
      statedMs: null,
      share: 0.5,
      // The pad itself burns a little CPU: the next step must not count it.
      sleep: (ms) => {
        pads.push(ms);
        cpu += 3;
        return Promise.resolve(o.timerErrorMs ? ms + o.timerErrorMs(pads.length) : undefined);
      },
      ...(o.cpuClock ? { cpuMs: () => cpu } : {}),
    });
    for (const [wallMs, cpuMs] of steps) {
      cpu += cpuMs;
      await onStep({ ms: wallMs });
    }
    return pads;
  }

  test("each step's CPU time is counted from the end of the previous pad", async () => {
    // Step 2 waited 10 ms for the CPU (it is not padded: counting the first pad's 3 ms of CPU
    // would ask for 6 ms); step 3 spans a 3 s freeze with 10 ms of CPU in it.
    expect(await paced(STEPS, { cpuClock: true })).toEqual([10, 10]);
  });

  test('without a CPU clock every step is padded by its wall time, the frozen one too', async () => {
    expect(await paced(STEPS, { cpuClock: false })).toEqual([10, 20, 3010, 10]);
  });

  test('what a timer fell short is added to the next pad; an overrun is not taken back', async () => {
    const steps: [number, number][] = [
      [10, 10],
      [10, 10],
      [10, 10],
      [10, 10],
    ];
    // Pad 1 fired 0.75 ms early, pad 2 on time, pad 3 500 ms late (a stall while waiting).
    const error = (n: number): number => [-0.75, 0, 500, 0][n - 1]!;
    expect(await paced(steps, { cpuClock: true, timerErrorMs: error })).toEqual([10, 10.75, 10, 10]);
  });
});

test.each([
  // measured, stated, share → pad
  [2, null, 1, 0], // as measured, full share: no wait
  [2, null, 0.5, 2], // PACR: 2 ms at p = 0.5 takes 4 ms
  [2, 200, 1, 198], // padded to the stated 200 ms
  [2, 200, 0.5, 398], // stated at full share, then stretched by 1/p
  [250, 200, 1, 0], // a node slower than stated is not slowed further
  [250, 200, 0.5, 250], // … but its share still stretches it
])('measured %p ms, stated %p ms, share %p → pad %p ms', (measured, stated, share, pad) => {
  expect(stepPadMs(measured, stated, share)).toBeCloseTo(pad, 9);
});

test('timerSleep waits at least about the time asked and says how long it waited', async () => {
  const start = performance.now();
  const slept = await timerSleep(20);
  // The timer's own error is up to a millisecond either way: a bound, not a speed.
  expect(slept).toBeGreaterThan(18);
  expect(slept).toBeLessThanOrEqual(performance.now() - start);
});

test('the field defaults to as measured and refuses a non-positive time, naming it', () => {
  expect(stepTimeSchema.parse({})).toEqual({ edgeMs: null, receiverMs: null });
  const r = stepTimeSchema.safeParse({ edgeMs: 0 });
  expect(r.success).toBe(false);
  expect(r.error?.issues[0]?.path).toEqual(['edgeMs']);
});

test('a request and its record carry the stated step times through the codec', () => {
  const stepTime = { edgeMs: 200, receiverMs: 368 };
  const req = decode(
    encode({ v: PROTOCOL_VERSION, type: 'request', ...requestBody({ stepTime }) }),
  ) as RequestMessage;
  expect(req.stepTime).toEqual(stepTime);
  const plain = decode(encode({ v: PROTOCOL_VERSION, type: 'request', ...requestBody() })) as RequestMessage;
  expect(plain.stepTime).toBeUndefined();
  const rec = decode(encode({ ...record, stepTime })) as RecordMessage;
  expect(rec.stepTime).toEqual(stepTime);
});
