/**
 * Calibration: the AaaS four-parameter fit recovers known curves from noisy synthetic
 * measurements, calibration points come from records, a calibrated profile fixes the
 * simulator's world, and the live view feeds policies the simulator's (clipped) state.
 */
import {
  AGOD_CODE_PROFILE,
  AspEnv,
  calibratedProfile,
  calibrationPoints,
  CrashAvoidPolicy,
  decideLive,
  drawTasks,
  drawWorld,
  evaluatePolicy,
  fitQualityCurve,
  grid,
  liveObservation,
  liveScore,
  parseCalibratedProfile,
  ProphetPolicy,
  quality,
  type QualityCurve,
} from '@semaigc/asp';
import { createRng } from '@semaigc/root';

/** Mean of n draws of quality + N(0, sd²) at each step count (Box–Muller, seeded). */
function measure(c: QualityCurve, steps: number[], n: number, sd: number, seed: number) {
  const rng = createRng(seed);
  return steps.map((s) => {
    let sum = 0;
    for (let k = 0; k < n; k++) {
      const g = Math.sqrt(-2 * Math.log(1 - rng.uniform())) * Math.cos(2 * Math.PI * rng.uniform());
      sum += Math.min(1, Math.max(0, quality(c, s) + sd * g));
    }
    return { steps: s, quality: sum / n, n };
  });
}

describe('fitQualityCurve', () => {
  // Tolerance stated: breakpoints within 6 steps (the grid spacing of the measurements is
  // 10), levels within 0.03, at 20 requests per step count and a per-request spread of 0.05.
  const curves: QualityCurve[] = [
    { ax: 30, ay: 0.2, bx: 180, by: 0.85 },
    { ax: 0, ay: 0.05, bx: 150, by: 0.6 },
    { ax: 90, ay: 0.45, bx: 240, by: 0.95 },
    { ax: 60, ay: 0, bx: 200, by: 0.5 },
  ];
  test.each(curves.map((c, i) => [i, c] as const))(
    'recovers curve %i within the stated tolerance',
    (i, c) => {
      const fit = fitQualityCurve(measure(c, grid(0, 250, 10), 20, 0.05, 100 + i));
      expect(Math.abs(fit.curve.ax - c.ax)).toBeLessThanOrEqual(6);
      expect(Math.abs(fit.curve.bx - c.bx)).toBeLessThanOrEqual(6);
      expect(Math.abs(fit.curve.ay - c.ay)).toBeLessThanOrEqual(0.03);
      expect(Math.abs(fit.curve.by - c.by)).toBeLessThanOrEqual(0.03);
      expect(fit.rmse).toBeLessThan(0.03);
    },
  );

  test('exact data on a lab-sized step grid (1..20 steps) is fitted exactly', () => {
    const c = { ax: 2, ay: 0.1, bx: 12, by: 0.8 };
    const fit = fitQualityCurve(
      [1, 2, 4, 6, 8, 12, 16, 20].map((s) => ({ steps: s, quality: quality(c, s) })),
    );
    expect(fit.curve.ax).toBeCloseTo(2, 5);
    expect(fit.curve.bx).toBeCloseTo(12, 5);
    expect(fit.curve.ay).toBeCloseTo(0.1, 5);
    expect(fit.curve.by).toBeCloseTo(0.8, 5);
  });

  test('a control: flat data gives a flat curve (no rise invented)', () => {
    const fit = fitQualityCurve([2, 4, 8, 16].map((s) => ({ steps: s, quality: 0.4 })));
    expect(fit.curve.by - fit.curve.ay).toBeCloseTo(0, 6);
    expect(fit.rmse).toBeCloseTo(0, 6);
  });

  test('bad input is refused naming the point', () => {
    expect(() => fitQualityCurve([{ steps: 1, quality: 0.5 }])).toThrow(/>= 2 step counts/);
    expect(() =>
      fitQualityCurve([
        { steps: 1, quality: 0.5 },
        { steps: 2, quality: 1.5 },
      ]),
    ).toThrow(/points\[1\]\.quality/);
    expect(() =>
      fitQualityCurve([
        { steps: 3, quality: 0.5 },
        { steps: 3, quality: 0.6 },
      ]),
    ).toThrow(/distinct/);
  });
});

test('calibration points: per edge and step, the mean consistency of records that succeeded', () => {
  const rec = (edgeId: string, edgeSteps: number, c: number | null, failed = false) => ({
    edgeId,
    edgeSteps,
    failed,
    quality: { consistency: c },
  });
  const pts = calibrationPoints([
    rec('e2', 4, 0.5),
    rec('e1', 8, 0.9),
    rec('e1', 4, 0.2),
    rec('e1', 4, 0.4),
    rec('e1', 4, 0.9, true),
    rec('e2', 4, null),
  ]);
  expect([...pts.keys()]).toEqual(['e1', 'e2']);
  expect(pts.get('e1')).toEqual([
    { steps: 4, quality: expect.closeTo(0.3, 9) as number, n: 2 },
    { steps: 8, quality: 0.9, n: 1 },
  ]);
  expect(pts.get('e2')).toEqual([{ steps: 4, quality: 0.5, n: 1 }]);
});

