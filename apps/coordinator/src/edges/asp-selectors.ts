/**
 * The ASP-selection policies of the AaaS and D2SAC papers (packages/asp) as edge selectors:
 * the simulator's own policy objects decide over the live edges, seen through
 * @semaigc/asp's live view (available capacity from the registry's steps in flight, curves
 * for the prophet, the simulator's state vector for the learners).
 *
 *   random, round-robin, crash-avoid   over the request's candidates (online, not yet tried)
 *   prophet      knows each edge's quality curve: the calibrated profile's, else the one the
 *                edge announced; an upper bound in the papers' sense (it reads what no
 *                deployed selector knows), so it needs a curve for every candidate
 *   dqn, sac, d2sac   a learner checkpoint from `semaigc asp train`; the state covers every
 *                edge of the lab in a fixed order (the calibrated profile's, else node ids
 *                sorted), with the checkpoint's training profile's normalisation, clipped to
 *                [0, 1]; an offline edge counts as full. When the learner picks an edge the
 *                request may not use (offline, already failed it), crash-avoid picks among
 *                the candidates instead.
 *
 * Edges without an announced capacity count as unlimited.
 */
import {
  AGOD_CODE_PROFILE,
  type AspPolicy,
  type AspProfile,
  CrashAvoidPolicy,
  decideLive,
  fromCheckpoint,
  HEURISTIC_NAMES,
  heuristicPolicy,
  LEARNER_NAMES,
  LearnerPolicy,
  type LiveEdge,
  parseCalibratedProfile,
  type QualityCurve,
} from '@semaigc/asp';
import type { NodeEntry } from '../registry/node-registry';
import type { EdgeChoice, EdgeSelectionContext, EdgeSelector, EdgeSelectorOptions } from './selector';

function liveEdge(e: NodeEntry | undefined, ctx: EdgeSelectionContext, curve: QualityCurve | null): LiveEdge {
  const capacity = e?.capabilities.capacitySteps ?? null;
  // An edge the lab knows but that is offline is full: nothing fits on it.
  if (!e) return { capacity: 1, inFlight: 1, curve };
  return { capacity, inFlight: ctx.stepsInFlight?.(e.nodeId) ?? 0, curve };
}

/** The request's steps (the selector context's, else T̂ of the lab's default 20). */
const demand = (ctx: EdgeSelectionContext): number => ctx.steps ?? 20;

function calibratedCurves(
  options: EdgeSelectorOptions,
): { order: string[]; curves: Map<string, QualityCurve> } | null {
  if (options.profile === undefined) return null;
  const file = parseCalibratedProfile(options.profile, 'aspSelector.profile');
  return {
    order: file.edges.map((e) => e.edgeId),
    curves: new Map(file.edges.map((e) => [e.edgeId, e.curve])),
  };
}

/** random, round-robin, crash-avoid and prophet over the request's candidates. */
class HeuristicSelector implements EdgeSelector {
  private readonly policy: AspPolicy;
  private readonly known: Map<string, QualityCurve> | null;
  private decisions = 0;

  constructor(
    readonly name: (typeof HEURISTIC_NAMES)[number],
    options: EdgeSelectorOptions,
  ) {
    this.policy = heuristicPolicy(name, options.seed ?? 0);
    this.policy.reset(0);
    this.known = calibratedCurves(options)?.curves ?? null;
  }

  select(ctx: EdgeSelectionContext): EdgeChoice {
    const c = ctx.candidates;
    if (c.length === 0) return { kind: 'none', reason: 'no edge online' };
    const curve = (e: NodeEntry): QualityCurve | null =>
      this.known?.get(e.nodeId) ?? e.capabilities.qualityProfile ?? null;
    if (this.name === 'prophet') {
      const blind = c.find((e) => curve(e) === null);
      if (blind)
        return {
          kind: 'none',
          reason: `prophet: edge ${blind.nodeId} has no quality curve (announce one, or give aspSelector.profile a calibrated profile)`,
        };
    }
    const edges = c.map((e) => liveEdge(e, ctx, curve(e)));
    const { index } = decideLive(this.policy, AGOD_CODE_PROFILE, edges, demand(ctx), this.decisions++);
    return { kind: 'edge', edge: c[index]! };
  }
}

/** dqn, sac, d2sac: a trained learner over every edge of the lab. */
class LearnerSelector implements EdgeSelector {
  private readonly policy: AspPolicy;
  private readonly profile: AspProfile;
  private readonly order: string[] | null;
  private readonly nActions: number;
  private readonly fallback = new CrashAvoidPolicy();

  constructor(
    readonly name: (typeof LEARNER_NAMES)[number],
    options: EdgeSelectorOptions,
  ) {
    if (options.checkpoint === undefined)
      throw new TypeError(
        `edge selector ${name}: needs aspSelector.checkpoint (a checkpoint from 'semaigc asp train')`,
      );
    const learner = fromCheckpoint(options.checkpoint);
    if (learner.name !== name)
      throw new TypeError(`edge selector ${name}: aspSelector.checkpoint is a ${learner.name} checkpoint`);
    this.policy = new LearnerPolicy(learner, options.seed ?? 0);
    this.policy.reset(0);
    this.nActions = learner.nActions;
    const meta = (options.checkpoint as { meta?: { profile?: AspProfile } }).meta;
    const calibrated = calibratedCurves(options);
    // The normalisation must be the one the learner was trained with: its checkpoint's profile.
    this.profile =
      meta?.profile ??
      (options.profile ? parseCalibratedProfile(options.profile).profile : AGOD_CODE_PROFILE);
    this.order = calibrated?.order ?? null;
    if (this.order && this.order.length !== this.nActions)
      throw new TypeError(
        `edge selector ${name}: the profile lists ${this.order.length} edges, the checkpoint acts on ${this.nActions}`,
      );
  }

  select(ctx: EdgeSelectionContext): EdgeChoice {
    const c = ctx.candidates;
    if (c.length === 0) return { kind: 'none', reason: 'no edge online' };
    const online = ctx.online ?? c;
    const order = this.order ?? online.map((e) => e.nodeId);
    if (order.length !== this.nActions)
      return {
        kind: 'none',
        reason: `${this.name}: the checkpoint acts on ${this.nActions} edges, the lab has ${order.length} online (give aspSelector.profile the calibrated edge list)`,
      };
    const byId = new Map(online.map((e) => [e.nodeId, e]));
    const edges = order.map((id) => liveEdge(byId.get(id), ctx, null));
    const { index } = decideLive(this.policy, this.profile, edges, demand(ctx));
    const pick = c.find((e) => e.nodeId === order[index]);
    if (pick) return { kind: 'edge', edge: pick };
    const alt = decideLive(
      this.fallback,
      this.profile,
      c.map((e) => liveEdge(e, ctx, null)),
      demand(ctx),
    );
    return { kind: 'edge', edge: c[alt.index]! };
  }
}

export const ASP_SELECTORS: Readonly<Record<string, (options: EdgeSelectorOptions) => EdgeSelector>> = {
  ...Object.fromEntries(
    HEURISTIC_NAMES.map((n) => [n, (o: EdgeSelectorOptions) => new HeuristicSelector(n, o)]),
  ),
  ...Object.fromEntries(LEARNER_NAMES.map((n) => [n, (o: EdgeSelectorOptions) => new LearnerSelector(n, o)])),
};
