import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  CONTENTION,
  Calendar,
  DEFAULT_PHY,
  LTE_CQI_TABLE,
  LinUcb,
  SINGLE_REQUEST,
  ScenarioEnv,
  actionGrid,
  analogLatentS,
  attemptEnds,
  cqiFor,
  createRng,
  deadlineGreedy,
  digitalLink,
  interval,
  loadMeasuredSurface,
  measuredQuality,
  predict,
  sampleDigitalS,
  scenarioActions,
  type Decision,
  type ScenarioSpec,
  type ScenarioState,
} from '@semaigc/root';
import { assumed } from './scenario-fixtures';

const DOCS = path.join(__dirname, '..', '..', 'diffusion', 'docs');
const readDoc = (f: string): unknown => JSON.parse(fs.readFileSync(path.join(DOCS, f), 'utf8'));

const grid = actionGrid('paper10', 20);

function state(patch: Partial<ScenarioState> = {}): ScenarioState {
  return {
    receiver: 0,
    arrivalS: 0,
    snrDb: 15,
    edgeShare: 1,
    deviceCapability: 1,
    bandwidthHz: 10e6,
    targetS: 20,
    limitS: 40,
    queueWaitS: 0,
    edgeBacklogS: 0,
    deviceWaitS: 0,
    recentArrivalRatePerS: 0,
    devicesBacklogS: 0,
    edgeCalendar: null,
    deviceCalendar: null,
    ...patch,
  };
}

describe('physical layer', () => {
  it('sends the analog latent in N/2 complex channel uses at symbol rate B', () => {
    expect(analogLatentS(DEFAULT_PHY, 1e6)).toBeCloseTo(16384 / 2 / 1e6, 12);
  });

  it('adapts to the highest CQI whose 10% BLER threshold the SNR reaches', () => {
    expect(cqiFor(-20).cqi).toBe(1);
    expect(cqiFor(0).cqi).toBe(3);
    expect(cqiFor(0.2).cqi).toBe(4);
    expect(cqiFor(30).cqi).toBe(LTE_CQI_TABLE.length);
  });

  it('charges HARQ retransmissions: expected time = one pass / (1 − BLER), and samples agree', () => {
    const link = digitalLink(DEFAULT_PHY, DEFAULT_PHY.imageBits, 5e6, 2.4);
    expect(link.cqi.cqi).toBe(5);
    expect(link.bler).toBeCloseTo(0.1, 12);
    expect(link.onePassS).toBeCloseTo(DEFAULT_PHY.imageBits / (5e6 * 0.877), 9);
    expect(link.expectedS).toBeCloseTo(link.onePassS / 0.9, 9);
    const rng = createRng(7);
    let sum = 0;
    for (let i = 0; i < 200; i++) sum += sampleDigitalS(DEFAULT_PHY, link, DEFAULT_PHY.imageBits, rng);
    expect(sum / 200 / link.expectedS).toBeGreaterThan(0.98);
    expect(sum / 200 / link.expectedS).toBeLessThan(1.02);
    // Below CQI 1's threshold the block error rate grows instead of the rate falling further.
    expect(digitalLink(DEFAULT_PHY, 1e6, 1e6, -8).bler).toBeGreaterThan(0.5);
  });
});

describe('Calendar', () => {
  it('puts a job in the earliest gap that holds it, and reports the wait until idle', () => {
    const c = new Calendar();
    expect(c.book(0, 2)).toBe(2); // [0, 2]
    expect(c.book(10, 3)).toBe(13); // [10, 13]
    expect(c.fit(1, 5)).toBe(2); // fits in [2, 10]
    expect(c.fit(1, 9)).toBe(13); // does not: after [10, 13]
    expect(c.waitAt(1)).toBeCloseTo(1, 6);
    expect(c.waitAt(5)).toBeCloseTo(0, 6);
    expect(c.backlogAt(1)).toBeCloseTo(4, 9);
    c.prune(5);
    expect(c.backlogAt(0)).toBeCloseTo(3, 9);
  });
});

