/**
 * One trial, start to end: wait for its nodes, assign receivers, send every request on its
 * arrival schedule, follow each one to a record (or a failure), write the run folder and
 * return the summary. The flow of one request (DESIGN.md, issue-6 contract):
 *
 *   1. policy.decide(context) → a (once per request); the edge selector picks an edge.
 *   2. a ≥ 1: NATS request() to the edge (it answers request.accepted or error at once);
 *      a = 0: the request goes to the receiver (NATS subject or socket.io).
 *   3. the receiver's record arrives → end to end on this clock, satisfaction, quality gate
 *      (regenerate with a new seed while consistency < threshold) → records.jsonl.
 *   Failures: no record by the attempt timeout, the edge went offline before its payload
 *   left, a retryable error → another attempt (other edge) while retries and the failure
 *   limit allow; else a failed record (TIMEOUT, NODE_LOST, …). Nothing waits forever: every
 *   attempt has a timer, and abort() settles whatever is in flight as CANCELLED.
 */
import * as fs from 'node:fs/promises';
import { createSnrProcess, loadSnrTrace, type SnrProcess } from '@semaigc/channel';
import {
  decode,
  EDGE_REQUEST_SUBJECT,
  edgeRequestSubject,
  encode,
  ERROR_CODES,
  type ErrorCode,
  type ErrorMessage,
  makeMessage,
  type RecordMessage,
  type RequestMessage,
} from '@semaigc/protocol';
import type { Logger } from 'pino';
import type { TrialInfo, TrialProgress } from '../api-types';
import { resolveGuidanceScale, resolvePrompts } from '../config/prompts';
import { requestChannel, type TrialConfig } from '../config/trial-config';
import { trialConfigToYaml } from '../config/trial-file';
import { createEdgeSelector, type EdgeSelector } from '../edges/selector';
import { TrialStartError } from '../errors';
import {
  checkDecision,
  type Decision,
  type DecisionContext,
  type NodeView,
  type SplitPolicy,
} from '../policies/policy';
import { createPolicy, policyRegistration } from '../policies/registry';
import { Recorder } from '../recorder/recorder';
import {
  summarizeByPolicy,
  summarizeBySnr,
  summarizeGroup,
  type TrialStatus,
  type TrialSummary,
} from '../recorder/summary';
import type { NodeEntry, NodeRegistry } from '../registry/node-registry';
import { arrivalOffsetsMs } from './arrivals';
import { regenerationSeed, requestIdFor } from './ids';
import { failedRecord, finalizeRecord } from './records';

/** How the trial reaches nodes and tells the world; the coordinator implements it. */
export interface TrialLinks {
  /** NATS request/reply to an edge subject: the reply bytes (request.accepted or error). */
  requestEdge(subject: string, bytes: Uint8Array, timeoutMs: number): Promise<Uint8Array>;
  /** A request (a = 0), trial.assign or trial.release to a receiver over its transport. */
  toReceiver(node: NodeEntry, event: 'request' | 'trial.assign' | 'trial.release', bytes: Uint8Array): void;
  /** trial.start / trial.progress / trial.end to NATS and dashboards. */
  trialEvent(trialId: string, event: 'trial.start' | 'trial.progress' | 'trial.end', bytes: Uint8Array): void;
  /** A record was written (dashboards). */
  recordWritten(record: RecordMessage, bytes: Uint8Array): void;
}

export interface TrialEnv {
  coordinatorId: string;
  registry: NodeRegistry;
  links: TrialLinks;
  logger: Logger;
  runsDir: string;
  bundleDir: string | undefined;
  /** Subject for late errors from edges (request.replyTo). */
  errorSubject: string;
  now: () => number;
}

export interface RunTrialOptions {
  onProgress?: (progress: TrialProgress, record: RecordMessage) => void;
  signal?: AbortSignal;
}

type Outcome =
  | { kind: 'record'; record: RecordMessage }
  | {
      kind: 'fail';
      code: ErrorCode;
      reason: string;
      retryable: boolean;
      edgeId: string | null;
      /** The request's receiver is (or went) offline: worth waiting for it to come back. */
      receiverLost?: boolean;
    };

