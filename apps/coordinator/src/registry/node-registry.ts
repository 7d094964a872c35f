/**
 * The node registry: who is connected, with which capabilities, and whether they are alive.
 * A node says `hello` (capabilities, measured per-step time, compute share, device profile),
 * then beats every `heartbeatIntervalMs`; a node silent for `nodeTimeoutMs` (three missed
 * beats by default) goes offline, and so does one that says `bye`. A node that says hello
 * again with the same id is the same node: it keeps its identity, its first-seen time and
 * its trial assignment (a phone that reloads the page or changes network).
 *
 * While a node is online its id is taken: a hello that would change its role or transport
 * is refused (ROLE_CHANGE), and so is one over NATS from another running instance of a node
 * with that id (NODE_ID_IN_USE; the hello's `instance` tells them apart). Once the node said
 * bye or timed out, the id is free again.
 */
import { EventEmitter } from 'node:events';
import {
  type ByeMessage,
  DEFAULT_HEARTBEAT_INTERVAL_MS,
  DEFAULT_NODE_TIMEOUT_MS,
  type HeartbeatMessage,
  type HelloMessage,
  type NodeRole,
  ProtocolError,
} from '@semaigc/protocol';
import type { NodeSummary } from '../api-types';

/** How the coordinator reaches the node: NATS subjects, or a socket.io connection (browser). */
export type NodeTransport = { kind: 'nats' } | { kind: 'socket'; socketId: string | null };

/** A node as the registry keeps it: the API's NodeSummary with how to reach it. */
export type NodeEntry = Omit<NodeSummary, 'transport'> & {
  transport: NodeTransport;
  /** The hello's `instance` (a random id per running session), if it sent one. */
  instance?: string;
};

/** A hello the registry refuses; `code` is ROLE_CHANGE or NODE_ID_IN_USE. */
export class HelloRefusedError extends ProtocolError {}

/** Why a hello may not take `known`'s id now, or null when it may. */
export function helloConflict(
  known: NodeEntry | undefined,
  msg: HelloMessage,
  transport: NodeTransport,
): HelloRefusedError | null {
  if (!known || known.status !== 'online') return null;
  const id = msg.nodeId;
  if (known.role !== msg.role)
    return new HelloRefusedError(`node ${id} is online as ${known.role}; a hello as ${msg.role} is refused`, {
      code: 'ROLE_CHANGE',
    });
  if (known.transport.kind !== transport.kind)
    return new HelloRefusedError(
      `node ${id} is online over ${known.transport.kind}; a hello over ${transport.kind} is refused`,
      { code: 'ROLE_CHANGE' },
    );
  // Over socket.io the hub decides (a reloaded page is a new instance on a new socket, and
  // its old socket is gone); over NATS there is no connection to tell two processes apart.
  if (transport.kind === 'nats' && known.instance !== undefined && known.instance !== msg.instance)
    return new HelloRefusedError(
      `node id ${id} is held by another running session; pick another id or wait until that one leaves`,
      { code: 'NODE_ID_IN_USE' },
    );
  return null;
}

export interface NodeRegistryEvents {
  /** First hello, or a hello after being offline / from a new connection. */
  online: [entry: NodeEntry, info: { reconnect: boolean }];
  /** `bye`: the node said goodbye (a normal departure), rather than falling silent. */
  offline: [entry: NodeEntry, reason: string, info: { bye: boolean }];
  /** Any change shown on the dashboard (beats update load and step time). */
  update: [entry: NodeEntry];
}

export interface NodeRegistryOptions {
  heartbeatIntervalMs?: number;
  nodeTimeoutMs?: number;
  now?: () => number;
}

export class NodeRegistry extends EventEmitter<NodeRegistryEvents> {
  readonly heartbeatIntervalMs: number;
  readonly nodeTimeoutMs: number;
  private readonly nodes = new Map<string, NodeEntry>();
  /** Edge id → denoising steps in flight (capacity accounting of several-edge trials). */
  private readonly steps = new Map<string, number>();
  private readonly now: () => number;
  private timer: NodeJS.Timeout | null = null;