describe('deadline-greedy hand rule', () => {
  // Edge at 20% share: L(a) = 0.75/0.2 + a·0.2/0.2 + N/2B + (20 − a)·0.368 + 1.196 = 12.31 + 0.632a (+ 0.8 ms).
  const spec: ScenarioSpec = { ...SINGLE_REQUEST, phy: { ...DEFAULT_PHY } };
  const splits = scenarioActions(20, grid, false);

  it('picks the largest a whose predicted latency meets the requirement', () => {
    const rule = deadlineGreedy(spec, assumed, splits, false);
    expect(rule.decide(state({ edgeShare: 0.2, targetS: 15 }))).toEqual({ scheme: 'split', edgeSteps: 4 });
    expect(rule.decide(state({ edgeShare: 0.2, targetS: 20 }))).toEqual({ scheme: 'split', edgeSteps: 12 });
    // a = 14 would need 21.16 s.
    expect(
      attemptEnds(spec, state({ edgeShare: 0.2 }), { scheme: 'split', edgeSteps: 14 })[0],
    ).toBeGreaterThan(20);
  });

  it('stops where the predicted quality no longer passes (bad channel: the receiver needs its steps)', () => {
    // −6 dB in the assumed table: q(20 − a) ≥ 0.664 (90% pass) needs a ≤ 10.
    const rule = deadlineGreedy(spec, assumed, splits, false);
    expect(rule.decide(state({ edgeShare: 0.2, targetS: 20, snrDb: -6 }))).toEqual({
      scheme: 'split',
      edgeSteps: 10,
    });
  });

  it('the queue-aware variant moves work off a busy edge', () => {
    const edge = new Calendar();
    edge.book(0, 6); // 6 s of other requests' edge work ahead
    const busy = state({
      edgeShare: 0.2,
      targetS: 20,
      queueWaitS: 6,
      edgeCalendar: edge,
      deviceCalendar: new Calendar(),
    });
    expect(deadlineGreedy(spec, assumed, splits, false).decide(busy).edgeSteps).toBe(12);
    expect(deadlineGreedy(spec, assumed, splits, true).decide(busy).edgeSteps).toBe(2);
  });
});

describe('ScenarioEnv', () => {
  it('a split with more edge steps lengthens the next request’s queue (same draws)', () => {
    const spec: ScenarioSpec = { ...CONTENTION, arrivalRatePerS: 50 };
    const waitAfter = (a: number): number => {
      const env = new ScenarioEnv(spec, assumed, 3);
      env.reset(0);
      const { next } = env.step({ scheme: 'split', edgeSteps: a });
      return next!.queueWaitS;
    };
    const small = waitAfter(2);
    const large = waitAfter(20);
    expect(large).toBeGreaterThan(small + 1);
  });

  it('over an episode the edge queue grows with the edge work of the policy', () => {
    const meanWait = (d: Decision): number => {
      const env = new ScenarioEnv(CONTENTION, assumed, 5);
      let s = env.reset(0);
      let sum = 0;
      for (let i = 0; i < CONTENTION.requestsPerEpisode; i++) {
        sum += s.queueWaitS;
        const r = env.step(d);
        if (!r.next) break;
        s = r.next;
      }
      return sum / CONTENTION.requestsPerEpisode;
    };
    expect(meanWait({ scheme: 'split', edgeSteps: 20 })).toBeGreaterThan(
      meanWait({ scheme: 'split', edgeSteps: 4 }),
    );
    expect(meanWait({ scheme: 'local', edgeSteps: 0 })).toBe(0);
  });
});

