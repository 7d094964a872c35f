/**
 * One trial, start to end: wait for its nodes, assign its receivers, run every receiver's
 * requests on its schedule, write the run folder and return the summary. The parts:
 *
 *   await-nodes.ts  the nodes it needs (and lost receivers coming back), on registry events
 *   schedule.ts     when each receiver's requests start (closed loop or arrivals)
 *   serve.ts        one request from its decision to its final record
 *   attempt.ts      one attempt → an Outcome (record, or failure as data)
 *   retry.ts        the retry / regenerate / wait-for-receiver / fail rules (pure)
 *   records.ts      the coordinator's part of a record; failed records
 *   report.ts       trial.start, progress, summary, trial.end
 *
 * Nothing waits forever: every attempt has a timer, and abort() settles whatever is in
 * flight as CANCELLED.
 */
import * as fs from 'node:fs/promises';
import { createSnrProcess, loadSnrTrace } from '@semaigc/channel';
import {
  describeError,
  encode,
  type ErrorMessage,
  makeMessage,
  type PreviewMessage,
  type RecordMessage,
} from '@semaigc/protocol';
import type { TrialInfo } from '../api-types';
import { resolveGuidanceScale, resolvePrompts } from '../config/prompts';
import { requestChannel, type TrialConfig } from '../config/trial-config';
import { trialConfigToYaml } from '../config/trial-file';
import { createEdgeSelector } from '../edges/selector';
import { readSelectorFiles } from '../edges/selector-files';
import { createPolicy, policyRegistration } from '../policies/registry';
import type { SplitPolicy } from '../policies/policy';
import { Recorder } from '../recorder/recorder';
import type { TrialStatus, TrialSummary } from '../recorder/summary';
import type { NodeEntry } from '../registry/node-registry';
import type { Verdict } from './acceptance';
import { Attempts } from './attempt';
import { awaitNodes, ReceiverWaits } from './await-nodes';
import type { RunTrialOptions, TrialEnv } from './links';
import { buildSummary, newTrialInfo, TrialReport } from './report';
import { runSchedule } from './schedule';
import { type ServeContext, serveRequest } from './serve';

export type { RunTrialOptions, TrialEnv, TrialLinks } from './links';

/**
 * How long after its end a trial still takes the previews due to it: a preview is a PNG of
 * about 10 kB sent right after its record, so 10 s covers a slow phone link with room.
 */
export const PREVIEW_GRACE_MS = 10_000;

/** What run() sets up before the first request. */
interface Running {
  serve: ServeContext;
  recorder: Recorder;
  report: TrialReport;
}

export class TrialRun {
  readonly info: TrialInfo;
  private readonly abortController = new AbortController();
  private readonly attempts: Attempts;
  private receiverIds: string[] = [];

  constructor(
    private readonly env: TrialEnv,
    private readonly cfg: TrialConfig,
    readonly trialId: string,
  ) {
    this.attempts = new Attempts({
      trialId,
      registry: env.registry,
      links: env.links,
      now: env.now,
      attemptTimeoutMs: (cfg.retries.attemptTimeoutS ?? cfg.latency.failureS) * 1000,
      acceptTimeoutMs: cfg.retries.acceptTimeoutMs,
      overload: cfg.overload,
    });
    this.info = newTrialInfo(trialId, cfg.name, cfg.policy.kind, env.now());
  }

  get signal(): AbortSignal {
    return this.abortController.signal;
  }

  abort(reason: string): void {
    if (this.abortController.signal.aborted) return;
    this.abortController.abort(reason);
    this.attempts.cancelAll(`trial aborted: ${reason}`);
  }

  // ---- inputs from the coordinator ------------------------------------------------------

  /** A record from `sender` (acceptance.ts says whether it is due). */
  onRecord(record: RecordMessage, sender: string): Verdict {
    return this.attempts.onRecord(record, sender);
  }

