import { RECEIVER_VARIANTS, type ReceiverVariant } from '@semaigc/diffusion';
import { UnknownVariantError } from './errors';

/**
 * The receiver variant for a request. Chosen by measurement (packages/diffusion README,
 * split ablation); the request's `receiverVariant` overrides it, and the 'no-fine-tune'
 * policy means the naive step.
 */
export const DEFAULT_RECEIVER_VARIANT: ReceiverVariant = 'remap';

export function resolveVariant(
  request: { receiverVariant: string | null; policy: string },
  fallback: ReceiverVariant = DEFAULT_RECEIVER_VARIANT,
): ReceiverVariant {
  if (request.policy === 'no-fine-tune') return 'naive';
  const v = request.receiverVariant;
  if (v === null) return fallback;
  if ((RECEIVER_VARIANTS as readonly string[]).includes(v)) return v as ReceiverVariant;
  throw new UnknownVariantError(`receiverVariant '${v}' is not one of ${RECEIVER_VARIANTS.join(', ')}`);
}
