/**
 * What the page and its inference worker say to each other. The worker owns onnxruntime-web
 * (its wasm threads, its sessions); the page keeps the pipeline's few microseconds of
 * JavaScript per step (scheduler, guidance, checks) and the socket, so a heartbeat is never
 * stuck behind a UNet call. Every request carries an id; the reply with the same id resolves
 * it. Tensors travel as plain typed arrays (structured clone; outputs are transferred).
 */
import type { InferenceSession, Tensor } from 'onnxruntime-web';

/**
 * Which onnxruntime-web build runs the wasm backend:
 *   'plain'  ort-wasm-simd-threaded (wasm only, 14 MB binary)
 *   'jsep'   ort-wasm-simd-threaded.jsep (wasm + WebGPU through JSEP, 28 MB binary)
 */
export type OrtBuild = 'plain' | 'jsep';
export const ORT_BUILDS: readonly OrtBuild[] = ['plain', 'jsep'];

export interface OrtSetup {
  build: OrtBuild;
  /** wasm threads (1 = no pthreads). */
  threads: number;
  /** ORT's own proxy worker (`env.wasm.proxy`): only meaningful when ORT runs on the page. */
  proxy?: boolean;
}

/**
 * float32/int32 for the project's bundle; int64 (CLIP input_ids, Optimum's timestep) and
 * float16 (half-precision exports, binary16 bits) for standard Stable Diffusion exports.
 */
export type WireTensor =
  | { type: 'float32'; dims: readonly number[]; data: Float32Array }
  | { type: 'int32'; dims: readonly number[]; data: Int32Array }
  | { type: 'int64'; dims: readonly number[]; data: BigInt64Array }
  | { type: 'float16'; dims: readonly number[]; data: Uint16Array };

export const WIRE_TYPES: readonly WireTensor['type'][] = ['float32', 'int32', 'int64', 'float16'];

/** Rebuilds a wire tensor with `T`, onnxruntime-web's Tensor class of the receiving side. */
export function fromWire(T: typeof Tensor, w: WireTensor): Tensor {
  switch (w.type) {
    case 'float32':
      return new T('float32', w.data, w.dims);
    case 'int32':
      return new T('int32', w.data, w.dims);
    case 'int64':
      return new T('int64', w.data, w.dims);
    case 'float16':
      return new T('float16', w.data, w.dims);
  }
}

/** A tensor as a wire tensor (its data not copied); throws for dtypes the wire does not carry. */
export function asWire(t: Tensor, what: string): WireTensor {
  if (!(WIRE_TYPES as readonly string[]).includes(t.type))
    throw new TypeError(`${what}: dtype ${t.type} is not supported by the inference worker`);
  return { type: t.type, dims: t.dims, data: t.data } as WireTensor;
}

export interface SessionInfo {
  session: number;
  inputNames: string[];
  outputNames: string[];
  inputMetadata: InferenceSession.ValueMetadata[];
  outputMetadata: InferenceSession.ValueMetadata[];
}

export interface RunResult {
  outputs: Record<string, WireTensor>;
  /** Wall time of `session.run` inside the worker, ms (the rest of a step is the page's). */
  runMs: number;
}

export type WorkerRequest =
  | { id: number; op: 'init'; setup: OrtSetup }
  | { id: number; op: 'create'; bytes: Uint8Array; options: InferenceSession.SessionOptions }
  | {
      id: number;
      op: 'run';
      session: number;
      feeds: Record<string, WireTensor>;
      /** Output names to fetch (default: all). */
      fetches?: string[];
    }
  | { id: number; op: 'release'; session: number };

export interface WorkerResults {
  init: { crossOriginIsolated: boolean; threads: number };
  create: SessionInfo;
  run: RunResult;
  release: null;
}

export type WorkerReply =
  | { id: number; ok: true; result: WorkerResults[keyof WorkerResults] }
  | { id: number; ok: false; error: string };
