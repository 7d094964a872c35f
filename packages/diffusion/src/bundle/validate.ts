/** zod glue for the bundle's JSON files: one `BundleError` naming the file and the first bad field. */
import { pathOf } from '@semaigc/protocol';
import type { z } from 'zod';
import { BundleError } from '../errors';

/** `schema.parse(json)`, or a BundleError `<file>: <field> <problem>`. */
export function parseBundleJson<S extends z.ZodType>(schema: S, json: unknown, file: string): z.output<S> {
  const r = schema.safeParse(json);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  const field = issue.path.length > 0 ? pathOf(issue.path) : '(root)';
  const more = r.error.issues.length > 1 ? ` (+${r.error.issues.length - 1} more)` : '';
  throw new BundleError(`${file}: ${field} ${issue.message}${more}`, { cause: r.error });
}
