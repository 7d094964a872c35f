/**
 * `semaigc trial run --sim`: the same trial config a live lab runs, served by virtual nodes
 * on a simulated clock, written as the same run folder (records.jsonl, records.csv,
 * summary.json with per-SNR buckets, config.yaml) plus sim.json saying what was simulated.
 *
 * What is the same as live: the config's parsing and defaults, prompts, seeds, request ids
 * and indices (request k = n·R + j), the SNR process (indexed by k and the simulated time),
 * the policy object (createPolicy: fixed, ROOT with its feature mapping and online learning,
 * …) with the DecisionContext a coordinator builds, `checkDecision`, the quality gate's
 * rule, the channel code, satisfaction and the summary. What is modelled: the nodes' time
 * (sim-request.ts, from a lab's records or the split benchmark) and the image quality (the
 * measured surface). Virtual nodes do not fail, so retries never happen.
 */
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { createSnrProcess, loadSnrTrace } from '@semaigc/channel';
import {
  arrivalOffsetsMs,
  buildSummary,
  checkDecision,
  createPolicy,
  makeTrialId,
  Recorder,
  regenerationSeed,
  requestIdFor,
  requestStepTime,
  resolvePrompts,
  trialConfigToYaml,
  type Decision,
  type DecisionContext,
  type TrialConfig,
  type TrialSummary,
} from '@semaigc/coordinator';
import { PROTOCOL_VERSION, type RecordMessage } from '@semaigc/protocol';
import { createRng, mixSeed, type Rng } from '@semaigc/root';
import { satisfactionOf, simulateAttempt, type SimAttempt, type SimModel } from './sim-request';
import { nodeView, virtualCapabilities, type VirtualNode } from './virtual-nodes';

/** Written next to the records: what produced them. */
export const SIM_INFO_FILE = 'sim.json';
const COORDINATOR_ID = 'sim';

export interface SimTrialOptions {
  model: SimModel;
  /** Where the quality surface came from (a file), for sim.json. */
  calibrationSource: string;
  runsDir: string;
  /** Virtual receivers (the live trial's `receivers.count`, else this; default 1). */
  receivers: number;
  edgeShare: number;
  receiverShare: number;
  bundleDir?: string;
  /** Epoch ms of the simulated start (default now). */
  epochMs?: number;
}

interface Pending {
  receiver: number;
  n: number;
  startMs: number;
}

