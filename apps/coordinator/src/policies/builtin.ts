/**
 * The built-in split policies (the SemAIGC paper's comparison schemes, section V):
 *
 * | kind           | a                 | receiver does                  | paper's name            |
 * | -------------- | ----------------- | ------------------------------ | ----------------------- |
 * | `fixed`        | `edgeSteps`       | T̂ − a steps (trial's variant)  | Non-ROOT SemAIGC (a = T̂/2) |
 * | `edge-only`    | T̂                 | decode only                    | Non-fine-tuning AIGC    |
 * | `local-only`   | 0                 | text encoding + T̂ steps        | Local AIGC              |
 * | `no-fine-tune` | `edgeSteps`       | T̂ − a steps, variant `naive`   | SemAIGC without fine-tuning |
 * | `edge-aigc`    | T̂, deliver image  | shows the image                | Edge AIGC               |
 */
import { z } from 'zod';
import type { Decision, SplitPolicy } from './policy';

export interface PolicyTrialInfo {
  totalSteps: number;
  /** The trial's receiver variant (default 'finetune'). */
  receiverVariant: string;
}

const edgeStepsField = z.number().int('must be an integer').min(0, 'must be >= 0');

export const fixedPolicySchema = z.strictObject({ kind: z.literal('fixed'), edgeSteps: edgeStepsField });
export const edgeOnlyPolicySchema = z.strictObject({ kind: z.literal('edge-only') });
export const localOnlyPolicySchema = z.strictObject({ kind: z.literal('local-only') });
export const noFineTunePolicySchema = z.strictObject({
  kind: z.literal('no-fine-tune'),
  edgeSteps: edgeStepsField,
});
export const edgeAigcPolicySchema = z.strictObject({ kind: z.literal('edge-aigc') });

function constant(name: string, decision: Decision): SplitPolicy {
  return { name, decide: () => decision };
}

export function fixedPolicy(cfg: z.output<typeof fixedPolicySchema>, t: PolicyTrialInfo): SplitPolicy {
  return constant('fixed', { edgeSteps: cfg.edgeSteps, receiverVariant: t.receiverVariant });
}

export function edgeOnlyPolicy(_cfg: unknown, t: PolicyTrialInfo): SplitPolicy {
  return constant('edge-only', { edgeSteps: t.totalSteps, receiverVariant: t.receiverVariant });
}

export function localOnlyPolicy(_cfg: unknown, t: PolicyTrialInfo): SplitPolicy {
  return constant('local-only', { edgeSteps: 0, receiverVariant: t.receiverVariant });
}

/** The receiver ignores the channel noise (variant 'naive'): the paper's ablation. */
export function noFineTunePolicy(cfg: z.output<typeof noFineTunePolicySchema>): SplitPolicy {
  return constant('no-fine-tune', { edgeSteps: cfg.edgeSteps, receiverVariant: 'naive' });
}

export function edgeAigcPolicy(_cfg: unknown, t: PolicyTrialInfo): SplitPolicy {
  return constant('edge-aigc', { edgeSteps: t.totalSteps, deliver: 'image', receiverVariant: null });
}
