/**
 * Structured logs (pino) with a namespace per component (`edge`, `receiver`, …). Level from
 * SEMAIGC_LOG_LEVEL (default 'info'; tests set 'silent' or 'warn').
 *
 * The namespace is in pino's `base`, so every line carries `ns` once. A component handed
 * such a logger adds its own ids with `child({ node })`, never `ns` again: pino does not
 * merge bindings, and a second `ns` would be written as a second key on every line.
 */
import pino, { type Logger } from 'pino';

export type { Logger };

export function createLogger(ns: string, level = process.env['SEMAIGC_LOG_LEVEL'] ?? 'info'): Logger {
  return pino({ level, base: { ns } });
}