/** Runs the whole trial on virtual nodes; resolves with the summary written to summary.json. */
export async function simulateTrial(cfg: TrialConfig, o: SimTrialOptions): Promise<TrialSummary> {
  const trialId = cfg.id ?? makeTrialId(cfg.name);
  const policy = createPolicy(cfg.policy, {
    totalSteps: cfg.totalSteps,
    receiverVariant: cfg.receiverVariant,
  });
  const snr = createSnrProcess(await loadSnrTrace(cfg.snr, (p) => fs.readFile(p, 'utf8')), {
    seed: cfg.seeds.base,
  });
  const prompts = await resolvePrompts(cfg, o.bundleDir);
  const stepTime = requestStepTime(cfg);
  const R = cfg.receivers.ids?.length ?? cfg.receivers.count ?? o.receivers;
  const node = (
    id: string,
    share: number,
    stepMs: number,
    announcedMs: number,
    statedMs: number | null,
  ): VirtualNode => ({ id, share, stepMs, announcedMs, statedMs, freeAt: 0, inFlight: 0 });
  const { timing } = o.model;
  const { announced } = timing;
  const edge = node(
    'sim-edge-0',
    o.edgeShare,
    timing.edgeStepMs,
    announced.edgeStepMs,
    stepTime?.edgeMs ?? null,
  );
  const receivers = Array.from({ length: R }, (_, j) =>
    node(
      cfg.receivers.ids?.[j] ?? `sim-rx-${j}`,
      o.receiverShare,
      timing.receiverStepMs,
      announced.receiverStepMs,
      stepTime?.receiverMs ?? null,
    ),
  );
  const recorder = await Recorder.open(o.runsDir, trialId, trialConfigToYaml(cfg));
  const epoch = o.epochMs ?? Date.now();

  const offsets = receivers.map((_, j) =>
    arrivalOffsetsMs(cfg.arrival, cfg.seeds.base, j, R, cfg.requestsPerReceiver),
  );
  const queue: Pending[] = receivers.map((_, j) => ({ receiver: j, n: 0, startMs: offsets[j]?.[0] ?? 0 }));
  const records: RecordMessage[] = [];
  // Requests are served in the order they start, so the edge's queue is first come, first served.
  while (queue.length > 0) {
    queue.sort((a, b) => a.startMs - b.startMs || a.receiver - b.receiver);
    const p = queue.shift()!;
    const index = p.n * R + p.receiver;
    const rx = receivers[p.receiver]!;
    const ctx: DecisionContext = {
      trialId,
      requestId: requestIdFor(trialId, index),
      index,
      prompt: prompts[index % prompts.length]!,
      snrDb: snr.snrDb(index, p.startMs / 1000),
      bandwidthHz: cfg.channel.link.bandwidthHz,
      latency: cfg.latency,
      totalSteps: cfg.totalSteps,
      edge: nodeView(edge),
      receiver: nodeView(rx),
    };
    const decision = checkDecision(
      await policy.decide(ctx),
      cfg.totalSteps,
      policy.name,
      cfg.receiverVariant,
    );
    const rng = createRng(mixSeed(cfg.seeds.base, 0x5157, index));
    const record = serveVirtually(o.model, cfg, ctx, decision, {
      edge,
      rx,
      rng,
      startMs: p.startMs,
      epoch,
      policy: policy.name,
    });
    const inputs = policy.inputsOf?.(ctx.requestId);
    const final = inputs ? { ...record, policyInputs: inputs } : record;
    records.push(final);
    policy.observe?.(final, ctx, decision);
    const next = p.n + 1;
    if (next < cfg.requestsPerReceiver) {
      const closedLoopAt = final.completedAt - epoch;
      queue.push({ receiver: p.receiver, n: next, startMs: offsets[p.receiver]?.[next] ?? closedLoopAt });
    }
  }
  // records.jsonl is in completion order, as a coordinator writes it.
  records.sort((a, b) => a.completedAt - b.completedAt);
  for (const r of records) await recorder.write(r);
  const policyFiles = policy.finish ? await policy.finish({ trialId, runDir: recorder.files.dir }) : [];
  const endedAt = Math.max(epoch, ...records.map((r) => r.completedAt));
  const summary = buildSummary({
    trialId,
    name: cfg.name,
    status: 'completed',
    reason: null,
    policy: policy.name,
    totalSteps: cfg.totalSteps,
    planned: R * cfg.requestsPerReceiver,
    receiverIds: receivers.map((r) => r.id),
    startedAt: epoch,
    endedAt,
    records: recorder.records(),
    files: recorder.files,
    policyFiles,
  });
  await recorder.writeSummary(summary);
  await recorder.close();
  await fs.writeFile(
    path.join(recorder.files.dir, SIM_INFO_FILE),
    JSON.stringify(
      {
        simulated: true,
        timing: timing.source,
        calibration: o.calibrationSource,
        qualityNoiseStd: o.model.profile.quality.noiseStd,
        // stepMs: the measured median step; announcedMs: what the policy was shown (full share).
        edge: describe(edge),
        receivers: receivers.map(describe),
      },
      null,
      2,
    ) + '\n',
  );
  return summary;
}

function describe(n: VirtualNode): Record<string, unknown> {
  return { id: n.id, share: n.share, stepMs: n.stepMs, announcedMs: n.announcedMs, statedMs: n.statedMs };
}

interface ServeState {
  policy: string;
  edge: VirtualNode;
  rx: VirtualNode;
  rng: Rng;
  startMs: number;
  epoch: number;
}