interface Pending {
  attempt: number;
  receiverId: string;
  edgeId: string | null;
  /** The payload left the edge (seen on the receiver's subject): losing the edge no longer matters. */
  delivered: boolean;
  settle(o: Outcome): void;
}

const POLL_MS = 50;

function view(n: NodeEntry): NodeView {
  return {
    nodeId: n.nodeId,
    stepMs: n.capabilities.stepMs,
    computeShare: n.capabilities.computeShare,
    inFlight: n.assigned,
    maxConcurrent: n.capabilities.maxConcurrent,
  };
}

type FailOutcome = Extract<Outcome, { kind: 'fail' }>;

function fail(
  code: ErrorCode,
  reason: string,
  edgeId: string | null = null,
  retryable?: boolean,
): FailOutcome {
  return { kind: 'fail', code, reason, retryable: retryable ?? ERROR_CODES[code].retryable, edgeId };
}

function errorName(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}

export class TrialRun {
  readonly info: TrialInfo;
  private readonly pending = new Map<string, Pending>();
  private readonly abortController = new AbortController();
  private receiverIds: string[] = [];
  private recorder: Recorder | null = null;
  private startedAt = 0;
  private satisfactionSum = 0;
  private policy: SplitPolicy | null = null;
  private selector: EdgeSelector | null = null;
  private prompts: string[] = [];
  private guidanceScale = 0;
  private snr: SnrProcess | null = null;

  constructor(
    private readonly env: TrialEnv,
    private readonly cfg: TrialConfig,
    readonly trialId: string,
  ) {
    this.info = {
      trialId,
      name: cfg.name,
      policy: cfg.policy.kind,
      state: 'starting',
      createdAt: env.now(),
      progress: {
        done: 0,
        failed: 0,
        total: 0,
        inFlight: 0,
        meanSatisfaction: null,
        lastRequestId: null,
        elapsedMs: 0,
      },
      summary: null,
      error: null,
      runDir: null,
    };
  }

  get signal(): AbortSignal {
    return this.abortController.signal;
  }

  abort(reason: string): void {
    if (this.abortController.signal.aborted) return;
    this.abortController.abort(reason);
    for (const p of this.pending.values())
      p.settle(fail('CANCELLED', `trial aborted: ${reason}`, p.edgeId, false));
  }

  // ---- inputs from the coordinator ------------------------------------------------------

  /** A record from a receiver; false if it is not one this trial waits for. */
  onRecord(record: RecordMessage): boolean {
    const p = record.trialId === this.trialId ? this.pending.get(record.requestId) : undefined;
    if (!p) return false;
    p.settle({ kind: 'record', record });
    return true;
  }

  /** A wire error about one of this trial's requests (edge late error, receiver failure). */
  onError(err: ErrorMessage, nodeId: string): boolean {
    const p = err.requestId ? this.pending.get(err.requestId) : undefined;
    if (!p) return false;
    const fromEdge = p.edgeId !== null && nodeId === p.edgeId;
    p.settle(fail(err.code, `${nodeId}: ${err.reason}`, fromEdge ? p.edgeId : null));
    return true;
  }

  /** The request's latent/image left the edge. */
  onPayload(requestId: string): void {
    const p = this.pending.get(requestId);
    if (p) p.delivered = true;
  }

  onNodeOffline(node: NodeEntry, reason: string): void {
    for (const p of this.pending.values()) {
      if (node.role === 'edge' && p.edgeId === node.nodeId && !p.delivered) {
        p.settle(fail('NODE_LOST', `edge ${node.nodeId} went offline (${reason})`, node.nodeId, true));
      } else if (p.receiverId === node.nodeId) {
        p.settle({
          ...fail('NODE_LOST', `receiver ${node.nodeId} went offline (${reason})`, null, false),
          receiverLost: true,
        });
      }
    }
  }

  /** A receiver of this trial came back (new socket or new process with the same id): re-assign it. */
  onNodeOnline(node: NodeEntry): void {
    if (this.info.state === 'running' && this.receiverIds.includes(node.nodeId)) this.assign(node);
  }

  // ---- the run -------------------------------------------------------------------------

