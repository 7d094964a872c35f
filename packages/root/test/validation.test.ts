/** Checkpoints, calibrations and profiles are validated field by field; errors name the field. */
import {
  CalibrationError,
  CheckpointError,
  PAPER_PROFILE,
  ProfileError,
  createRng,
  initQNetwork,
  measuredProfile,
  parseCheckpoint,
  resolveD3qnConfig,
  toCheckpoint,
  validateProfile,
  DEFAULT_FEATURES,
  type ServiceProfile,
} from '@semaigc/root';

const config = resolveD3qnConfig({ hiddenUnits: [4] });
const ckpt = toCheckpoint(initQNetwork(DEFAULT_FEATURES.length, [4], 3, createRng(1)), {
  profile: 'paper',
  totalSteps: 20,
  grid: [0, 10, 20],
  features: [...DEFAULT_FEATURES],
  config,
}) as unknown as Record<string, unknown>;

test.each([
  ['not an object', 'x', /^checkpoint: not a JSON object/],
  ['grid of strings', { ...ckpt, grid: ['a'] }, /^checkpoint\.grid\[0\]: /],
  ['feature without key', { ...ckpt, features: [{ min: 0, max: 1 }] }, /^checkpoint\.features\[0\]\.key: /],
  ['too few layers', { ...ckpt, layers: [] }, /^checkpoint\.layers: needs at least 3 layers/],
  [
    'config out of range',
    { ...ckpt, config: { ...config, gamma: 2 } },
    /^checkpoint\.config: D3qnConfig\.gamma/,
  ],
  ['totalSteps', { ...ckpt, totalSteps: 2.5 }, /^checkpoint\.totalSteps: must be an integer, got 2.5/],
])('checkpoint: %s', (_name, json, message) => {
  expect(() => parseCheckpoint(json)).toThrow(CheckpointError);
  expect(() => parseCheckpoint(json)).toThrow(message);
});

test('the valid checkpoint parses (the cases above differ from it in one field)', () => {
  expect(parseCheckpoint(ckpt).grid).toEqual([0, 10, 20]);
});

const withDyn = (patch: object): ServiceProfile => ({
  ...PAPER_PROFILE,
  dynamics: { ...PAPER_PROFILE.dynamics, ...patch },
});

test.each([
  ['maxTries', { ...PAPER_PROFILE, maxTries: 0 }, /^maxTries: must be an integer >= 1, got 0/],
  [
    'quality.noiseStd',
    { ...PAPER_PROFILE, quality: { ...PAPER_PROFILE.quality, noiseStd: -1 } },
    /^quality\.noiseStd: /,
  ],
  [
    'rho',
    withDyn({ snrDb: { kind: 'gauss-markov', mean: 0, std: 1, rho: 1, min: -6, max: 15 } }),
    /^dynamics\.snrDb\.rho: must be in \[0, 1\)/,
  ],
  [
    'min > max',
    withDyn({ bandwidthHz: { kind: 'uniform', min: 2, max: 1 } }),
    /^dynamics\.bandwidthHz\.min: must be <= max/,
  ],
  ['process kind', withDyn({ targetS: { kind: 'walk' } }), /^dynamics\.targetS\.kind: /],
  [
    'bandFactor',
    withDyn({ bandFactor: 0.5 }),
    /^dynamics\.bandFactor: must be a finite number >= 1, got 0.5/,
  ],
  ['table', { ...PAPER_PROFILE, quality: { ...PAPER_PROFILE.quality, table: [] } }, /^quality\.table: /],
])('profile: %s', (_name, profile, message) => {
  expect(() => validateProfile(profile)).toThrow(ProfileError);
  expect(() => validateProfile(profile)).toThrow(message);
});

test.each([
  ['not an object', null, /^benchmark: not a JSON object/],
  [
    'version',
    { format: 'semaigc-split-benchmark', version: 3 },
    /^benchmark\.version: this build reads v1, got 3/,
  ],
  [
    'a sample',
    { ...validBenchmark(), quality: { ...validBenchmark().quality, samples: [7] } },
    /^benchmark\.quality\.samples\[0\]: must be an object/,
  ],
  [
    'metric',
    { ...validBenchmark(), quality: { ...validBenchmark().quality, metric: '' } },
    /^benchmark\.quality\.metric: must be a name/,
  ],
])('calibration: %s', (_name, json, message) => {
  expect(() => measuredProfile(json)).toThrow(CalibrationError);
  expect(() => measuredProfile(json)).toThrow(message);
});

function validBenchmark(): { quality: Record<string, unknown> } & Record<string, unknown> {
  return {
    format: 'semaigc-split-benchmark',
    version: 1,
    totalSteps: 20,
    timing: { edgeStepS: 0.05, deviceStepS: 0.1, textEncodeS: 0.01, vaeDecodeS: 0.02 },
    payload: { latentBits: 2048, imageBits: 98304 },
    quality: {
      metric: 'psnr',
      higherIsBetter: true,
      threshold: 20,
      samples: [{ snrDb: 0, edgeSteps: 4, quality: 21 }],
    },
  };
}
