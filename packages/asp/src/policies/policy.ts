/**
 * A policy picks an ASP for the current task. It sees the environment read-only: the
 * heuristics read available capacity, the prophet reads utilities in advance, the learners
 * only the observation vector.
 */
import type { AspEnv } from '../env/env';

export type AspEnvView = Pick<AspEnv, 'nAsps' | 'task' | 'available' | 'rewardIfAdmitted' | 'asps'>;

export interface AspPolicy {
  /** Lower-case name used in tables and the bench (e.g. 'crash-avoid', 'd2sac'). */
  readonly name: string;
  /** Called at the start of every episode with its seed (random and round robin restart). */
  reset(episodeSeed: number): void;
  decide(env: AspEnvView, obs: Float32Array): number;
}
