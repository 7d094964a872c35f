/**
 * zod glue: every schema in this package is parsed through `parseWith`, which turns zod's
 * issues into one `ValidationError` naming the first offending field.
 */
import type { z } from 'zod';
import { ValidationError } from './errors';

function pathOf(path: readonly PropertyKey[]): string {
  return path
    .map((p) => (typeof p === 'number' ? `[${p}]` : String(p)))
    .join('.')
    .replace(/\.\[/g, '[');
}

/** Parses `value` with `schema`; throws `ValidationError` with the field path on failure. */
export function parseWith<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const path = issue ? pathOf(issue.path) : '';
  const more = r.error.issues.length > 1 ? ` (+${r.error.issues.length - 1} more)` : '';
  throw new ValidationError(path, `${issue?.message ?? 'invalid'} in ${what}${more}`, { cause: r.error });
}
