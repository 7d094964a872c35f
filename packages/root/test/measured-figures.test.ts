/**
 * Fig. 6–9 data on measured quality (sim/measured-figures.ts), on the committed split
 * benchmark: every policy at every point, the per-request oracle at or above every policy on
 * the same requests, and the measured trend the illustrative table cannot show: the image
 * of a = T̂ (no receiver steps) fails at −6 dB and passes at 15 dB.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  actionGrid,
  FIGURE_POLICIES,
  FIGURE_SHARE_POINTS,
  FIGURE_SNR_POINTS,
  initTensorflow,
  loadMeasuredSurface,
  measuredFigureData,
  measuredQuality,
  scenarioActions,
  type MeasuredFigureData,
} from '../src';

const DOCS = path.join(__dirname, '..', '..', 'diffusion', 'docs');
const readDoc = (f: string): unknown => JSON.parse(fs.readFileSync(path.join(DOCS, f), 'utf8'));

let data: MeasuredFigureData;
beforeAll(async () => {
  await initTensorflow('wasm');
  data = measuredFigureData({
    quality: measuredQuality(loadMeasuredSurface(readDoc('split.json'), readDoc('split-calibration.json'))),
    actions: scenarioActions(20, actionGrid('paper10', 20), true),
    episodes: 3,
    seed: 1,
    config: { hiddenUnits: [16, 16] },
    evalSeed: 1001,
    evalEpisodes: 1,
  });
}, 120_000);

test('every policy at every SNR and share point; ROOT over the SNR × share grid; a training curve per policy', () => {
  expect(data.snrSweep).toHaveLength(FIGURE_SNR_POINTS.length * FIGURE_POLICIES.length);
  expect(data.shareSweep).toHaveLength(FIGURE_SHARE_POINTS.length * FIGURE_POLICIES.length);
  expect(data.heatmap).toHaveLength(FIGURE_SNR_POINTS.length * FIGURE_SHARE_POINTS.length);
  expect(new Set(data.snrSweep.map((r) => r.policy))).toEqual(new Set(FIGURE_POLICIES));
  // In the figures' order, the order their legends use.
  expect([...new Set(data.fig6.map((r) => r.policy))]).toEqual(FIGURE_POLICIES);
  expect(data.fig6.filter((r) => r.policy === 'root')).toHaveLength(3);
  expect(data.convergence.trainingEpisodes).toBe(3);
});

test('the per-request oracle is at or above every policy at every point (same requests, single-request dynamics)', () => {
  for (const sweep of [data.snrSweep, data.shareSweep]) {
    const oracle = sweep.filter((r) => r.policy === 'oracle');
    for (const r of sweep) {
      const o = oracle.find((x) => x.snrDb === r.snrDb && x.edgeShare === r.edgeShare)!;
      expect(o.satisfaction).toBeGreaterThanOrEqual(r.satisfaction - 1e-9);
    }
  }
});

test('quality is the measured one: Non-fine-tuning AIGC (a = T̂) fails at −6 dB and serves at 15 dB', () => {
  const at = (snrDb: number) =>
    data.snrSweep.find((r) => r.policy === 'non-fine-tuning' && r.snrDb === snrDb)!;
  expect(at(-6).satisfaction).toBeLessThan(0.05);
  expect(at(15).satisfaction).toBeGreaterThan(at(-6).satisfaction + 0.3);
  expect(at(-6).failureRate).toBeGreaterThan(at(15).failureRate);
});
