/**
 * What the page is doing, and `window.__receiver`, through which tests (and curious users
 * in the console) observe it without scraping the DOM.
 */
import type { RecordMessage } from '@semaigc/protocol';
import type { InferenceMode } from './config';
import type { OrtBuild } from './inference/messages';
import type { PageDeliveryTally } from './webrtc/page-delivery';

export type ReceiverState =
  'starting' | 'loading' | 'connecting' | 'ready' | 'working' | 'disconnected' | 'refused' | 'failed';

export interface ReceiverObservable {
  state: ReceiverState;
  /** The line the page shows next to the state. */
  detail: string;
  nodeId: string;
  backend: 'wasm' | 'webgpu' | null;
  threads: number;
  /** Where onnxruntime-web runs. */
  inference: InferenceMode;
  /** The onnxruntime-web wasm build in use; null until loaded. */
  build: OrtBuild | null;
  crossOriginIsolated: boolean;
  /** Measured receiver step (ms, before the compute-share stretch); null until measured. */
  stepMs: number | null;
  /**
   * Longest main-thread task (PerformanceObserver 'longtask', > 50 ms) seen while a job ran,
   * ms; null while none (or where the browser does not report long tasks).
   */
  longestTaskMs: number | null;
  lastRecord: RecordMessage | null;
  records: number;
  failed: number;
  /** Newest last, at most MAX_KEPT_ERRORS. */
  errors: string[];
  /**
   * Set when the page refuses to serve (the model does not fit the device's memory budget):
   * the wire code it reports, whether the coordinator acknowledged the report, and what
   * happened ('reporting', 'acknowledged by the coordinator', or why not).
   */
  refusal: { code: 'MODEL_TOO_LARGE'; reported: boolean; detail: string } | null;
  /**
   * WebRTC delivery: the path's state (idle until a trial asks for it), and the packets of the
   * payloads assembled so far; absent on a page that never got that far.
   */
  delivery?: PageDeliveryTally;
}

export const MAX_KEPT_ERRORS = 20;

declare global {
  interface Window {
    __receiver?: ReceiverObservable;
  }
}

export function publish(o: ReceiverObservable): ReceiverObservable {
  window.__receiver = o;
  return o;
}

export function keepError(o: ReceiverObservable, message: string): void {
  o.errors.push(message);
  if (o.errors.length > MAX_KEPT_ERRORS) o.errors.shift();
}
