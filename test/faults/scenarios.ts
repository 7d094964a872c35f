/**
 * The outage and freeze faults as runnable scenarios on a process lab: each injects its
 * fault into a live trial and measures what the records say. The fault tests assert on the
 * measures; `npm run bench -- faults` prints them as a table. A scenario never asserts.
 *
 *   issued     requests the trial planned (each must end in exactly one record)
 *   records    lines in records.jsonl; lost = issued − distinct request ids among them
 *   recoveryMs from the end of the fault (NATS back, SIGCONT) to the first successful
 *              record completed after it
 */
import type { ErrorCode, ErrorMessage, LatentMessage, RecordMessage } from '@semaigc/protocol';
import { decode, ERROR_SUBJECT, RECEIVER_LATENT_WILDCARD } from '@semaigc/protocol';
import type { TrialConfigInput, TrialSummary } from '@semaigc/coordinator';
import { faultTrial, type NodeProcess, type ProcessLab, trialRecords, waitFor } from './process-lab';

export interface FaultMeasure {
  scenario: string;
  issued: number;
  records: number;
  lost: number;
  /** Request ids with more than one record. */
  duplicates: number;
  succeeded: number;
  failed: number;
  codes: Partial<Record<ErrorCode, number>>;
  recoveryMs: number | null;
  summary: TrialSummary;
  recordList: RecordMessage[];
}

function measure(
  scenario: string,
  summary: TrialSummary,
  records: RecordMessage[],
  faultEnd: number,
): FaultMeasure {
  const ids = new Map<string, number>();
  for (const r of records) ids.set(r.requestId, (ids.get(r.requestId) ?? 0) + 1);
  const codes: Partial<Record<ErrorCode, number>> = {};
  for (const r of records) if (r.failure) codes[r.failure.code] = (codes[r.failure.code] ?? 0) + 1;
  const after = records.filter((r) => !r.failed && r.completedAt >= faultEnd).map((r) => r.completedAt);
  return {
    scenario,
    issued: summary.planned,
    records: records.length,
    lost: summary.planned - ids.size,
    duplicates: [...ids.values()].filter((n) => n > 1).length,
    succeeded: records.filter((r) => !r.failed).length,
    failed: records.filter((r) => r.failed).length,
    codes,
    recoveryMs: after.length > 0 ? Math.min(...after) - faultEnd : null,
    summary,
    recordList: records,
  };
}

export interface OutageMeasure extends FaultMeasure {
  /** When nats-server was stopped and when it was serving again (ms since the epoch). */
  downAt: number;
  backAt: number;
  /** /healthz while NATS was down, and once it was back. */
  healthDown: { status: number; nats: string } | null;
  healthBack: { status: number; nats: string } | null;
  /** Per node process: still running, and how often it logged each link change. */
  nodes: {
    ids: string[];
    alive: boolean;
    disconnects: number;
    reconnectingLines: number;
    reconnects: number;
  }[];
  /** A short trial after the outage: its records all succeeded. */
  afterwards: { issued: number; succeeded: number } | null;
}

function countMsg(p: NodeProcess, msg: string | RegExp): number {
  return p.logs().filter((l) => (typeof msg === 'string' ? l.msg === msg : msg.test(l.msg))).length;
}

/**
 * NATS down `downMs` in the middle of a trial of `n` requests (one edge, one receiver, both
 * separate processes), then back on the same port. `afterwards`: run a short trial once
 * the nodes are back, to show they still serve.
 */
