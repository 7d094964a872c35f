/**
 * Structured logs (pino) with a namespace per component (`edge`, `receiver`, …). Level from
 * SEMAIGC_LOG_LEVEL (default 'info'; tests set 'silent' or 'warn').
 */
import pino, { type Logger } from 'pino';

export type { Logger };

export function createLogger(ns: string, level = process.env['SEMAIGC_LOG_LEVEL'] ?? 'info'): Logger {
  return pino({ level, base: { ns } });
}
