/**
 * zod glue: every schema in this package is parsed through `parseWith`, which turns zod's
 * issues into one `ValidationError` naming the first offending field.
 */
import type { z } from 'zod';
import { ValidationError } from './errors';

export interface ParseOptions {
  /** Prefix naming where the value came from, e.g. `[request:abc] latent`. */
  context?: string;
}

/** `['tensor', 'shape', 2]` → `tensor.shape[2]`. */
export function pathOf(path: readonly PropertyKey[]): string {
  return path
    .map((p) => (typeof p === 'number' ? `[${p}]` : String(p)))
    .join('.')
    .replace(/\.\[/g, '[');
}

/**
 * Parses `value` with `schema`; throws `ValidationError` with the field path on failure.
 * `what` (e.g. 'channel config') is appended as ` in <what>`; pass '' to leave it out when
 * `options.context` already says where.
 */
export function parseWith<S extends z.ZodType>(
  schema: S,
  value: unknown,
  what: string,
  options: ParseOptions = {},
): z.output<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const path = issue ? pathOf(issue.path) : '';
  const more = r.error.issues.length > 1 ? ` (+${r.error.issues.length - 1} more)` : '';
  const where = what ? ` in ${what}` : '';
  throw new ValidationError(path, `${issue?.message ?? 'invalid'}${where}${more}`, {
    cause: r.error,
    ...(options.context === undefined ? {} : { context: options.context }),
  });
}
