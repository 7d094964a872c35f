/**
 * Edge selection (which ASP serves a request) behind one interface, so the ASP-selection
 * policies of the AaaS / D2SAC papers can be added without touching the dispatcher:
 *
 *   registerEdgeSelector('d2sac', () => mySelector);
 *
 * The papers' selectors (random, round-robin, crash-avoid, prophet, dqn, sac, d2sac) are in
 * asp-selectors.ts and register themselves here.
 *
 * `least-loaded` (default): the online edge with the fewest unfinished requests per
 * concurrent slot (the coordinator's own count, max with the edge's last report), then
 * the fastest effective step time stepMs/p, then the id. `queue-group`: NATS picks one edge
 * of the queue group (edgeId null in the request).
 */
import { PluginError } from '../errors';
import { ASP_SELECTORS } from './asp-selectors';
import type { NodeEntry } from '../registry/node-registry';

export type EdgeChoice =
  | { kind: 'edge'; edge: NodeEntry }
  /** Send to the queue group; the edge that takes it says who it is in request.accepted. */
  | { kind: 'any' }
  | { kind: 'none'; reason: string };

export interface EdgeSelectionContext {
  requestId: string;
  /** Online edges not yet tried for this request. */
  candidates: readonly NodeEntry[];
  /** Edges that failed this request before (excluded from candidates). */
  excluded: ReadonlySet<string>;
  /**
   * Denoising steps the request will hold on its edge (its a: the fixed split's, or T̂
   * before a split policy such as ROOT has decided), for capacity-aware selectors.
   */
  steps?: number;
  /** Steps the coordinator has in flight on an edge now (registry capacity accounting). */
  stepsInFlight?: (nodeId: string) => number;
  /** Every online edge, tried or not (a learned selector's state covers the whole lab). */
  online?: readonly NodeEntry[];
}

/** What a trial hands a selector factory (the ASP selectors read these; others ignore them). */
export interface EdgeSelectorOptions {
  /** A learner checkpoint (parsed JSON) for the dqn, sac and d2sac selectors. */
  checkpoint?: unknown;
  /** A lab-calibrated profile file (parsed JSON): curves for the prophet, edge order for learners. */
  profile?: unknown;
  /** Seed of the random selector. */
  seed?: number;
}

export interface EdgeSelector {
  readonly name: string;
  select(ctx: EdgeSelectionContext): EdgeChoice;
}

function load(e: NodeEntry): number {
  return Math.max(e.assigned, e.reportedInFlight + e.reportedQueued) / e.capabilities.maxConcurrent;
}

function effectiveStepMs(e: NodeEntry): number {
  return e.capabilities.stepMs === null
    ? Number.POSITIVE_INFINITY
    : e.capabilities.stepMs / e.capabilities.computeShare;
}

export const leastLoadedSelector: EdgeSelector = {
  name: 'least-loaded',
  select({ candidates }) {
    if (candidates.length === 0) return { kind: 'none', reason: 'no edge online' };
    const best = [...candidates].sort(
      (a, b) =>
        load(a) - load(b) || effectiveStepMs(a) - effectiveStepMs(b) || (a.nodeId < b.nodeId ? -1 : 1),
    )[0]!;
    return { kind: 'edge', edge: best };
  },
};

export const queueGroupSelector: EdgeSelector = {
  name: 'queue-group',
  select({ candidates }) {
    return candidates.length === 0 ? { kind: 'none', reason: 'no edge online' } : { kind: 'any' };
  },
};

export type EdgeSelectorFactory = (options: EdgeSelectorOptions) => EdgeSelector;

const selectors = new Map<string, EdgeSelectorFactory>([
  ['least-loaded', () => leastLoadedSelector],
  ['queue-group', () => queueGroupSelector],
  ...Object.entries(ASP_SELECTORS),
]);

export function registerEdgeSelector(name: string, factory: EdgeSelectorFactory, replace = false): void {
  if (typeof name !== 'string' || name.length === 0)
    throw new TypeError('registerEdgeSelector: name must be a string');
  if (typeof factory !== 'function') throw new TypeError('registerEdgeSelector: factory must be a function');
  if (selectors.has(name) && !replace) throw new PluginError(`edge selector '${name}' is already registered`);
  selectors.set(name, factory);
}

export function edgeSelectorNames(): string[] {
  return [...selectors.keys()];
}

export function createEdgeSelector(name: string, options: EdgeSelectorOptions = {}): EdgeSelector {
  const f = selectors.get(name);
  if (!f) throw new PluginError(`unknown edge selector '${name}' (known: ${edgeSelectorNames().join(', ')})`);
  return f(options);
}
