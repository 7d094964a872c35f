/**
 * Time ORT spent inside `session.run`, summed over calls (for the benchmark). On its own so that
 * Node-side code (the browser benchmark's ort-node run) can share the type without type-checking
 * the worker code, which uses `import.meta.url`.
 */
export interface RunClock {
  runs: number;
  ortMs: number;
}
