/**
 * Counters of what the coordinator saw, for GET /api/metrics, the dashboard and tests.
 * A dropped message (malformed, wrong version, wrong type for its subject or event) is
 * counted by wire error code and by the node that sent it.
 */
export interface CoordinatorMetrics {
  /** Messages received, by transport. */
  received: { nats: number; socket: number };
  dropped: { total: number; byCode: Record<string, number>; byNode: Record<string, number> };
  /** Latent/image payloads relayed to browser receivers; queued while a socket reconnects; lost. */
  relayed: { latent: number; image: number; queued: number; lost: number };
  records: { accepted: number; unknown: number };
  previews: { received: number; saved: number };
  /** Heartbeats from nodes that never said hello (they are told nothing; they should re-hello). */
  unknownHeartbeats: number;
  /**
   * Nodes that refused to serve before joining (a receiver page whose device cannot hold the
   * model: MODEL_TOO_LARGE), with the latest refusal of each, at most MAX_REFUSED_NODES.
   */
  refused: { total: number; byNode: Record<string, NodeRefusal> };
}

export interface NodeRefusal {
  code: string;
  reason: string;
  /** Coordinator clock (ms). */
  at: number;
}

/** Refusals kept by node (the oldest goes first), so a flood of ids cannot grow the metrics. */
export const MAX_REFUSED_NODES = 32;

export function createMetrics(): CoordinatorMetrics {
  return {
    received: { nats: 0, socket: 0 },
    dropped: { total: 0, byCode: {}, byNode: {} },
    relayed: { latent: 0, image: 0, queued: 0, lost: 0 },
    records: { accepted: 0, unknown: 0 },
    previews: { received: 0, saved: 0 },
    unknownHeartbeats: 0,
    refused: { total: 0, byNode: {} },
  };
}

export function countDrop(m: CoordinatorMetrics, code: string, nodeId: string): void {
  m.dropped.total += 1;
  m.dropped.byCode[code] = (m.dropped.byCode[code] ?? 0) + 1;
  m.dropped.byNode[nodeId] = (m.dropped.byNode[nodeId] ?? 0) + 1;
}

export function countRefusal(m: CoordinatorMetrics, nodeId: string, refusal: NodeRefusal): void {
  m.refused.total += 1;
  // Re-inserted so the key order is oldest first.
  delete m.refused.byNode[nodeId];
  m.refused.byNode[nodeId] = refusal;
  const ids = Object.keys(m.refused.byNode);
  for (const id of ids.slice(0, Math.max(0, ids.length - MAX_REFUSED_NODES))) delete m.refused.byNode[id];
}
