/**
 * One request of a simulated trial, attempt by attempt, on the virtual nodes' clocks:
 *
 *   edge:      wait for the edge, text encoding + a steps (root's latency model, eq. 19–20)
 *   link:      the real channel code (packages/channel `createChannel().transmit`, and
 *              `transmitImage` for Edge AIGC) on a seeded latent: the same σ², h, measured
 *              SNR, physical layer (channel uses, MCS, HARQ) and emulated hold as live
 *   receiver:  wait for the receiver, T̂ − a steps + decode (root's latency model), the
 *              caption checker and, when asked, the reference generation
 *   rest:      the lab's hops and bookkeeping (`hopMs` of the resampled lab record)
 *
 * Step times follow the pad rule (max(measured, stated)/p). The caption consistency of an
 * attempt is root's measured quality surface at (T̂ − a, SNR) plus its residual spread
 * (`measuredProfile`), so the trial's quality gate regenerates as it would live; each
 * regeneration is a new request to the edge (text encoding again), as live.
 */
import { createChannel, transmitImage, type TransmitResult } from '@semaigc/channel';
import type { Decision, TrialConfig } from '@semaigc/coordinator';
import { satisfaction } from '@semaigc/metrics';
import type { LatencyRequirement } from '@semaigc/protocol';
import {
  attemptLatency,
  expectedQuality,
  setupLatency,
  type Decision as SimDecision,
  type QualityTable,
  type RequestConditions,
  type Rng,
  type ServiceProfile,
} from '@semaigc/root';
import type { LabTiming, StageSample } from './lab-timing';
import { effectiveStepMs, type VirtualNode } from './virtual-nodes';

export interface SimModel {
  /** The measured profile (root's `measuredProfile`): the quality surface and its spread. */
  profile: ServiceProfile;
  table: QualityTable;
  timing: LabTiming;
  /** Elements of the transmitted latent (the bundle's 4×(H/8)×(W/8)). */
  latentElements: number;
  /** Bits of Edge AIGC's image. */
  imageBits: number;
}

export interface SimAttempt {
  /** Simulation clock, ms. */
  startMs: number;
  endMs: number;
  queueMs: number;
  textEncodeMs: number;
  edgeStepsMs: number;
  txEmulatedMs: number;
  receiverStepsMs: number;
  decodeMs: number;
  qualityMs: number;
  hopMs: number;
  consistency: number;
  tx: TransmitResult | null;
}

export interface SimRequest {
  cfg: TrialConfig;
  seed: number;
  snrDb: number;
  decision: Required<Decision>;
  edge: VirtualNode | null;
  receiver: VirtualNode;
}

function schemeOf(d: Required<Decision>): SimDecision {
  if (d.deliver === 'image') return { scheme: 'edge-image', edgeSteps: d.edgeSteps };
  if (d.edgeSteps === 0) return { scheme: 'local', edgeSteps: 0 };
  return { scheme: 'split', edgeSteps: d.edgeSteps };
}

function requirementOf(l: LatencyRequirement): { targetS: number; limitS: number; failureLimitS: number } {
  return { targetS: l.minS, limitS: l.maxS, failureLimitS: l.failureS };
}

/** The satisfaction the receiver would report for this end-to-end time. */
export function satisfactionOf(endToEndMs: number, l: LatencyRequirement): number {
  return satisfaction(endToEndMs / 1000, requirementOf(l));
}

