/**
 * onnxruntime as @semaigc/diffusion sees it (`OrtModule`), backed by the inference worker:
 * `InferenceSession.create` creates the session in the worker, `run` sends the feeds there
 * and resolves with the outputs. The pipeline code is unchanged; only ORT's work moves off
 * the page's main thread. Tensors on this side are onnxruntime-web's own `Tensor` class.
 */
import type { OrtModule } from '@semaigc/diffusion';
import type { InferenceSession, Tensor } from 'onnxruntime-web';
import { InferenceWorkerError } from '../errors';
import type { RunClock } from './run-clock';
import {
  asWire,
  fromWire,
  type OrtSetup,
  type RunResult,
  type SessionInfo,
  type WireTensor,
  type WorkerReply,
  type WorkerRequest,
  type WorkerResults,
} from './messages';

type TensorClass = typeof Tensor;
type Op = WorkerRequest['op'];
type Body<K extends Op> = Omit<Extract<WorkerRequest, { op: K }>, 'id' | 'op'>;

export class InferenceWorker {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private dead: Error | null = null;
  readonly clock: RunClock = { runs: 0, ortMs: 0 };

  private constructor(private readonly worker: Worker) {
    worker.onmessage = (ev: MessageEvent<WorkerReply>) => {
      const r = ev.data;
      const p = this.pending.get(r.id);
      if (!p) return;
      this.pending.delete(r.id);
      if (r.ok) p.resolve(r.result);
      else p.reject(new InferenceWorkerError(`inference worker: ${r.error}`));
    };
    worker.onerror = (ev) => this.fail(new InferenceWorkerError(`inference worker crashed: ${ev.message}`));
    worker.onmessageerror = () =>
      this.fail(new InferenceWorkerError('inference worker: a reply could not be read'));
  }

  /** Starts the worker and loads ORT in it; resolves once ORT is configured there. */
  static async start(setup: OrtSetup): Promise<InferenceWorker> {
    const w = new InferenceWorker(
      new Worker(new URL('./inference-worker.ts', import.meta.url), {
        type: 'module',
        name: 'semaigc-inference',
      }),
    );
    await w.call('init', { setup });
    return w;
  }

  private fail(err: Error): void {
    this.dead = err;
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }

  call<K extends Op>(op: K, body: Body<K>): Promise<WorkerResults[K]> {
    if (this.dead) return Promise.reject(this.dead);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.worker.postMessage({ id, op, ...body });
    });
  }

  terminate(): void {
    this.worker.terminate();
    this.fail(new InferenceWorkerError('inference worker terminated'));
  }
}

class RemoteSession implements InferenceSession {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  readonly inputMetadata: readonly InferenceSession.ValueMetadata[];
  readonly outputMetadata: readonly InferenceSession.ValueMetadata[];

  constructor(
    private readonly w: InferenceWorker,
    private readonly T: TensorClass,
    private readonly info: SessionInfo,
  ) {
    this.inputNames = info.inputNames;
    this.outputNames = info.outputNames;
    this.inputMetadata = info.inputMetadata;
    this.outputMetadata = info.outputMetadata;
  }

  async run(
    feeds: InferenceSession.FeedsType,
    fetchesOrOptions?: InferenceSession.FetchesType | InferenceSession.RunOptions,
  ): Promise<InferenceSession.ReturnType> {
    const wire: Record<string, WireTensor> = {};
    for (const [name, t] of Object.entries(feeds)) wire[name] = asWire(t, `feed '${name}'`);
    // Only output names are forwarded; preallocated output tensors stay a main-thread feature.
    const fetches = Array.isArray(fetchesOrOptions) ? fetchesOrOptions : undefined;
    const res: RunResult = await this.w.call('run', { session: this.info.session, feeds: wire, fetches });
    this.w.clock.runs++;
    this.w.clock.ortMs += res.runMs;
    const out: Record<string, Tensor> = {};
    for (const [name, o] of Object.entries(res.outputs)) out[name] = fromWire(this.T, o);
    return out;
  }

  async release(): Promise<void> {
    await this.w.call('release', { session: this.info.session });
  }

  startProfiling(): void {}

  endProfiling(): void {}
}

/** An `OrtModule` whose sessions live in `w`. */
export async function remoteOrt(w: InferenceWorker): Promise<OrtModule> {
  // The plain build's JS (50 kB) gives the Tensor class; its wasm is never loaded here.
  const { Tensor } = await import('onnxruntime-web/wasm');
  return {
    InferenceSession: {
      create: async (bytes: Uint8Array, options?: InferenceSession.SessionOptions) =>
        new RemoteSession(w, Tensor, await w.call('create', { bytes, options: options ?? {} })),
    },
    Tensor,
  };
}

export type { RunClock } from './run-clock';