describe('a calibrated profile', () => {
  const file = calibratedProfile({
    name: 'lab',
    edges: [
      { edgeId: 'edge-0', capacity: 20, curve: { ax: 2, ay: 0.1, bx: 12, by: 0.8 }, rmse: 0.01, points: 8 },
      { edgeId: 'edge-1', capacity: 40, curve: { ax: 0, ay: 0.2, bx: 6, by: 0.5 }, rmse: 0.02, points: 8 },
    ],
    taskStepChoices: [4, 8, 12],
    runtime: { overheadS: 0.5, perStepS: 0.2 },
    arrivalRate: 2,
    episodeSeconds: 50,
  });

  test('survives JSON and fixes the world for every seed; tasks use its linear runtime', () => {
    const back = parseCalibratedProfile(JSON.parse(JSON.stringify(file)));
    const w1 = drawWorld(back.profile, 1);
    expect(w1).toEqual(drawWorld(back.profile, 2));
    expect(w1.map((a) => a.capacity)).toEqual([20, 40]);
    expect(w1[0]!.curve).toEqual({ ax: 2, ay: 0.1, bx: 12, by: 0.8 });
    const tasks = drawTasks(back.profile, 3);
    expect(tasks.length).toBeGreaterThan(20);
    for (const t of tasks) expect(t.runtime).toBeCloseTo(0.5 + 0.2 * t.steps, 9);
    const env = new AspEnv(back.profile, w1);
    const obs = env.reset(3);
    expect(obs.length).toBe(6);
    for (const v of obs) expect(v >= 0 && v <= 1).toBe(true);
  });

  test('lab arrivals keep their sub-second times (flooring would stack a second of arrivals on one instant)', () => {
    const lab = calibratedProfile({
      name: 'busy-lab',
      edges: [
        { edgeId: 'edge-0', capacity: 20, curve: { ax: 1, ay: 0.2, bx: 3, by: 0.6 }, rmse: 0.02, points: 8 },
        { edgeId: 'edge-1', capacity: 40, curve: { ax: 1, ay: 0.2, bx: 3, by: 0.5 }, rmse: 0.02, points: 8 },
      ],
      taskStepChoices: [4],
      runtime: { overheadS: 0.02, perStepS: 0.005 },
      arrivalRate: 30,
      episodeSeconds: 10,
    }).profile;
    const tasks = drawTasks(lab, 4);
    for (let i = 1; i < tasks.length; i++) expect(tasks[i]!.arrival).toBeGreaterThan(tasks[i - 1]!.arrival);
    // The papers' profile keeps the code's whole seconds.
    for (const t of drawTasks(AGOD_CODE_PROFILE, 4).slice(0, 50))
      expect(Number.isInteger(t.arrival)).toBe(true);
    // About 0.04 s per task at 30/s: ~1.2 tasks (5 steps) in flight against 60 steps of room,
    // so crash-avoid hardly ever crashes; with stacked arrivals ~30 tasks (120 steps) met at once.
    const env = new AspEnv(lab, drawWorld(lab, 1));
    const score = evaluatePolicy(env, new CrashAvoidPolicy(), [11, 12]);
    expect(score.crashRate).toBeLessThan(0.02);
  });

  test('a damaged file is refused naming the field', () => {
    expect(() => parseCalibratedProfile({ ...file, format: 'x' }, 'lab.json')).toThrow(/lab.json: format/);
    const short = { ...file, profile: { ...file.profile, world: file.profile.world!.slice(0, 1) } };
    expect(() => parseCalibratedProfile(JSON.parse(JSON.stringify(short)))).toThrow(/world has 1 edges/);
  });

  test('live edges: the state is the simulator’s, clipped to [0, 1]; heuristics and the prophet decide on it', () => {
    const p = file.profile;
    const edges = [
      { capacity: 20, inFlight: 8, curve: file.edges[0]!.curve },
      { capacity: 80, inFlight: 0, curve: file.edges[1]!.curve }, // more than the profile's largest
      { capacity: null, inFlight: 3, curve: null },
    ];
    const x = liveObservation(p, edges, 16); // 16 steps: more than the profile's longest task
    expect(x[0]).toBe(1);
    expect(x[2]).toBeCloseTo(20 / 40, 6);
    expect(x[3]).toBeCloseTo(12 / 20, 6);
    expect(x[4]).toBe(1); // 80 / 40 clipped
    expect([x[6], x[7]]).toEqual([1, 1]); // unlimited
    expect(decideLive(new CrashAvoidPolicy(), p, edges, 8).index).toBe(2);
    // The prophet: edge 0 has the better curve at 12 and 16 steps but only 12 steps free.
    const known = edges.slice(0, 2);
    expect(decideLive(new ProphetPolicy(), p, known, 12).index).toBe(0);
    expect(decideLive(new ProphetPolicy(), p, known, 16).index).toBe(1);
  });
});

test('live score: utility from the curves, r̂_F per crashed task, rejections counted', () => {
  const curves = new Map([['e1', { ax: 0, ay: 0.1, bx: 10, by: 0.6 }]]);
  const ok = { edgeId: 'e1', edgeSteps: 10, failed: false, failure: null };
  const crash = { edgeId: 'e1', edgeSteps: 10, failed: true, failure: { code: 'EDGE_CRASH' } };
  const rej = { edgeId: null, edgeSteps: 10, failed: true, failure: { code: 'EDGE_OVERLOADED' } };
  const s = liveScore([ok, ok, crash, rej], curves);
  expect(s).toEqual({
    tasks: 4,
    finishRate: 0.5,
    crashRate: 0.25,
    rejectRate: 0.25,
    utility: expect.closeTo(1, 9) as number,
    penalty: 2,
    reward: expect.closeTo(-1, 9) as number,
  });
});