  async run(opts: RunTrialOptions = {}): Promise<TrialSummary> {
    const cfg = this.cfg;
    const { signal } = opts;
    const onAbort = (): void => this.abort(String(signal?.reason ?? 'aborted by caller'));
    signal?.addEventListener('abort', onAbort, { once: true });
    if (signal?.aborted) onAbort();
    try {
      this.policy = createPolicy(cfg.policy, {
        totalSteps: cfg.totalSteps,
        receiverVariant: cfg.receiverVariant,
      });
      this.selector = createEdgeSelector(cfg.edgeSelector);
      const snrCfg = await loadSnrTrace(cfg.snr, (p) => fs.readFile(p, 'utf8'));
      this.snr = createSnrProcess(snrCfg, { seed: cfg.seeds.base });
      this.prompts = await resolvePrompts(cfg, this.env.bundleDir);
      this.guidanceScale = await resolveGuidanceScale(cfg, this.env.bundleDir);
      const needsEdge = policyRegistration(cfg.policy.kind)?.needsEdge ?? true;
      const receivers = await this.waitForNodes(needsEdge);
      this.receiverIds = receivers.map((r) => r.nodeId);
      this.recorder = await Recorder.open(this.env.runsDir, this.trialId, trialConfigToYaml(cfg));
      this.info.runDir = this.recorder.files.dir;
    } catch (err) {
      signal?.removeEventListener('abort', onAbort);
      this.info.state = 'failed';
      this.info.error = errorName(err);
      throw err;
    }

    const total = this.receiverIds.length * cfg.requestsPerReceiver;
    this.info.progress.total = total;
    this.info.state = 'running';
    this.startedAt = this.env.now();
    this.announceStart(total);
    for (const id of this.receiverIds) {
      const node = this.env.registry.get(id);
      if (node) this.assign(node);
    }

    let status: TrialStatus = 'completed';
    let reason: string | null = null;
    try {
      await Promise.all(this.receiverIds.map((id, j) => this.runReceiver(id, j, opts)));
      if (this.signal.aborted) {
        status = 'aborted';
        reason = String(this.signal.reason ?? 'aborted');
      }
    } catch (err) {
      status = 'failed';
      reason = errorName(err);
      this.env.logger.error({ trialId: this.trialId, err }, 'trial failed');
      this.abort(reason);
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
    return this.finish(status, reason);
  }

  /** Whether receiver `id` is online again before `until` (ms, env clock); false on abort. */
  private async receiverBack(id: string, until: number): Promise<boolean> {
    for (;;) {
      if (this.env.registry.get(id)?.status === 'online') return true;
      if (this.signal.aborted || this.env.now() >= until) return false;
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  }

  private async waitForNodes(needsEdge: boolean): Promise<NodeEntry[]> {
    const { registry } = this.env;
    const want = this.cfg.receivers;
    const until = this.env.now() + want.waitS * 1000;
    for (;;) {
      const online = registry.list({ role: 'receiver', online: true });
      const edges = registry.list({ role: 'edge', online: true });
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
      const edgeOk = !needsEdge || edges.length > 0;
      if (chosen && edgeOk) return chosen;
      if (this.signal.aborted)
        throw new TrialStartError(`trial ${this.trialId} aborted while waiting for nodes`);
      if (this.env.now() >= until) {
        const parts = [chosen ? null : missing, edgeOk ? null : 'no edge online'].filter(Boolean);
        throw new TrialStartError(
          `trial ${this.trialId}: ${parts.join('; ')} after waiting ${want.waitS} s (receivers.waitS)`,
        );
      }
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  }

  private assign(node: NodeEntry): void {
    node.trialId = this.trialId;
    const msg = makeMessage('trial.assign', {
      trialId: this.trialId,
      receiverId: node.nodeId,
      computeShare: null,
      receiverVariant: this.cfg.receiverVariant,
      assignedAt: this.env.now(),
    });
    this.env.links.toReceiver(node, 'trial.assign', encode(msg));
  }

  private announceStart(total: number): void {
    const cfg = this.cfg;
    const msg = makeMessage('trial.start', {
      trialId: this.trialId,
      name: cfg.name,
      policy: this.policy!.name,
      totalSteps: cfg.totalSteps,
      requests: total,
      receiverIds: this.receiverIds,
      edgeIds: this.env.registry.list({ role: 'edge', online: true }).map((e) => e.nodeId),
      seed: cfg.seeds.base,
      channel: requestChannel(cfg, this.snr!.snrDb(0, 0)),
      snr: this.snr!.config,
      latency: cfg.latency,
      startedAt: this.startedAt,
    });
    this.env.links.trialEvent(this.trialId, 'trial.start', encode(msg));
  }

  /** All requests of receiver j: awaited one by one (closed loop) or fired on schedule. */
  private async runReceiver(receiverId: string, j: number, opts: RunTrialOptions): Promise<void> {
    const cfg = this.cfg;
    const n = cfg.requestsPerReceiver;
    const R = this.receiverIds.length;
    const offsets = arrivalOffsetsMs(cfg.arrival, cfg.seeds.base, j, R, n);
    if (!offsets) {
      for (let i = 0; i < n && !this.signal.aborted; i++) await this.serve(i * R + j, receiverId, opts);
      return;
    }
    const tasks: Promise<void>[] = [];
    for (let i = 0; i < n && !this.signal.aborted; i++) {
      const wait = this.startedAt + offsets[i]! - this.env.now();
      if (wait > 0) await this.sleep(wait);
      if (this.signal.aborted) break;
      tasks.push(this.serve(i * R + j, receiverId, opts));
    }
    await Promise.all(tasks);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(done, ms);
      const signal = this.signal;
      function done(): void {
        clearTimeout(t);
        signal.removeEventListener('abort', done);
        resolve();
      }
      signal.addEventListener('abort', done, { once: true });
    });
  }

  /** One request, all its attempts, to its written record. */
  private async serve(index: number, receiverId: string, opts: RunTrialOptions): Promise<void> {
    const cfg = this.cfg;
    const { registry, now } = this.env;
    const requestId = requestIdFor(this.trialId, index);
    const firstAt = now();
    const failAt = firstAt + cfg.latency.failureS * 1000;
    const prompt = this.prompts[index % this.prompts.length]!;
    const seed = cfg.seeds.base + index;
    const snrDb = this.snr!.snrDb(index, (firstAt - this.startedAt) / 1000);
    const channel = requestChannel(cfg, snrDb);
    const receiver = registry.get(receiverId)!;
    const policy = this.policy!;
    this.info.progress.inFlight += 1;

    const excluded = new Set<string>();
    const pickEdge = () =>
      this.selector!.select({
        requestId,
        candidates: registry.list({ role: 'edge', online: true }).filter((e) => !excluded.has(e.nodeId)),
        excluded,
      });
    const firstChoice = pickEdge();
    const ctx: DecisionContext = {
      trialId: this.trialId,
      requestId,
      index,
      prompt,
      snrDb,
      bandwidthHz: channel.link.bandwidthHz,
      latency: cfg.latency,
      totalSteps: cfg.totalSteps,
      edge: firstChoice.kind === 'edge' ? view(firstChoice.edge) : null,
      receiver: view(receiver),
    };

    let decision: Required<Decision> | null = null;
    let outcome: Outcome;
    let attempt = 0;
    let retries = 0;
    let regenerations = 0;
    let lastEdgeId: string | null = null;
    let choice = firstChoice;
    const base = {
      trialId: this.trialId,
      requestId,
      prompt,
      totalSteps: cfg.totalSteps,
      guidanceScale: this.guidanceScale,
      channel,
      policy: policy.name,
      latency: cfg.latency,
      deadline: failAt,
      receiverId,
      replyTo: this.env.errorSubject,
      computeReference: cfg.computeReference,
    };
    let final: RecordMessage;
    try {
      decision = checkDecision(await policy.decide(ctx), cfg.totalSteps, policy.name, cfg.receiverVariant);
      for (;;) {
        const request = makeMessage('request', {
          ...base,
          seed: regenerationSeed(seed, regenerations),
          edgeSteps: decision.edgeSteps,
          deliver: decision.deliver,
          receiverVariant: decision.receiverVariant,
          checkpointId: decision.checkpointId,
          edgeId: null,
          createdAt: now(),
          attempt,
        }) as RequestMessage;
        outcome = this.signal.aborted
          ? fail('CANCELLED', 'trial aborted', null, false)
          : await this.attemptOnce(request, attempt === 0 ? firstChoice : choice, failAt);
        if (outcome.kind === 'fail' && outcome.edgeId) excluded.add(outcome.edgeId);
        lastEdgeId = outcome.kind === 'record' ? outcome.record.edgeId : (outcome.edgeId ?? lastEdgeId);
        if (outcome.kind === 'record') {
          const rec = this.finalize(outcome.record, firstAt, attempt);
          const gate = cfg.qualityGate;
          const c = rec.quality.consistency;
          if (
            gate &&
            !rec.failed &&
            c !== null &&
            c < gate.minConsistency &&
            regenerations < gate.maxRegenerations &&
            now() < failAt &&
            !this.signal.aborted
          ) {
            regenerations += 1;
            attempt += 1;
            choice = pickEdge();
            continue;
          }
          final = rec;
          break;
        }
        if (outcome.receiverLost && retries < cfg.retries.max && !this.signal.aborted) {
          const graceS = cfg.retries.receiverGraceS;
          // The grace runs from the receiver's last sign of life, so the requests that queue
          // behind a receiver gone for good do not each wait it again.
          const lastSeen = this.env.registry.get(receiverId)?.lastSeenAt ?? now();
          if (await this.receiverBack(receiverId, Math.min(failAt, lastSeen + graceS * 1000))) {
            // Its payload was lost with the old connection: the request runs again.
            this.env.logger.info(
              { trialId: this.trialId, requestId, receiverId, attempt },
              'receiver is back, sending the request again',
            );
            retries += 1;
            attempt += 1;
            choice = decision.edgeSteps > 0 ? pickEdge() : choice;
            continue;
          }
          outcome = {
            ...outcome,
            reason: `${outcome.reason}; not back within ${graceS} s (retries.receiverGraceS) or the deadline`,
          };
        }
        const canRetry =
          outcome.retryable && retries < cfg.retries.max && now() < failAt && !this.signal.aborted;
        choice = canRetry && decision.edgeSteps > 0 ? pickEdge() : choice;
        if (canRetry && choice.kind === 'none') {
          // Nowhere else to send it: report the cause (NODE_LOST, TIMEOUT, …), not NO_EDGE.
          outcome = { ...outcome, reason: `${outcome.reason}; no other edge to retry on` };
        } else if (canRetry) {
          this.env.logger.info(
            { trialId: this.trialId, requestId, code: outcome.code, reason: outcome.reason, attempt },
            'retrying request',
          );
          retries += 1;
          attempt += 1;
          continue;
        }
        final = this.failed(
          base,
          seed,
          decision,
          receiver,
          lastEdgeId,
          firstAt,
          attempt,
          outcome.code,
          outcome.reason,
        );
        break;
      }
    } catch (err) {
      // A policy or a coordinator bug: the request fails, the trial goes on.
      this.env.logger.error(
        { trialId: this.trialId, requestId, err },
        'request failed inside the coordinator',
      );
      final = this.failed(
        base,
        seed,
        decision ?? { edgeSteps: 0, deliver: 'latent', receiverVariant: null, checkpointId: null },
        receiver,
        null,
        firstAt,
        attempt,
        'INTERNAL',
        errorName(err),
      );
    }
    this.info.progress.inFlight -= 1;
    await this.write(final, opts);
    try {
      policy.observe?.(final, ctx, decision ?? { edgeSteps: 0 });
    } catch (err) {
      this.env.logger.warn({ trialId: this.trialId, requestId, err }, 'policy.observe threw');
    }
  }

  private finalize(record: RecordMessage, firstAt: number, attempt: number): RecordMessage {
    const edge = record.edgeId ? this.env.registry.get(record.edgeId) : undefined;
    return finalizeRecord(record, {
      coordinatorId: this.env.coordinatorId,
      firstDispatchAt: firstAt,
      now: this.env.now(),
      retries: attempt,
      edgeCapabilities: edge?.capabilities ?? null,
    });
  }

  private failed(
    base: Pick<
      RequestMessage,
      'trialId' | 'requestId' | 'receiverId' | 'prompt' | 'totalSteps' | 'policy' | 'latency' | 'channel'
    >,
    seed: number,
    d: Required<Decision>,
    receiver: NodeEntry,
    edgeId: string | null,
    firstAt: number,
    attempt: number,
    code: ErrorCode,
    reason: string,
  ): RecordMessage {
    const edge = edgeId ? this.env.registry.get(edgeId) : undefined;
    return failedRecord({
      coordinatorId: this.env.coordinatorId,
      firstDispatchAt: firstAt,
      now: this.env.now(),
      retries: attempt,
      edgeCapabilities: edge?.capabilities ?? null,
      request: {
        ...base,
        seed,
        edgeSteps: d.edgeSteps,
        deliver: d.deliver,
        checkpointId: d.checkpointId,
        receiverVariant: d.receiverVariant,
      },
      edgeId: edge ? edgeId : null,
      receiverCapabilities: receiver.capabilities,
      code,
      reason,
    });
  }

  /** Sends one attempt and waits for its outcome (record, error, timeout, lost node). */
  private attemptOnce(
    request: RequestMessage,
    choice: ReturnType<EdgeSelector['select']>,
    failAt: number,
  ): Promise<Outcome> {
    const { registry, now, links } = this.env;
    const cfg = this.cfg;
    const receiver = registry.get(request.receiverId);
    if (!receiver || receiver.status !== 'online') {
      // Known but offline (a phone between connections): the caller may wait for it.
      const outcome = fail('NO_RECEIVER', `receiver ${request.receiverId} is offline`, null, false);
      return Promise.resolve({ ...outcome, receiverLost: receiver !== undefined });
    }
    const local = request.edgeSteps === 0;
    if (!local && choice.kind === 'none') return Promise.resolve(fail('NO_EDGE', choice.reason, null, false));

    const attemptTimeoutMs = (cfg.retries.attemptTimeoutS ?? cfg.latency.failureS) * 1000;
    const waitMs = Math.max(0, Math.min(failAt, now() + attemptTimeoutMs) - now());
    const edge = !local && choice.kind === 'edge' ? choice.edge : null;
    const msg: RequestMessage = { ...request, edgeId: edge?.nodeId ?? null };

    return new Promise<Outcome>((resolve) => {
      let settled = false;
      const pending: Pending = {
        attempt: request.attempt,
        receiverId: request.receiverId,
        edgeId: edge?.nodeId ?? null,
        delivered: local,
        settle: (o) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          if (this.pending.get(request.requestId) === pending) this.pending.delete(request.requestId);
          if (edge) edge.assigned = Math.max(0, edge.assigned - 1);
          resolve(o);
        },
      };
      const timer = setTimeout(
        // Once the payload left the edge, the edge is not to blame: a retry may use it again.
        () =>
          pending.settle(
            fail(
              'TIMEOUT',
              `no record within ${Math.round(waitMs)} ms (attempt ${request.attempt})`,
              pending.delivered ? null : pending.edgeId,
            ),
          ),
        waitMs,
      );
      this.pending.set(request.requestId, pending);
      if (edge) edge.assigned += 1;
      const bytes = encode(msg);

      if (local) {
        links.toReceiver(receiver, 'request', bytes);
        return;
      }
      const subject = edge ? edgeRequestSubject(edge.nodeId) : EDGE_REQUEST_SUBJECT;
      links.requestEdge(subject, bytes, cfg.retries.acceptTimeoutMs).then(
        (reply) => {
          let answer;
          try {
            answer = decode(reply);
          } catch (err) {
            pending.settle(fail('BAD_MESSAGE', `edge reply: ${errorName(err)}`, pending.edgeId, true));
            return;
          }
          if (answer.type === 'request.accepted') {
            pending.edgeId ??= answer.edgeId;
          } else if (answer.type === 'error') {
            pending.settle(
              fail(
                answer.code,
                `edge ${pending.edgeId ?? answer.nodeId ?? '?'}: ${answer.reason}`,
                pending.edgeId ?? answer.nodeId ?? null,
              ),
            );
          } else {
            pending.settle(
              fail('BAD_MESSAGE', `edge answered '${answer.type}' to a request`, pending.edgeId, true),
            );
          }
        },
        (err: unknown) => {
          const noResponders =
            typeof err === 'object' &&
            err !== null &&
            'isNoResponders' in err &&
            typeof err.isNoResponders === 'function' &&
            (err as { isNoResponders: () => boolean }).isNoResponders();
          pending.settle(
            noResponders
              ? fail('NO_EDGE', `no edge listens on ${subject}`, pending.edgeId, true)
              : fail(
                  'TIMEOUT',
                  `edge did not accept within ${cfg.retries.acceptTimeoutMs} ms: ${errorName(err)}`,
                  pending.edgeId,
                  true,
                ),
          );
        },
      );
    });
  }

