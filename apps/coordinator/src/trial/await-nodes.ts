/**
 * Waiting for nodes, on the registry's `online` events rather than by polling: the nodes a
 * trial needs before it starts, and a lost receiver that may come back mid-request.
 * Every wait has a timer and ends on abort.
 */
import { TrialStartError } from '../errors';
import type { NodeEntry, NodeRegistry } from '../registry/node-registry';

export interface NodeWant {
  /** Exactly these receivers. */
  ids?: string[] | undefined;
  /** This many of the online receivers (by node id order); default all, at least one. */
  count?: number | undefined;
  /** How long to wait, s. */
  waitS: number;
}

type Check = { ok: true; receivers: NodeEntry[] } | { ok: false; missing: string[] };

function check(registry: NodeRegistry, want: NodeWant, needsEdge: boolean): Check {
  const online = registry.list({ role: 'receiver', online: true });
  let chosen: NodeEntry[] | null;
  let missing: string;
  if (want.ids) {
    const byId = new Map(online.map((n) => [n.nodeId, n]));
    const absent = want.ids.filter((id) => !byId.has(id));
    chosen = absent.length === 0 ? want.ids.map((id) => byId.get(id)!) : null;
    missing = `receivers ${absent.join(', ')} not online`;
  } else {
    const n = want.count ?? 1;
    chosen = online.length >= n ? online.slice(0, want.count ?? online.length) : null;
    missing = `${n} receiver(s) wanted, ${online.length} online`;
  }
  const edgeOk = !needsEdge || registry.list({ role: 'edge', online: true }).length > 0;
  if (chosen && edgeOk) return { ok: true, receivers: chosen };
  return {
    ok: false,
    missing: [chosen ? null : missing, edgeOk ? null : 'no edge online'].filter((m) => m !== null),
  };
}

/**
 * The trial's receivers once they (and an edge, if the policy needs one) are online;
 * throws TrialStartError naming what is missing after `want.waitS`, or on abort.
 */
export function awaitNodes(
  registry: NodeRegistry,
  want: NodeWant,
  o: { trialId: string; needsEdge: boolean; signal: AbortSignal },
): Promise<NodeEntry[]> {
  const first = check(registry, want, o.needsEdge);
  if (first.ok) return Promise.resolve(first.receivers);
  if (o.signal.aborted) return Promise.reject(aborted(o.trialId));
  const timedOut = (c: Check & { ok: false }): TrialStartError =>
    new TrialStartError(
      `trial ${o.trialId}: ${c.missing.join('; ')} after waiting ${want.waitS} s (receivers.waitS)`,
    );
  if (want.waitS <= 0) return Promise.reject(timedOut(first));

  return new Promise((resolve, reject) => {
    const onOnline = (): void => {
      const c = check(registry, want, o.needsEdge);
      if (c.ok) end(() => resolve(c.receivers));
    };
    const onAbort = (): void => end(() => reject(aborted(o.trialId)));
    const timer = setTimeout(() => {
      const c = check(registry, want, o.needsEdge);
      end(() => (c.ok ? resolve(c.receivers) : reject(timedOut(c))));
    }, want.waitS * 1000);
    function end(settle: () => void): void {
      clearTimeout(timer);
      registry.off('online', onOnline);
      o.signal.removeEventListener('abort', onAbort);
      settle();
    }
    registry.on('online', onOnline);
    o.signal.addEventListener('abort', onAbort, { once: true });
  });
}

function aborted(trialId: string): TrialStartError {
  return new TrialStartError(`trial ${trialId} aborted while waiting for nodes`);
}

interface Waiter {
  match(n: NodeEntry): boolean;
  wake(back: boolean): void;
}

/**
 * Requests waiting for their lost receiver to come back, or for an edge after an outage.
 * One registry listener and one abort listener for all of them, however many requests
 * queue behind a vanished phone or edge.
 */
export class ReceiverWaits {
  private readonly waiters = new Set<Waiter>();
  private readonly onOnline = (n: NodeEntry): void => {
    for (const w of [...this.waiters]) if (w.match(n)) w.wake(true);
  };
  private readonly onAbort = (): void => {
    for (const w of [...this.waiters]) w.wake(false);
  };

  constructor(
    private readonly registry: NodeRegistry,
    private readonly signal: AbortSignal,
    private readonly now: () => number,
  ) {
    registry.on('online', this.onOnline);
    signal.addEventListener('abort', this.onAbort, { once: true });
  }

  /** Whether receiver `nodeId` is online before `until` (ms, on `now`'s clock); false on abort. */
  untilOnline(nodeId: string, until: number): Promise<boolean> {
    if (this.registry.get(nodeId)?.status === 'online') return Promise.resolve(true);
    return this.wait((n) => n.nodeId === nodeId, until);
  }

  /**
   * Whether an edge is online after `backoffMs` and before `until`: the wait of a request
   * whose edge failed in transit, none other left (retries.edgeGraceS). False on abort.
   */
  async edgeAfter(backoffMs: number, until: number): Promise<boolean> {
    const pause = Math.min(backoffMs, until - this.now());
    if (pause > 0 && !this.signal.aborted) await this.wait(() => false, this.now() + pause);
    if (this.signal.aborted) return false;
    if (this.registry.list({ role: 'edge', online: true }).length > 0) return true;
    return this.wait((n) => n.role === 'edge', until);
  }

  private wait(match: (n: NodeEntry) => boolean, until: number): Promise<boolean> {
    if (this.signal.aborted || this.now() >= until) return Promise.resolve(false);
    return new Promise((resolve) => {
      const w: Waiter = {
        match,
        wake: (back) => {
          clearTimeout(timer);
          this.waiters.delete(w);
          resolve(back);
        },
      };
      const timer = setTimeout(() => w.wake(false), until - this.now());
      this.waiters.add(w);
    });
  }

  /** Stops listening; waits still open end with false. */
  close(): void {
    this.registry.off('online', this.onOnline);
    this.signal.removeEventListener('abort', this.onAbort);
    this.onAbort();
  }
}