  constructor({
    heartbeatIntervalMs = DEFAULT_HEARTBEAT_INTERVAL_MS,
    nodeTimeoutMs = DEFAULT_NODE_TIMEOUT_MS,
    now = Date.now,
  }: NodeRegistryOptions = {}) {
    super();
    if (!Number.isInteger(heartbeatIntervalMs) || heartbeatIntervalMs < 100) {
      throw new TypeError(`heartbeatIntervalMs must be an integer >= 100, got ${heartbeatIntervalMs}`);
    }
    if (!Number.isInteger(nodeTimeoutMs) || nodeTimeoutMs <= heartbeatIntervalMs) {
      throw new TypeError(
        `nodeTimeoutMs must be an integer > heartbeatIntervalMs (${heartbeatIntervalMs}), got ${nodeTimeoutMs}`,
      );
    }
    this.heartbeatIntervalMs = heartbeatIntervalMs;
    this.nodeTimeoutMs = nodeTimeoutMs;
    this.now = now;
  }

  /** Starts the liveness sweep (every half beat interval). */
  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.sweep(), Math.max(50, this.heartbeatIntervalMs / 2));
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Registers the hello's node; throws HelloRefusedError when the id is taken (helloConflict). */
  hello(msg: HelloMessage, transport: NodeTransport): { entry: NodeEntry; reconnect: boolean } {
    const now = this.now();
    const known = this.nodes.get(msg.nodeId);
    const conflict = helloConflict(known, msg, transport);
    if (conflict) throw conflict;
    const entry: NodeEntry = {
      nodeId: msg.nodeId,
      role: msg.role,
      name: msg.name,
      capabilities: msg.capabilities,
      transport,
      status: 'online',
      offlineReason: null,
      firstSeenAt: known?.firstSeenAt ?? now,
      lastSeenAt: now,
      hellos: (known?.hellos ?? 0) + 1,
      beats: known?.beats ?? 0,
      lastSeq: null,
      missedBeats: known?.missedBeats ?? 0,
      reportedInFlight: 0,
      reportedQueued: 0,
      assigned: known?.assigned ?? 0,
      trialId: known?.trialId ?? null,
      ...(msg.instance === undefined ? {} : { instance: msg.instance }),
    };
    this.nodes.set(msg.nodeId, entry);
    const reconnect = known !== undefined;
    this.emit('online', entry, { reconnect });
    this.emit('update', entry);
    return { entry, reconnect };
  }

  /** Null when the node is unknown (it must say hello first). An offline node that beats is back. */
  heartbeat(msg: HeartbeatMessage): NodeEntry | null {
    const entry = this.nodes.get(msg.nodeId);
    if (!entry) return null;
    entry.lastSeenAt = this.now();
    entry.beats += 1;
    if (entry.lastSeq !== null && msg.seq > entry.lastSeq + 1)
      entry.missedBeats += msg.seq - entry.lastSeq - 1;
    entry.lastSeq = msg.seq;
    entry.reportedInFlight = msg.inFlight;
    entry.reportedQueued = msg.queued;
    if (msg.stepMs !== null) entry.capabilities = { ...entry.capabilities, stepMs: msg.stepMs };
    if (entry.status === 'offline') {
      entry.status = 'online';
      entry.offlineReason = null;
      this.emit('online', entry, { reconnect: true });
    }
    this.emit('update', entry);
    return entry;
  }

  bye(msg: ByeMessage): NodeEntry | null {
    const entry = this.nodes.get(msg.nodeId);
    if (!entry) return null;
    this.setOffline(entry, `bye: ${msg.reason}`, true);
    return entry;
  }

  markOffline(nodeId: string, reason: string): void {
    const entry = this.nodes.get(nodeId);
    if (entry) this.setOffline(entry, reason, false);
  }

  private setOffline(entry: NodeEntry, reason: string, bye: boolean): void {
    if (entry.status === 'offline') return;
    entry.status = 'offline';
    entry.offlineReason = reason;
    this.emit('offline', entry, reason, { bye });
    this.emit('update', entry);
  }

  /** Marks nodes silent for longer than nodeTimeoutMs offline; returns their ids. */
  sweep(now = this.now()): string[] {
    const lost: string[] = [];
    for (const entry of this.nodes.values()) {
      if (entry.status === 'online' && now - entry.lastSeenAt > this.nodeTimeoutMs) {
        lost.push(entry.nodeId);
        this.markOffline(entry.nodeId, `no heartbeat for ${now - entry.lastSeenAt} ms`);
      }
    }
    return lost;
  }

  /**
   * One more request sent to this node and not finished: the coordinator's own load count
   * (`assigned`), which edge selection reads without waiting for a heartbeat. Every
   * reserve is matched by one release; an unknown node is ignored. `steps`: the denoising
   * steps the request holds on the edge (its a), counted against the edge's announced
   * capacity until `releaseSteps` (its payload left the edge) or `release`.
   */
  reserve(nodeId: string, steps = 0): void {
    const entry = this.nodes.get(nodeId);
    if (!entry) return;
    entry.assigned += 1;
    if (steps > 0) this.steps.set(nodeId, this.stepsInFlight(nodeId) + steps);
  }

  /** A request reserved on this node finished (any outcome). Never below 0. */
  release(nodeId: string, steps = 0): void {
    const entry = this.nodes.get(nodeId);
    if (entry) entry.assigned = Math.max(0, entry.assigned - 1);
    this.releaseSteps(nodeId, steps);
  }

  /** The edge's work on `steps` steps is done (or dropped); the request may still be open. */
  releaseSteps(nodeId: string, steps: number): void {
    if (steps > 0) this.steps.set(nodeId, Math.max(0, this.stepsInFlight(nodeId) - steps));
  }

  /** Denoising steps the coordinator has in flight on this edge (reserved, not released). */
  stepsInFlight(nodeId: string): number {
    return this.steps.get(nodeId) ?? 0;
  }

  /** Steps the edge can still take: its announced capacitySteps minus those in flight; null: no limit. */
  availableSteps(nodeId: string): number | null {
    const cap = this.nodes.get(nodeId)?.capabilities.capacitySteps;
    return cap === undefined ? null : cap - this.stepsInFlight(nodeId);
  }

  /** The receiver now serves this trial (kept across reconnects, shown on the dashboard). */
  assignTrial(nodeId: string, trialId: string): void {
    const entry = this.nodes.get(nodeId);
    if (entry) entry.trialId = trialId;
  }

  /** Clears the receiver's trial if it is still `trialId` (a newer trial keeps its claim). */
  releaseTrial(nodeId: string, trialId: string): void {
    const entry = this.nodes.get(nodeId);
    if (entry?.trialId === trialId) entry.trialId = null;
  }

  get(nodeId: string): NodeEntry | undefined {
    return this.nodes.get(nodeId);
  }

  list(filter: { role?: NodeRole; online?: boolean } = {}): NodeEntry[] {
    return [...this.nodes.values()]
      .filter(
        (n) =>
          (filter.role === undefined || n.role === filter.role) && (!filter.online || n.status === 'online'),
      )
      .sort((a, b) => (a.nodeId < b.nodeId ? -1 : a.nodeId > b.nodeId ? 1 : 0));
  }

  /** The node that owns a socket.io connection, if any. */
  bySocket(socketId: string): NodeEntry | undefined {
    for (const n of this.nodes.values()) {
      if (n.transport.kind === 'socket' && n.transport.socketId === socketId) return n;
    }
    return undefined;
  }

  summaries(): NodeSummary[] {
    return this.list().map(summarize);
  }
}

export function summarize(n: NodeEntry): NodeSummary {
  const { instance: _instance, ...rest } = n;
  return { ...rest, capabilities: { ...rest.capabilities }, transport: n.transport.kind };
}
