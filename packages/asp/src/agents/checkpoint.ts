/**
 * Saved learners (JSON): the networks needed to act, the config they were trained with,
 * and free-form meta (training curve, budget, wall time). Loading rebuilds a learner that
 * acts exactly as the saved one did.
 */
import type { AspTrainConfig, LearnerName } from './config';
import { LEARNER_NAMES } from './config';
import { D2sacLearner } from './d2sac';
import { DqnLearner } from './dqn';
import type { Learner } from './learner';
import type { Activation, MlpWeights } from './mlp';
import { SacLearner } from './sac';
import type { Rng } from '@semaigc/root';

export const CHECKPOINT_FORMAT = 'semaigc-asp-learner';

interface SerializedMlp {
  activations: Activation[];
  layers: { inputs: number; outputs: number; w: number[]; b: number[] }[];
}

export interface LearnerCheckpoint {
  format: typeof CHECKPOINT_FORMAT;
  version: 1;
  algorithm: LearnerName;
  nFeatures: number;
  nActions: number;
  config: AspTrainConfig;
  weights: Record<string, SerializedMlp>;
  meta: Record<string, unknown>;
}

export function createLearner(
  algorithm: LearnerName,
  nFeatures: number,
  nActions: number,
  config: Partial<AspTrainConfig>,
  rng: Rng,
): Learner {
  switch (algorithm) {
    case 'dqn':
      return new DqnLearner(nFeatures, nActions, config, rng);
    case 'sac':
      return new SacLearner(nFeatures, nActions, config, rng);
    case 'd2sac':
      return new D2sacLearner(nFeatures, nActions, config, rng);
  }
}

export function toCheckpoint(l: Learner, meta: Record<string, unknown> = {}): LearnerCheckpoint {
  const weights: Record<string, SerializedMlp> = {};
  for (const [k, m] of Object.entries(l.weights())) {
    weights[k] = {
      activations: m.activations,
      layers: m.layers.map((d) => ({
        inputs: d.inputs,
        outputs: d.outputs,
        w: Array.from(d.w),
        b: Array.from(d.b),
      })),
    };
  }
  return {
    format: CHECKPOINT_FORMAT,
    version: 1,
    algorithm: l.name,
    nFeatures: l.nFeatures,
    nActions: l.nActions,
    config: l.config,
    weights,
    meta,
  };
}

function mlpOf(c: LearnerCheckpoint, key: string): MlpWeights {
  const s = c.weights[key];
  if (!s) throw new TypeError(`checkpoint (${c.algorithm}): missing network '${key}'`);
  return {
    activations: s.activations,
    layers: s.layers.map((d, i) => {
      if (d.w.length !== d.inputs * d.outputs || d.b.length !== d.outputs) {
        throw new TypeError(
          `checkpoint (${c.algorithm}): network '${key}' layer ${i} does not match ${d.inputs}x${d.outputs}`,
        );
      }
      return { inputs: d.inputs, outputs: d.outputs, w: Float32Array.from(d.w), b: Float32Array.from(d.b) };
    }),
  };
}

/** A learner that acts like the saved one; TypeError names what does not match. */
export function fromCheckpoint(value: unknown): Learner {
  const c = value as LearnerCheckpoint;
  if (!c || c.format !== CHECKPOINT_FORMAT || c.version !== 1) {
    throw new TypeError(`checkpoint: format must be ${CHECKPOINT_FORMAT} v1`);
  }
  if (!LEARNER_NAMES.includes(c.algorithm))
    throw new TypeError(`checkpoint: unknown algorithm '${String(c.algorithm)}'`);
  switch (c.algorithm) {
    case 'dqn':
      return new DqnLearner(c.nFeatures, c.nActions, c.config, { q: mlpOf(c, 'q') });
    case 'sac':
      return new SacLearner(c.nFeatures, c.nActions, c.config, { actor: mlpOf(c, 'actor') });
    case 'd2sac':
      return new D2sacLearner(c.nFeatures, c.nActions, c.config, {
        time: mlpOf(c, 'time'),
        denoiser: mlpOf(c, 'denoiser'),
      });
  }
}
