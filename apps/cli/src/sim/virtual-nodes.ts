/**
 * The virtual edge and receivers of a simulated trial: what they announce (capabilities,
 * the policy's `NodeView`) and when each is next free. A node runs one job at a time, in
 * arrival order, as the live edge's job queue and a headless receiver's job runner do.
 */
import type { NodeView } from '@semaigc/coordinator';
import type { Capabilities } from '@semaigc/protocol';

export interface VirtualNode {
  id: string;
  /** PACR share p ∈ (0, 1]. */
  share: number;
  /** Measured step at full share (the lab timing's median), ms. */
  stepMs: number;
  /** The step it announces at full share (what the lab's node announced), ms. */
  announcedMs: number;
  /** The trial's stated step time at full share, ms; null: as measured. */
  statedMs: number | null;
  /** Simulation clock (ms from the trial's start) when its current job ends. */
  freeAt: number;
  /** Jobs it was given that have not finished (for the policy's view). */
  inFlight: number;
}

/** What a step takes on this node: the pad rule of protocol's step-time.ts, ms. */
export function effectiveStepMs(n: Pick<VirtualNode, 'stepMs' | 'statedMs' | 'share'>): number {
  return Math.max(n.stepMs, n.statedMs ?? 0) / n.share;
}

/** The policy's view, as a coordinator builds it from a hello (announced step, stated time). */
export function nodeView(n: VirtualNode): NodeView {
  return {
    nodeId: n.id,
    stepMs: effectiveStepMs({ ...n, stepMs: n.announcedMs }),
    computeShare: n.share,
    inFlight: n.inFlight,
    maxConcurrent: 1,
  };
}

/** The capabilities records carry: a virtual node says so in its runtime and platform. */
export function virtualCapabilities(n: VirtualNode): Capabilities {
  return {
    runtime: { kind: 'node', version: 'virtual (semaigc trial run --sim)' },
    backend: 'cpu',
    stepMs: effectiveStepMs({ ...n, stepMs: n.announcedMs }),
    computeShare: n.share,
    profile: { userAgent: null, platform: 'virtual', cores: null, memoryGiB: null, backend: 'cpu' },
    maxConcurrent: 1,
    bundleId: 'virtual',
  };
}
