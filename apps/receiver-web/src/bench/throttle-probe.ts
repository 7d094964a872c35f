/**
 * Does CPU throttling reach a dedicated worker? The same fixed JavaScript loop is timed on
 * the page's main thread and in a dedicated worker; the benchmark compares both against the
 * unthrottled run of the same page. DevTools' `Emulation.setCPUThrottlingRate` applies to a
 * page target (Chromium refuses it for worker targets: "Operation is only supported for
 * pages, not workers"), so whether the inference worker and ORT's wasm threads are slowed
 * with the page is measured here rather than assumed.
 */
import { timeEach } from './samples';

/** Iterations of the probe loop: tens of ms on this machine's core, unthrottled. */
export const PROBE_ITERATIONS = 5_000_000;

/** The loop; the worker gets its source, so both sides run exactly the same code. */
function probeLoop(n: number): number {
  let x = 0;
  for (let i = 0; i < n; i++) x += Math.sqrt(i) * 1.0000001;
  return x;
}

const WORKER_SRC = `const probeLoop = ${probeLoop.toString()};
onmessage = (e) => { const t0 = performance.now(); const x = probeLoop(e.data); postMessage({ ms: performance.now() - t0, x }); };`;

/**
 * `n` timings (ms) of the probe loop on the main thread and in a worker (each after one
 * untimed warm-up call). The worker's figure is its own clock around the loop, so message
 * latency is not in it.
 */
export async function throttleProbe(n: number): Promise<Record<string, number[]>> {
  const main = await timeEach(n, () => Promise.resolve(probeLoop(PROBE_ITERATIONS)));
  const url = URL.createObjectURL(new Blob([WORKER_SRC], { type: 'text/javascript' }));
  const worker = new Worker(url);
  try {
    const inWorker: number[] = [];
    const ask = (): Promise<number> =>
      new Promise((resolve, reject) => {
        worker.onmessage = (ev: MessageEvent<{ ms: number }>) => resolve(ev.data.ms);
        worker.onerror = (ev) => reject(new Error(`throttle probe worker: ${ev.message}`));
        worker.postMessage(PROBE_ITERATIONS);
      });
    await ask();
    for (let i = 0; i < n; i++) inWorker.push(await ask());
    return { 'probe loop: main thread': main, 'probe loop: worker': inWorker };
  } finally {
    worker.terminate();
    URL.revokeObjectURL(url);
  }
}
