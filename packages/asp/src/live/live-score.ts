/**
 * The papers' episode figures (reward, finish and crash rates, utility) of a live trial,
 * from its records. A finished task earns r^R = u_i(T) − A_y from its edge's curve at the
 * steps it ran (the curve the prophet knows: announced or calibrated), which keeps the live
 * rows on the simulator's scale; a task lost to a crash costs r̂_F. The simulator's
 * penalty is r̂_F per crash plus r̂_F·(1 − progress) per interrupted task (eq. 18); a record
 * does not carry the progress of an interrupted task, so every crashed task costs the full
 * r̂_F here (progress 0, which is exact for the tasks still queued on a one-at-a-time edge
 * and an over-estimate by r̂_F·progress for the one running). Rejected tasks
 * (EDGE_OVERLOADED as the final failure) earn 0 and count in `rejectRate`.
 */
import { qualityReward, type QualityCurve } from '../env/quality';

export interface LiveScoreRecord {
  edgeId: string | null;
  edgeSteps: number;
  failed: boolean;
  failure: { code: string } | null;
}

export interface LiveScore {
  tasks: number;
  finishRate: number;
  crashRate: number;
  rejectRate: number;
  /** Σ r^R over finished tasks (Table V's obtained utility). */
  utility: number;
  /** Σ r̂_F over tasks lost to a crash. */
  penalty: number;
  /** utility − penalty: the live test reward. */
  reward: number;
}

export function liveScore(
  records: readonly LiveScoreRecord[],
  curves: ReadonlyMap<string, QualityCurve>,
  crashPenalty = 2,
): LiveScore {
  let finished = 0;
  let crashed = 0;
  let rejected = 0;
  let utility = 0;
  for (const r of records) {
    if (!r.failed) {
      finished++;
      const c = r.edgeId === null ? undefined : curves.get(r.edgeId);
      if (c) utility += qualityReward(c, r.edgeSteps);
    } else if (r.failure?.code === 'EDGE_CRASH') crashed++;
    else if (r.failure?.code === 'EDGE_OVERLOADED') rejected++;
  }
  const n = Math.max(1, records.length);
  const penalty = crashed * crashPenalty;
  return {
    tasks: records.length,
    finishRate: finished / n,
    crashRate: crashed / n,
    rejectRate: rejected / n,
    utility,
    penalty,
    reward: utility - penalty,
  };
}
