/**
 * A scenario's actions, ordered by how much work they put on the edge: Local AIGC (none),
 * the splits of the grid (a ascending), Edge AIGC (all steps and the VAE). The paper's ROOT
 * chooses among the splits only; `widened` adds the two whole-job schemes, so that a policy
 * can keep a request off a busy or slow edge (Local AIGC beats every split at a low edge
 * share) or off a noisy analog link (Edge AIGC's image crosses a digital link).
 */
import type { Decision } from '../sim/latency-model';

export function scenarioActions(totalSteps: number, grid: readonly number[], widened: boolean): Decision[] {
  const splits: Decision[] = grid.map((a) => ({ scheme: 'split', edgeSteps: a }));
  if (!widened) return splits;
  return [{ scheme: 'local', edgeSteps: 0 }, ...splits, { scheme: 'edge-image', edgeSteps: totalSteps }];
}

export function actionName(d: Decision): string {
  return d.scheme === 'split' ? `a=${d.edgeSteps}` : d.scheme;
}