  /** A wire error from `sender` about one of this trial's requests (edge late error, receiver failure). */
  onError(err: ErrorMessage, sender: string): Verdict {
    return this.attempts.onError(err, sender);
  }

  /**
   * A preview from `sender`: due once per request of this trial, from its receiver. A
   * receiver sends the record first and the preview after it, so the last request's preview
   * usually arrives after the trial ended; it is still due for PREVIEW_GRACE_MS after the end.
   */
  onPreview(preview: PreviewMessage, sender: string): Verdict {
    const endedAt = this.info.summary?.endedAt;
    if (endedAt !== undefined && this.env.now() - endedAt > PREVIEW_GRACE_MS) return { kind: 'unknown' };
    return this.attempts.onPreview(preview, sender);
  }

  /** The request's latent/image left the edge. */
  onPayload(requestId: string): void {
    this.attempts.onPayload(requestId);
  }

  onNodeOffline(node: NodeEntry, reason: string): void {
    this.attempts.onNodeOffline(node, reason);
  }

  /** A receiver of this trial came back (new socket or new process with the same id): re-assign it. */
  onNodeOnline(node: NodeEntry): void {
    if (this.info.state === 'running' && this.receiverIds.includes(node.nodeId)) this.assign(node);
  }

  // ---- the run -------------------------------------------------------------------------

  async run(opts: RunTrialOptions = {}): Promise<TrialSummary> {
    const { signal } = opts;
    const onAbort = (): void => this.abort(String(signal?.reason ?? 'aborted by caller'));
    signal?.addEventListener('abort', onAbort, { once: true });
    if (signal?.aborted) onAbort();
    let running: Running;
    try {
      running = await this.setUp(opts);
    } catch (err) {
      signal?.removeEventListener('abort', onAbort);
      this.info.state = 'failed';
      this.info.error = describeError(err);
      throw err;
    }

    let status: TrialStatus = 'completed';
    let reason: string | null = null;
    try {
      await Promise.all(
        this.receiverIds.map((id, j) =>
          runSchedule({
            cfg: this.cfg,
            receiverIndex: j,
            receivers: this.receiverIds.length,
            startedAt: running.serve.startedAt,
            now: this.env.now,
            signal: this.signal,
            serve: (index) => this.serve(running, index, id),
          }),
        ),
      );
      if (this.signal.aborted) {
        status = 'aborted';
        reason = String(this.signal.reason ?? 'aborted');
      }
    } catch (err) {
      status = 'failed';
      reason = describeError(err);
      this.env.logger.error({ err }, 'trial failed');
      this.abort(reason);
    } finally {
      signal?.removeEventListener('abort', onAbort);
      running.serve.receiverWaits.close();
    }
    return this.finish(running, status, reason);
  }

  /** Policy, selector, SNR process, prompts, nodes, run folder; then trial.start and assignments. */
  private async setUp(opts: RunTrialOptions): Promise<Running> {
    const { cfg, env } = this;
    const policy = createPolicy(cfg.policy, {
      totalSteps: cfg.totalSteps,
      receiverVariant: cfg.receiverVariant,
    });
    const selector = createEdgeSelector(cfg.edgeSelector, await readSelectorFiles(cfg.aspSelector));
    const snrCfg = await loadSnrTrace(cfg.snr, (p) => fs.readFile(p, 'utf8'));
    const snr = createSnrProcess(snrCfg, { seed: cfg.seeds.base });
    const prompts = await resolvePrompts(cfg, env.bundleDir);
    const guidanceScale = await resolveGuidanceScale(cfg, env.bundleDir);
    const needsEdge = policyRegistration(cfg.policy.kind)?.needsEdge ?? true;
    const receivers = await awaitNodes(env.registry, cfg.receivers, {
      trialId: this.trialId,
      needsEdge,
      signal: this.signal,
    });
    this.receiverIds = receivers.map((r) => r.nodeId);
    const recorder = await Recorder.open(env.runsDir, this.trialId, trialConfigToYaml(cfg));
    this.info.runDir = recorder.files.dir;

    const total = this.receiverIds.length * cfg.requestsPerReceiver;
    this.info.progress.total = total;
    this.info.state = 'running';
    const startedAt = env.now();
    const report = new TrialReport(this.trialId, this.info.progress, {
      links: env.links,
      logger: env.logger,
      now: env.now,
      onProgress: opts.onProgress,
    });
    report.start({
      trialId: this.trialId,
      name: cfg.name,
      policy: policy.name,
      totalSteps: cfg.totalSteps,
      requests: total,
      receiverIds: this.receiverIds,
      edgeIds: env.registry.list({ role: 'edge', online: true }).map((e) => e.nodeId),
      seed: cfg.seeds.base,
      channel: requestChannel(cfg, snr.snrDb(0, 0)),
      snr: snr.config,
      latency: cfg.latency,
      startedAt,
    });
    for (const id of this.receiverIds) {
      const node = env.registry.get(id);
      if (node) this.assign(node);
    }
    const serve: ServeContext = {
      trialId: this.trialId,
      cfg,
      env,
      policy,
      selector,
      attempts: this.attempts,
      receiverWaits: new ReceiverWaits(env.registry, this.signal, env.now),
      signal: this.signal,
      prompts,
      guidanceScale,
      snr,
      startedAt,
    };
    return { serve, recorder, report };
  }

