/**
 * zod glue for the data ROOT reads (checkpoints, split-benchmark calibrations, service
 * profiles): the first issue becomes the package's own error, naming the field.
 */
import { pathOf } from '@semaigc/protocol';
import type { z } from 'zod';

/** `schema.parse(value)`, or the error `fail` builds from the first issue (`field` like `a.b[0].c`). */
export function parseOrThrow<S extends z.ZodType>(
  schema: S,
  value: unknown,
  fail: (field: string, message: string, cause: z.ZodError) => Error,
): z.output<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  throw fail(pathOf(issue.path), issue.message, r.error);
}

/** The offending value as JSON (numbers as they print: NaN, Infinity; undefined as itself). */
function show(v: unknown): string {
  if (typeof v === 'number' || v === undefined) return String(v);
  return JSON.stringify(v) ?? typeof v;
}

/** A zod error option saying what was wanted and what came: `must be <want>, got <input>`. */
export function wanted(want: string): { error: (issue: { input?: unknown }) => string } {
  return { error: (issue) => `must be ${want}, got ${show(issue.input)}` };
}
