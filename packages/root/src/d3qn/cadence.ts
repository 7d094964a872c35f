/**
 * When the agent learns: after environment step `step` (1-based: the number of transitions
 * stored so far), a gradient step once more than `learningStarts` transitions are stored
 * and every `trainFrequency` steps, and a target-network update every
 * `targetUpdateFrequency` steps. `trainD3qn` (simulator) and `OnlineLearner` (live
 * fine-tuning) both follow this rule, so a fine-tuned agent learns on the schedule it was
 * trained on.
 */
import type { D3qnConfig } from './config';

export type LearnCadence = Pick<D3qnConfig, 'learningStarts' | 'trainFrequency' | 'targetUpdateFrequency'>;

export interface CadenceStep {
  learn: boolean;
  updateTarget: boolean;
}

export function cadenceAt(c: LearnCadence, step: number): CadenceStep {
  return {
    learn: step > c.learningStarts && step % c.trainFrequency === 0,
    updateTarget: step % c.targetUpdateFrequency === 0,
  };
}