describe('measured quality surface (packages/diffusion/docs)', () => {
  const surface = loadMeasuredSurface(readDoc('split.json'), readDoc('split-calibration.json'));
  const q = measuredQuality(surface);

  it('gates a clean image on the measured consistency of its caption, per caption', () => {
    const cal = readDoc('split-calibration.json') as {
      quality: {
        threshold: number;
        samples: { snrDb: number; edgeSteps: number; seed: number; quality: number }[];
      };
    };
    const local = cal.quality.samples.filter((s) => s.edgeSteps === 0 && s.snrDb === 0);
    const share = local.filter((s) => s.quality >= cal.quality.threshold).length / local.length;
    const clean = q.passVector({ kind: 'clean' });
    expect(clean.length).toBe(100);
    expect(clean.reduce((a, b) => a + b, 0) / clean.length).toBeCloseTo(share, 9);
    // Regenerations share the caption: some captions never pass, some always do.
    expect(clean.some((p) => p === 0)).toBe(true);
    expect(clean.some((p) => p === 1)).toBe(true);
  });

  it('varies through fidelity: the pass rate of a = 10 rises with SNR while consistency stays flat', () => {
    const mean = (snrDb: number): number => {
      const v = q.passVector({ kind: 'split', edgeSteps: 10, snrDb });
      return v.reduce((a, b) => a + b, 0) / v.length;
    };
    expect(mean(15)).toBeGreaterThan(mean(0) + 0.1);
    expect(mean(0)).toBeGreaterThan(mean(-6) + 0.1);
    const cons = surface.cells.filter((c) => c.edgeSteps === 10).map((c) => c.consistency);
    expect(Math.max(...cons) - Math.min(...cons)).toBeLessThan(0.05);
  });

  it('predict() is the environment’s expectation with caption-correlated regenerations (sampled mean within 3 standard errors)', () => {
    const env = new ScenarioEnv(SINGLE_REQUEST, q, 11);
    const d: Decision = { scheme: 'split', edgeSteps: 10 };
    let diff = 0;
    let sq = 0;
    for (let e = 0; e < 40; e++) {
      let s = env.reset(e);
      for (;;) {
        const expected = predict(SINGLE_REQUEST, q, s, d).satisfaction;
        const r = env.step(d);
        diff += r.reward - expected;
        sq += (r.reward - expected) ** 2;
        if (!r.next) break;
        s = r.next;
      }
    }
    const count = 40 * SINGLE_REQUEST.requestsPerEpisode;
    const mean = diff / count;
    const se = Math.sqrt(sq / count - mean ** 2) / Math.sqrt(count);
    expect(se).toBeGreaterThan(0.003); // the gate really is uncertain here
    expect(Math.abs(mean)).toBeLessThan(3 * se);
  });

  it('reads another receiver variant from split.json (no per-image samples: one caption class)', () => {
    const other = measuredQuality(
      loadMeasuredSurface(readDoc('split.json'), readDoc('split-calibration.json'), 'finetune'),
    );
    expect(other.captions).toBe(1);
    const at = (snrDb: number): number => other.passVector({ kind: 'split', edgeSteps: 10, snrDb })[0]!;
    expect(at(15)).toBeGreaterThan(at(-6));
  });

  it('names the file and field of a bad input', () => {
    expect(() => loadMeasuredSurface({ rows: [] }, readDoc('split-calibration.json'))).toThrow(/split\.json/);
    expect(() =>
      loadMeasuredSurface(readDoc('split.json'), readDoc('split-calibration.json'), 'nope'),
    ).toThrow(/no rows for variant 'nope'/);
  });
});

describe('LinUcb', () => {
  it('learns which action is best in which context', () => {
    const actions = scenarioActions(20, [2, 18], false);
    const bandit = new LinUcb(actions, 0.5);
    const rng = createRng(3);
    for (let i = 0; i < 400; i++) {
      const s = state({ snrDb: rng.range(-6, 15) });
      const k = bandit.choose(s, false);
      // a = 18 is better on a good channel, a = 2 on a bad one.
      const good = s.snrDb > 4.5;
      bandit.update(s, k, (k === 1) === good ? 0.9 : 0.1);
    }
    const p = bandit.policy();
    expect(p.decide(state({ snrDb: 14 })).edgeSteps).toBe(18);
    expect(p.decide(state({ snrDb: -5 })).edgeSteps).toBe(2);
  });
});

describe('interval', () => {
  it('is the Student-t 95% interval of the mean', () => {
    const r = interval([1, 2, 3, 4, 5]);
    expect(r.mean).toBe(3);
    expect(r.median).toBe(3);
    const half = (2.776 * Math.sqrt(2.5)) / Math.sqrt(5);
    expect(r.ciLow).toBeCloseTo(3 - half, 9);
    expect(r.ciHigh).toBeCloseTo(3 + half, 9);
  });
});