/** One request through its attempts (quality-gate regenerations) to its final record. */
function serveVirtually(
  m: SimModel,
  cfg: TrialConfig,
  ctx: DecisionContext,
  decision: Required<Decision>,
  s: ServeState,
): RecordMessage {
  const seed = cfg.seeds.base + ctx.index;
  const useEdge = decision.edgeSteps > 0;
  const request = { cfg, snrDb: ctx.snrDb, decision, seed, edge: useEdge ? s.edge : null, receiver: s.rx };
  const samples = m.timing.samples;
  let at = s.startMs;
  let attempt: SimAttempt;
  let regenerations = 0;
  const total = {
    queueMs: 0,
    textEncodeMs: 0,
    edgeStepsMs: 0,
    txEmulatedMs: 0,
    receiverStepsMs: 0,
    decodeMs: 0,
    qualityMs: 0,
  };
  for (;;) {
    const sample = samples[s.rng.int(samples.length)]!;
    attempt = simulateAttempt(m, request, sample, at, regenerationSeed(seed, regenerations), s.rng);
    for (const k of Object.keys(total) as (keyof typeof total)[]) total[k] += attempt[k];
    const gate = cfg.qualityGate;
    const endToEndMs = attempt.endMs - s.startMs;
    const regenerate =
      gate !== null &&
      attempt.consistency < gate.minConsistency &&
      regenerations < gate.maxRegenerations &&
      endToEndMs < cfg.latency.failureS * 1000;
    if (!regenerate) break;
    regenerations += 1;
    at = attempt.endMs;
  }
  const endToEndMs = attempt.endMs - s.startMs;
  const failed = endToEndMs / 1000 > cfg.latency.failureS;
  const meta = attempt.tx?.meta ?? null;
  return {
    v: PROTOCOL_VERSION,
    type: 'record',
    trialId: ctx.trialId,
    requestId: ctx.requestId,
    receiverId: s.rx.id,
    edgeId: useEdge ? s.edge.id : null,
    coordinatorId: COORDINATOR_ID,
    prompt: ctx.prompt,
    seed: regenerationSeed(seed, regenerations),
    totalSteps: cfg.totalSteps,
    edgeSteps: decision.edgeSteps,
    deliver: decision.deliver,
    policy: s.policy,
    checkpointId: decision.checkpointId,
    receiverVariant: decision.deliver === 'image' ? null : decision.receiverVariant,
    channelMode: meta?.mode ?? 'ideal',
    snrDbSet: ctx.snrDb,
    snrDbMeasured: meta?.snrDbMeasured ?? null,
    noiseVariance: meta?.noiseVariance ?? 0,
    hRe: meta?.hRe ?? 1,
    hIm: meta?.hIm ?? 0,
    timings: { ...total, transportMs: attempt.hopMs, endToEndMs },
    payloadBytes: meta
      ? Math.ceil((decision.deliver === 'image' ? m.imageBits : m.latentElements * 32) / 8)
      : 0,
    quality: { psnr: null, ssim: null, consistency: attempt.consistency },
    latency: cfg.latency,
    satisfaction: failed ? 0 : satisfactionOf(endToEndMs, cfg.latency),
    failed,
    failure: failed
      ? {
          code: 'DEADLINE_EXCEEDED',
          reason: `served in ${(endToEndMs / 1000).toFixed(2)} s, over the ${cfg.latency.failureS} s failure limit`,
        }
      : null,
    retries: regenerations,
    attempt: regenerations,
    receiver: virtualCapabilities(s.rx),
    edge: useEdge ? virtualCapabilities(s.edge) : null,
    startedAt: s.epoch + s.startMs,
    completedAt: s.epoch + attempt.endMs,
    ...(requestStepTime(cfg) ? { stepTime: requestStepTime(cfg)! } : {}),
    ...(meta?.phy ? { phy: meta.phy } : {}),
  };
}