export async function natsOutage(
  lab: ProcessLab,
  o: {
    downMs: number;
    n: number;
    edge: NodeProcess;
    receiver: NodeProcess;
    retries?: TrialConfigInput['retries'];
    afterwards?: number;
  },
): Promise<OutageMeasure> {
  const rx = o.receiver.ids[0]!;
  let written = 0;
  const { trialId, done } = lab.coord.startTrial(
    faultTrial(`nats-down-${o.downMs}`, rx, o.n, o.retries ? { retries: o.retries } : {}),
    { onProgress: () => (written += 1) },
  );
  // The outage starts mid-trial: after the first records.
  await waitFor(() => written >= 2, 120_000, 'two records before the outage');
  await lab.stopNats();
  const downAt = Date.now();
  let healthDown: OutageMeasure['healthDown'] = null;
  // The coordinator notices the lost link within its reconnect backoff.
  for (let i = 0; i < 100 && Date.now() - downAt < Math.max(0, o.downMs - 500); i++) {
    const h = await lab.health();
    if (h.status !== 200) {
      healthDown = { status: h.status, nats: h.body.nats };
      break;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  await new Promise((r) => setTimeout(r, Math.max(0, downAt + o.downMs - Date.now())));
  await lab.startNats();
  const backAt = Date.now();
  let healthBack: OutageMeasure['healthBack'] = null;
  await waitFor(
    () => {
      void lab.health().then((h) => {
        if (h.status === 200) healthBack = { status: h.status, nats: h.body.nats };
      });
      return healthBack;
    },
    60_000,
    'coordinator healthy again',
  );
  const summary = await done;
  await waitFor(
    () =>
      [o.edge, o.receiver].every((p) => p.ids.every((id) => lab.coord.registry.get(id)?.status === 'online')),
    60_000,
    'nodes online again',
  );
  const m = measure(`nats down ${o.downMs / 1000} s`, summary, trialRecords(lab, trialId), backAt);
  let afterwards: OutageMeasure['afterwards'] = null;
  if (o.afterwards) {
    const s = await lab.coord.runTrial(faultTrial(`after-${o.downMs}`, rx, o.afterwards));
    afterwards = { issued: s.planned, succeeded: s.succeeded };
  }
  return {
    ...m,
    downAt,
    backAt,
    healthDown,
    healthBack,
    nodes: [o.edge, o.receiver].map((p) => ({
      ids: p.ids,
      alive: p.child.exitCode === null && p.child.signalCode === null,
      disconnects: countMsg(p, /^NATS disconnected/),
      reconnectingLines: countMsg(p, /^NATS reconnecting/),
      reconnects: countMsg(p, 'NATS reconnected'),
    })),
    afterwards,
  };
}

export interface FreezeMeasure extends FaultMeasure {
  /** Latents the edge published after their attempt's deadline (stale work delivered). */
  staleLatents: number;
  /** DEADLINE_EXCEEDED errors from the edge: queued or running work it dropped. */
  droppedStale: number;
  /** Successful records served by the frozen edge after SIGCONT. */
  servedAfter: number;
}

/**
 * How an edge freeze is sized from its length F (s), so the scenario holds on a loaded
 * machine too:
 *
 *   attemptTimeoutS = 2F/3  every job the edge held when frozen (sent before the freeze)
 *                           has passed its deadline by the time it runs again, F/3 later
 *                           at the least, so it must be dropped, not computed;
 *   edgeGraceS = F + 30     the requests the freeze caught wait for the edge past the whole
 *                           freeze, with room for a busy machine's late first beat.
 *
 * The burst after SIGCONT (the requests the freeze caught, sent again at once) must drain
 * within one attempt timeout, so the trial is small: `n` ≈ 4 (and the retries left cover an
 * attempt that still times out behind the queue). The edge's compute-share pad counts a
 * step's process CPU time (protocol's stepPacer), so a freeze inside a step is not
 * padded again after SIGCONT; before that, a 15 s freeze at p = 0.2 stalled the edge a
 * further 60 s and timed out every retry in CI.
 */
export function freezeRetries(stopMs: number): { attemptTimeoutS: number; edgeGraceS: number } {
  return { attemptTimeoutS: Math.round((2 * stopMs) / 3000), edgeGraceS: stopMs / 1000 + 30 };
}

/**
 * The edge is SIGSTOPped for `stopMs` the moment its first payload is seen on the broker, so
 * it holds the rest of a burst of `n` requests (the one it runs and the queue behind it),
 * then SIGCONTed. An observer on the broker counts what the edge publishes.
 */
export async function edgeFreeze(
  lab: ProcessLab,
  o: { stopMs: number; n: number; edge: NodeProcess; receiver: NodeProcess },
): Promise<FreezeMeasure> {
  const rx = o.receiver.ids[0]!;
  const edgeId = o.edge.ids[0]!;
  const obs = await lab.client('observer');
  const latents: LatentMessage[] = [];
  const errors: ErrorMessage[] = [];
  let frozenAt = 0;
  obs.subscribe(RECEIVER_LATENT_WILDCARD, {
    callback: (_e, m) => {
      const msg = decode(m.data);
      if (msg.type !== 'latent') return;
      latents.push(msg);
      // Freeze here rather than after a poll: the edge has just started the next job.
      if (frozenAt === 0 && msg.edgeId === edgeId) {
        o.edge.child.kill('SIGSTOP');
        frozenAt = Date.now();
      }
    },
  });
  obs.subscribe(ERROR_SUBJECT, {
    callback: (_e, m) => {
      const msg = decode(m.data);
      if (msg.type === 'error') errors.push(msg);
    },
  });
  await obs.flush();
  const { trialId, done } = lab.coord.startTrial(
    faultTrial(`edge-sigstop-${o.stopMs}`, rx, o.n, {
      // A burst: the edge has a queue when it freezes.
      arrival: { kind: 'fixed', intervalMs: 0 },
      retries: { max: 3, ...freezeRetries(o.stopMs) },
    }),
  );
  await waitFor(() => frozenAt, 120_000, "the edge's first payload (the freeze)");
  await new Promise((r) => setTimeout(r, Math.max(0, frozenAt + o.stopMs - Date.now())));
  o.edge.child.kill('SIGCONT');
  const contAt = Date.now();
  const summary = await done;
  const records = trialRecords(lab, trialId);
  const m = measure(`edge SIGSTOP ${o.stopMs / 1000} s`, summary, records, contAt);
  return {
    ...m,
    staleLatents: latents.filter((l) => l.edgeId === edgeId && l.timings.sentAt > l.request.deadline).length,
    droppedStale: errors.filter((e) => e.nodeId === edgeId && e.code === 'DEADLINE_EXCEEDED').length,
    servedAfter: records.filter((r) => !r.failed && r.edgeId === edgeId && r.completedAt >= contAt).length,
  };
}

/**
 * The receiver process is SIGKILLed mid-trial (no bye) and never comes back: every request
 * still ends in a record, those for the lost receiver failed NODE_LOST / NO_RECEIVER after
 * retries.receiverGraceS. `recoveryMs` here: from the kill to the trial's end.
 */
export async function receiverKill(
  lab: ProcessLab,
  o: { n: number; receiver: NodeProcess; receiverGraceS: number },
): Promise<FaultMeasure & { endMs: number }> {
  const rx = o.receiver.ids[0]!;
  let written = 0;
  const { trialId, done } = lab.coord.startTrial(
    faultTrial('receiver-sigkill', rx, o.n, { retries: { max: 1, receiverGraceS: o.receiverGraceS } }),
    { onProgress: () => (written += 1) },
  );
  await waitFor(() => written >= 1, 120_000, 'a record before the kill');
  o.receiver.child.kill('SIGKILL');
  const killedAt = Date.now();
  const summary = await done;
  const m = measure('receiver SIGKILL', summary, trialRecords(lab, trialId), killedAt);
  return { ...m, recoveryMs: null, endMs: summary.endedAt - killedAt };
}