  private async write(record: RecordMessage, opts: RunTrialOptions): Promise<void> {
    const p = this.info.progress;
    p.done += 1;
    if (record.failed) p.failed += 1;
    this.satisfactionSum += record.satisfaction;
    p.meanSatisfaction = this.satisfactionSum / p.done;
    p.lastRequestId = record.requestId;
    p.elapsedMs = this.env.now() - this.startedAt;
    await this.recorder!.write(record);
    this.env.links.recordWritten(record, encode(record));
    const progress = makeMessage('trial.progress', {
      trialId: this.trialId,
      ...p,
      total: Math.max(p.total, p.done),
    });
    this.env.links.trialEvent(this.trialId, 'trial.progress', encode(progress));
    try {
      opts.onProgress?.({ ...p }, record);
    } catch (err) {
      this.env.logger.warn({ trialId: this.trialId, err }, 'onProgress threw');
    }
  }

  /** The policy's end-of-trial hook; its failure is logged and costs only its files. */
  private async finishPolicy(runDir: string): Promise<string[]> {
    const policy = this.policy;
    if (!policy?.finish) return [];
    try {
      return await policy.finish({ trialId: this.trialId, runDir });
    } catch (err) {
      this.env.logger.warn({ trialId: this.trialId, err }, `policy ${policy.name}: finish failed`);
      return [];
    }
  }

