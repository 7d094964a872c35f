/**
 * Capacity of the edges in a several-edge trial. An edge announces `capacitySteps` (the
 * denoising steps it holds in flight at once, queued and running); the coordinator counts
 * the steps of every attempt it sent there until the payload leaves the edge (registry
 * reserve/releaseSteps), and a request whose steps do not fit is an overload, handled by
 * the trial's `overload` semantics:
 *
 *   reject   the request is refused (EDGE_OVERLOADED, retryable): the retry rules may send
 *            it to another edge;
 *   crash    the edge crashes, as an ASP in the papers: every task in flight on it fails
 *            with EDGE_CRASH, and so does the request that overflowed it (not retryable:
 *            the papers' crashed tasks are lost). The coordinator enforces this on the
 *            edge's behalf — it holds the trial's semantics and every attempt's steps, and
 *            needs no edge cooperation to be exact — and tells the edge (an EDGE_CRASH
 *            error per task on its control subject) so it drops that work.
 */
import type { NodeRegistry } from '../registry/node-registry';
import type { TrialConfig } from '../config/trial-config';

export const OVERLOAD_SEMANTICS = ['crash', 'reject'] as const;
export type OverloadSemantics = (typeof OVERLOAD_SEMANTICS)[number];

/** Why `steps` more do not fit on the edge, or null when they do (or it announced no capacity). */
export function overloadReason(registry: NodeRegistry, edgeId: string, steps: number): string | null {
  const available = registry.availableSteps(edgeId);
  if (available === null || steps <= available) return null;
  const cap = registry.get(edgeId)?.capabilities.capacitySteps ?? 0;
  return `edge ${edgeId} overloaded: ${steps} steps requested, ${registry.stepsInFlight(edgeId)} of its capacity ${cap} in flight`;
}

/** The steps a request will hold on its edge before the split policy decides: a fixed a, else T̂. */
export function plannedEdgeSteps(cfg: Pick<TrialConfig, 'policy' | 'totalSteps'>): number {
  const a = cfg.policy['edgeSteps'];
  return typeof a === 'number' ? a : cfg.totalSteps;
}