/** One attempt starting at `startMs`; advances the nodes' `freeAt`. */
export function simulateAttempt(
  m: SimModel,
  r: SimRequest,
  sample: StageSample,
  startMs: number,
  attemptSeed: number,
  rng: Rng,
): SimAttempt {
  const { cfg, decision, edge, receiver } = r;
  const d = schemeOf(decision);
  const edgeStep = edge ? effectiveStepMs({ ...edge, stepMs: sample.edgeStepMs ?? m.timing.edgeStepMs }) : 0;
  const rxStep = effectiveStepMs({ ...receiver, stepMs: sample.receiverStepMs ?? m.timing.receiverStepMs });
  // Root's model takes full-share step times and the shares; the pad rule is folded into the
  // step (stated / p = max(measured, stated) / p when the node is faster than stated).
  const c: RequestConditions = {
    edgeStepS: (edgeStep * (edge?.share ?? 1)) / 1000,
    deviceStepS: (rxStep * receiver.share) / 1000,
    snrDb: r.snrDb,
    edgeShare: edge?.share ?? 1,
    deviceCapability: receiver.share,
    bandwidthHz: cfg.channel.link.bandwidthHz,
    targetS: cfg.latency.minS,
    limitS: cfg.latency.maxS,
  };
  const profile: ServiceProfile = {
    ...m.profile,
    totalSteps: cfg.totalSteps,
    textEncodeS: sample.textEncodeMs / 1000,
    vaeDecodeS: sample.decodeMs / 1000,
    overheadS: 0,
  };
  const setup = setupLatency(profile, c, d);
  const attempt = attemptLatency(profile, c, d);

  let queueMs = 0;
  let arrive = startMs;
  let tx: TransmitResult | null = null;
  let edgeStepsMs = 0;
  if (d.scheme !== 'local' && edge) {
    const begin = Math.max(startMs, edge.freeAt);
    queueMs += begin - startMs;
    edgeStepsMs = decision.edgeSteps * edgeStep;
    const busy = (setup.edgeS + attempt.edgeS) * 1000;
    edge.freeAt = begin + busy;
    tx = transmitSeeded(m, cfg, r.snrDb, attemptSeed, d.scheme === 'edge-image', rng);
    arrive = edge.freeAt + tx.holdSeconds * 1000;
  }
  const rxBegin = Math.max(arrive, receiver.freeAt);
  queueMs += rxBegin - arrive;
  const rxSteps =
    d.scheme === 'local' ? cfg.totalSteps : d.scheme === 'edge-image' ? 0 : cfg.totalSteps - d.edgeSteps;
  const receiverStepsMs = rxSteps * rxStep;
  const rawEdgeStep = sample.edgeStepMs ?? m.timing.edgeStepMs;
  // The reference generation runs unpadded on the receiver (edge-speed steps on the same model).
  const referenceMs = cfg.computeReference
    ? cfg.totalSteps * rawEdgeStep + sample.textEncodeMs + sample.decodeMs
    : 0;
  const qualityMs = sample.checkerMs + referenceMs;
  receiver.freeAt = rxBegin + (setup.deviceS + attempt.deviceS) * 1000 + qualityMs;
  const endMs = receiver.freeAt + sample.hopMs;

  const q = expectedQuality(profile, m.table, c, d);
  const consistency = Math.min(1, Math.max(0, q + m.profile.quality.noiseStd * rng.normal()));
  return {
    startMs,
    endMs,
    queueMs,
    textEncodeMs: sample.textEncodeMs,
    edgeStepsMs,
    txEmulatedMs: tx ? tx.holdSeconds * 1000 : 0,
    receiverStepsMs,
    decodeMs: sample.decodeMs,
    qualityMs,
    hopMs: sample.hopMs,
    consistency,
    tx,
  };
}

/** The channel on a seeded Gaussian latent of the bundle's size, at this request's SNR (or Edge AIGC's image bits). */
function transmitSeeded(
  m: SimModel,
  cfg: TrialConfig,
  snrDb: number,
  seed: number,
  image: boolean,
  rng: Rng,
): TransmitResult {
  const latent = new Float32Array(m.latentElements);
  for (let i = 0; i < latent.length; i++) latent[i] = rng.normal();
  if (!image) return createChannel({ ...cfg.channel, snrDb }).transmit(latent, { seed });
  // As the live edge: the image's bits over the adapted digital link, HARQ paid in time.
  return { output: latent, erased: null, ...transmitImage(m.imageBits, { ...cfg.channel, snrDb }, { seed }) };
}