  private async finish(status: TrialStatus, reason: string | null): Promise<TrialSummary> {
    const recorder = this.recorder!;
    const records = recorder.records();
    const policyFiles = await this.finishPolicy(recorder.files.dir);
    const endedAt = this.env.now();
    const summary: TrialSummary = {
      trialId: this.trialId,
      name: this.cfg.name,
      status,
      reason,
      policy: this.policy!.name,
      totalSteps: this.cfg.totalSteps,
      planned: this.info.progress.total,
      receiverIds: this.receiverIds,
      edgeIds: [...new Set(records.map((r) => r.edgeId).filter((e): e is string => e !== null))].sort(),
      startedAt: this.startedAt,
      endedAt,
      durationMs: endedAt - this.startedAt,
      ...summarizeGroup(records),
      byPolicy: summarizeByPolicy(records),
      bySnr: summarizeBySnr(records),
      runDir: recorder.files.dir,
      files: {
        records: recorder.files.records,
        csv: recorder.files.csv,
        summary: recorder.files.summary,
        config: recorder.files.config,
        images: recorder.files.images,
        policy: policyFiles,
      },
    };
    await recorder.writeSummary(summary);
    await recorder.close();
    this.info.state = status;
    this.info.summary = summary;
    this.info.error = status === 'failed' ? reason : null;
    const p = this.info.progress;
    const end = makeMessage('trial.end', {
      trialId: this.trialId,
      status,
      reason,
      done: p.done,
      failed: p.failed,
      total: Math.max(p.total, p.done),
      meanSatisfaction: p.meanSatisfaction,
      endedAt,
    });
    this.env.links.trialEvent(this.trialId, 'trial.end', encode(end));
    for (const id of this.receiverIds) {
      const node = this.env.registry.get(id);
      if (!node) continue;
      if (node.trialId === this.trialId) node.trialId = null;
      const release = makeMessage('trial.release', {
        trialId: this.trialId,
        receiverId: id,
        reason: `trial ${status}`,
      });
      this.env.links.toReceiver(node, 'trial.release', encode(release));
    }
    return summary;
  }
}
