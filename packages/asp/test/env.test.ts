import {
  AGOD_CODE_PROFILE,
  AspEnv,
  drawTasks,
  drawWorld,
  qualityReward,
  runtimeSeconds,
  type Asp,
  type AspProfile,
  type Task,
} from '@semaigc/asp';

// Two ASPs with known capacity and curves, so every number below can be worked out by hand.
const profile: AspProfile = { ...AGOD_CODE_PROFILE, nAsps: 2 };
const asps: Asp[] = [
  { id: 0, capacity: 400, curve: { ax: 50, ay: 0.2, bx: 200, by: 0.8 } },
  { id: 1, capacity: 900, curve: { ax: 0, ay: 0.1, bx: 150, by: 0.6 } },
];
const task = (index: number, arrival: number, steps: number): Task => ({
  index,
  arrival,
  steps,
  runtime: runtimeSeconds(steps),
});

describe('quality and runtime', () => {
  test('the code constants: runtime in seconds and the piecewise-linear reward', () => {
    expect(runtimeSeconds(100)).toBeCloseTo((0.001 * 100 ** 2 + 2.5 * 100 - 14) * 60, 9); // 14 760 s
    const c = asps[0]!.curve;
    expect(qualityReward(c, 40)).toBe(0); // below A_x: nothing above the baseline
    expect(qualityReward(c, 125)).toBeCloseTo(0.3, 12); // half-way: (0.8 − 0.2) / 2
    expect(qualityReward(c, 250)).toBeCloseTo(0.6, 12); // above B_x: B_y − A_y
  });
});

describe('AspEnv semantics', () => {
  test('a task that just fits is admitted; one step more crashes every running task with the penalty', () => {
    const env = new AspEnv(profile, asps);
    // 250 steps on ASP 0 at t = 0, then 150 (fits exactly: 400 − 250), then 100 (overflows by 100).
    const t2 = 20_000;
    env.start([task(0, 0, 250), task(1, 10_000, 150), task(2, t2, 100), task(3, t2 + 1, 100)]);
    const a = env.step(0);
    expect(a).toEqual({
      reward: qualityReward(asps[0]!.curve, 250),
      done: false,
      admitted: true,
      interrupted: 0,
    });
    expect(env.available(0)).toBe(150);
    const b = env.step(0);
    expect(b.admitted).toBe(true);
    expect(b.reward).toBeCloseTo(qualityReward(asps[0]!.curve, 150), 12);
    expect(env.available(0)).toBe(0);

    const c = env.step(0);
    const progress0 = t2 / runtimeSeconds(250);
    const progress1 = (t2 - 10_000) / runtimeSeconds(150);
    expect(progress0).toBeLessThan(1);
    expect(c.admitted).toBe(false);
    expect(c.interrupted).toBe(2);
    expect(c.reward).toBeCloseTo(-(2 + 2 * (1 - progress0) + 2 * (1 - progress1)), 9);
    expect(c.reward).toBeLessThan(0);
    // The crash empties the ASP; the overflowing task itself was dropped.
    expect(env.available(0)).toBe(400);
    const end = env.step(1);
    expect(end.done).toBe(true);
    const s = env.episodeStats();
    expect(s).toMatchObject({ tasks: 4, finished: 0, crashed: 2, crashEvents: 1, inFlight: 1 });
    expect(s.lostUtility).toBeCloseTo(
      qualityReward(asps[0]!.curve, 250) + qualityReward(asps[0]!.curve, 150),
      12,
    );
  });

  test('a crash on an idle ASP costs only the fixed penalty', () => {
    const env = new AspEnv(profile, [{ ...asps[0]!, capacity: 200 }, asps[1]!]);
    env.start([task(0, 0, 250), task(1, 1, 100)]);
    expect(env.step(0)).toEqual({ reward: -2, done: false, admitted: false, interrupted: 0 });
  });

  test('capacity is released when the runtime has elapsed, at the next arrival', () => {
    const env = new AspEnv(profile, asps);
    const rt = runtimeSeconds(200);
    env.start([task(0, 0, 200), task(1, rt - 1, 100), task(2, rt, 100), task(3, rt + 1, 100)]);
    env.step(0);
    expect(env.available(0)).toBe(200); // task 1 arrives one second too early
    env.step(1);
    expect(env.available(0)).toBe(400); // task 2 arrives as task 0 ends
    env.step(1);
    env.step(1);
    expect(env.episodeStats()).toMatchObject({ finished: 1, crashed: 0, inFlight: 3 });
    expect(env.episodeStats().utility).toBeCloseTo(qualityReward(asps[0]!.curve, 200), 12);
  });

  test('the observation is the paper state, normalised by the code constants', () => {
    const env = new AspEnv(profile, asps);
    let x = env.start([task(0, 0, 125), task(1, 5, 250)]);
    expect(Array.from(x)).toEqual(
      [125 / 250, runtimeSeconds(125) / runtimeSeconds(250), 400 / 900, 1, 900 / 900, 1].map(Math.fround),
    );
    env.step(0);
    x = env.observe();
    expect(x[0]).toBe(1);
    expect(x[3]).toBeCloseTo(275 / 400, 6);
    for (const v of x) {
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThanOrEqual(1);
    }
  });

  test('an episode of the default profile has about 1000 tasks of 100–250 steps over 1e6 s', () => {
    const tasks = drawTasks(AGOD_CODE_PROFILE, 7);
    expect(tasks.length).toBeGreaterThan(900);
    expect(tasks.length).toBeLessThan(1100);
    expect(tasks[0]!.arrival).toBe(0);
    expect(tasks.every((t) => t.steps >= 100 && t.steps <= 250 && t.steps % 10 === 0)).toBe(true);
    expect(tasks[tasks.length - 1]!.arrival).toBeLessThan(1e6);
    const world = drawWorld(AGOD_CODE_PROFILE, 3);
    expect(world).toHaveLength(20);
    expect(world.every((a) => a.capacity >= 400 && a.capacity <= 900)).toBe(true);
  });

  test('rejects bad actions and task streams with the field named', () => {
    const env = new AspEnv(profile, asps);
    env.start([task(0, 0, 100)]);
    expect(() => env.step(2)).toThrow(/action must be an integer in \[0, 2\)/);
    expect(() => env.start([task(0, 5, 100), task(1, 4, 100)])).toThrow(/task 1 arrives before task 0/);
    expect(() => new AspEnv(AGOD_CODE_PROFILE, asps)).toThrow(/2 ASPs given/);
  });
});
