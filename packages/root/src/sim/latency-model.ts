/**
 * Latency of one generation attempt, L = L1 + L2 + L3 (SemAIGC paper, eq. 19–20):
 *
 *   L1 = O / v,  v = B·log2(1 + SNR)                      transmission of O bits
 *   L2 = a·t_e / p + l                                    edge: a UNet steps at share p
 *   L3 = (T̂ − a)·t_d / c + t_vae / c                      device: fine-tuning steps + VAE
 *
 * where t_e, t_d are the per-step times at full capability (eq. 20's W(T)·O_s/ν·(1 − τ + τ/m)),
 * p the edge's compute share (PACR), c the device's relative capability. Text encoding
 * (t_text / p, on the edge) happens once per request, not per attempt.
 *
 * The three schemes of the paper's comparison:
 * - `split` (SemAIGC, Non-ROOT SemAIGC, Non-fine-tuning AIGC when a = T̂): as above;
 * - `edge-image` (Edge AIGC): the edge runs all T̂ steps and the VAE decoder, then sends the
 *   image's bits; the edge's VAE time is t_vae scaled by the edge/device speed ratio t_e/t_d;
 * - `local` (Local AIGC): the device runs everything including text encoding (t_text scaled
 *   by t_d/t_e); nothing crosses the link.
 */
import type { RequestConditions } from './conditions';
import type { ServiceProfile } from './profile';

export type Scheme = 'split' | 'edge-image' | 'local';
export const SCHEMES: readonly Scheme[] = ['split', 'edge-image', 'local'];

/** What a policy decides for a request: the scheme and the edge's share a of the T̂ steps. */
export interface Decision {
  scheme: Scheme;
  edgeSteps: number;
}

/** Time spent per component, s. */
export interface LatencyParts {
  edgeS: number;
  transmitS: number;
  deviceS: number;
}

export function partsTotal(p: LatencyParts): number {
  return p.edgeS + p.transmitS + p.deviceS;
}

/** Shannon rate v = B·log2(1 + SNR_linear), bit/s (eq. 19). */
export function linkRateBps(bandwidthHz: number, snrDb: number): number {
  return bandwidthHz * Math.log2(1 + 10 ** (snrDb / 10));
}

function checkDecision(profile: ServiceProfile, d: Decision): void {
  if (!Number.isInteger(d.edgeSteps) || d.edgeSteps < 0 || d.edgeSteps > profile.totalSteps) {
    throw new TypeError(
      `decision.edgeSteps must be an integer in [0, ${profile.totalSteps}], got ${d.edgeSteps}`,
    );
  }
}

/** Once per request, before the first attempt: text encoding. */
export function setupLatency(profile: ServiceProfile, c: RequestConditions, d: Decision): LatencyParts {
  if (d.scheme === 'local') {
    return {
      edgeS: 0,
      transmitS: 0,
      deviceS: (profile.textEncodeS * (c.deviceStepS / c.edgeStepS)) / c.deviceCapability,
    };
  }
  return { edgeS: profile.textEncodeS / c.edgeShare, transmitS: 0, deviceS: 0 };
}

/** One attempt: denoising, transmission and decoding. */
export function attemptLatency(profile: ServiceProfile, c: RequestConditions, d: Decision): LatencyParts {
  checkDecision(profile, d);
  const T = profile.totalSteps;
  const rate = linkRateBps(c.bandwidthHz, c.snrDb);
  switch (d.scheme) {
    case 'split':
      return {
        edgeS: (d.edgeSteps * c.edgeStepS) / c.edgeShare + profile.overheadS,
        transmitS: profile.latentBits / rate,
        deviceS: ((T - d.edgeSteps) * c.deviceStepS + profile.vaeDecodeS) / c.deviceCapability,
      };
    case 'edge-image':
      return {
        edgeS:
          (T * c.edgeStepS + profile.vaeDecodeS * (c.edgeStepS / c.deviceStepS)) / c.edgeShare +
          profile.overheadS,
        transmitS: profile.imageBits / rate,
        deviceS: 0,
      };
    case 'local':
      return {
        edgeS: 0,
        transmitS: 0,
        deviceS: (T * c.deviceStepS + profile.vaeDecodeS) / c.deviceCapability + profile.overheadS,
      };
    default:
      throw new TypeError(`decision.scheme must be one of ${SCHEMES.join(', ')}, got ${String(d.scheme)}`);
  }
}