  private assign(node: NodeEntry): void {
    this.env.registry.assignTrial(node.nodeId, this.trialId);
    const msg = makeMessage('trial.assign', {
      trialId: this.trialId,
      receiverId: node.nodeId,
      computeShare: null,
      receiverVariant: this.cfg.receiverVariant,
      assignedAt: this.env.now(),
      // Only a WebRTC trial says so: older pages ignore the field, socket.io is the default.
      ...(this.cfg.delivery.transport === 'webrtc' ? { delivery: this.cfg.delivery } : {}),
    });
    this.env.links.toReceiver(node, 'trial.assign', encode(msg));
  }

  /** One request to its written record; the policy observes it. */
  private async serve(r: Running, index: number, receiverId: string): Promise<void> {
    this.info.progress.inFlight += 1;
    const { record, context, decision } = await serveRequest(r.serve, index, receiverId);
    this.info.progress.inFlight -= 1;
    await r.report.record(record, r.recorder, r.serve.startedAt);
    try {
      r.serve.policy.observe?.(record, context, decision);
    } catch (err) {
      this.env.logger.warn({ requestId: record.requestId, err }, 'policy.observe threw');
    }
  }

  /** The policy's end-of-trial hook; its failure is logged and costs only its files. */
  private async finishPolicy(policy: SplitPolicy, runDir: string): Promise<string[]> {
    if (!policy.finish) return [];
    try {
      return await policy.finish({ trialId: this.trialId, runDir });
    } catch (err) {
      this.env.logger.warn({ err }, `policy ${policy.name}: finish failed`);
      return [];
    }
  }

  private async finish(r: Running, status: TrialStatus, reason: string | null): Promise<TrialSummary> {
    const { recorder } = r;
    const policyFiles = await this.finishPolicy(r.serve.policy, recorder.files.dir);
    const endedAt = this.env.now();
    const summary = buildSummary({
      trialId: this.trialId,
      name: this.cfg.name,
      status,
      reason,
      policy: r.serve.policy.name,
      totalSteps: this.cfg.totalSteps,
      planned: this.info.progress.total,
      receiverIds: this.receiverIds,
      startedAt: r.serve.startedAt,
      endedAt,
      records: recorder.records(),
      files: recorder.files,
      policyFiles,
    });
    await recorder.writeSummary(summary);
    await recorder.close();
    this.info.state = status;
    this.info.summary = summary;
    this.info.error = status === 'failed' ? reason : null;
    r.report.end(status, reason, endedAt);
    for (const id of this.receiverIds) {
      const node = this.env.registry.get(id);
      if (!node) continue;
      this.env.registry.releaseTrial(id, this.trialId);
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
