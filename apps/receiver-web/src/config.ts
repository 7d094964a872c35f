/**
 * What the page reads from its URL. Everything has a default, so a phone only needs
 * `/r/?join=<code>`; the other parameters are for experiments and tests:
 *
 *   join=<code>        the coordinator's join code (else the page asks for it)
 *   share=<p>          compute share p ∈ (0, 1]: each receiver step is stretched to measured/p
 *   backend=auto|wasm|webgpu   auto tries WebGPU and falls back to wasm
 *   threads=<n>        wasm threads (default min(4, cores − 1) when cross-origin isolated, else 1)
 *   inference=worker|main      where onnxruntime-web runs (default: a worker, off the main thread)
 *   build=plain|jsep   onnxruntime-web's wasm build for the wasm backend (default plain)
 *   memoryLimitMb=<n>  refuse a model that needs more (default: from navigator.deviceMemory)
 *   node=<id>          use this node id instead of the one kept in localStorage
 *   name=<text>        the name the dashboard shows (default: browser and platform)
 *   bundle=<url>       model bundle base URL (default /bundle/ on this origin)
 *   socketPath=<path>  socket.io path (default /socket.io/)
 *   webrtc=auto|off    auto: use WebRTC when a trial asks for it and the browser can (default);
 *                      off: always socket.io (the coordinator records the fallback)
 */
import { isSubjectToken } from '@semaigc/protocol';
import { PageConfigError } from './errors';
import { ORT_BUILDS, type OrtBuild } from './inference/messages';

export const DEFAULT_BUNDLE_URL = '/bundle/';
export const DEFAULT_SOCKET_PATH = '/socket.io/';
export const DEFAULT_COMPUTE_SHARE = 1;
export { DEFAULT_MAX_THREADS } from './ort-env';
export const BACKEND_CHOICES = ['auto', 'wasm', 'webgpu'] as const;
export type BackendChoice = (typeof BACKEND_CHOICES)[number];
export const INFERENCE_MODES = ['worker', 'main'] as const;
/** Where onnxruntime-web runs: a dedicated worker (default) or the page's main thread. */
export type InferenceMode = (typeof INFERENCE_MODES)[number];

export interface PageConfig {
  joinCode: string | null;
  computeShare: number;
  backend: BackendChoice;
  /** null: the default for this browser (see `wasmThreads`). */
  threads: number | null;
  inference: InferenceMode;
  /** null: the default build (DEFAULT_WASM_BUILD). */
  build: OrtBuild | null;
  /** null: from the device (see inference/memory-limit.ts). */
  memoryLimitMb: number | null;
  nodeId: string | null;
  name: string | null;
  bundleUrl: string;
  socketPath: string;
  /** false: never open a WebRTC path (`webrtc=off`). */
  webrtc: boolean;
}

function bad(param: string, message: string): never {
  throw new PageConfigError(`URL parameter '${param}' ${message}`);
}

/** Parses `location.search`; throws PageConfigError naming the parameter. */
export function readPageConfig(search: string): PageConfig {
  const q = new URLSearchParams(search);
  const get = (k: string): string | null => {
    const v = q.get(k);
    return v === null || v.trim() === '' ? null : v.trim();
  };
  const shareText = get('share');
  const computeShare = shareText === null ? DEFAULT_COMPUTE_SHARE : Number(shareText);
  if (!(computeShare > 0 && computeShare <= 1))
    bad('share', `must be a number in (0, 1], got '${shareText}'`);
  const backendText = get('backend') ?? 'auto';
  if (!(BACKEND_CHOICES as readonly string[]).includes(backendText))
    bad('backend', `must be one of ${BACKEND_CHOICES.join(', ')}, got '${backendText}'`);
  const threadsText = get('threads');
  const threads = threadsText === null ? null : Number(threadsText);
  if (threads !== null && !(Number.isInteger(threads) && threads >= 1 && threads <= 64))
    bad('threads', `must be an integer in [1, 64], got '${threadsText}'`);
  const inference = get('inference') ?? 'worker';
  if (!(INFERENCE_MODES as readonly string[]).includes(inference))
    bad('inference', `must be one of ${INFERENCE_MODES.join(', ')}, got '${inference}'`);
  const build = get('build');
  if (build !== null && !(ORT_BUILDS as readonly string[]).includes(build))
    bad('build', `must be one of ${ORT_BUILDS.join(', ')}, got '${build}'`);
  const memText = get('memoryLimitMb');
  const memoryLimitMb = memText === null ? null : Number(memText);
  if (memoryLimitMb !== null && !(Number.isFinite(memoryLimitMb) && memoryLimitMb > 0))
    bad('memoryLimitMb', `must be a number of MiB > 0, got '${memText}'`);
  const nodeId = get('node');
  if (nodeId !== null && !isSubjectToken(nodeId))
    bad('node', `must be 1-64 characters of A-Z a-z 0-9 _ -, got '${String(nodeId).slice(0, 80)}'`);
  const name = get('name');
  const webrtc = get('webrtc') ?? 'auto';
  if (webrtc !== 'auto' && webrtc !== 'off')
    bad('webrtc', `must be auto or off, got '${webrtc.slice(0, 80)}'`);
  return {
    joinCode: get('join'),
    computeShare,
    backend: backendText as BackendChoice,
    threads,
    inference: inference as InferenceMode,
    build: build as OrtBuild | null,
    memoryLimitMb,
    nodeId,
    name: name === null ? null : name.slice(0, 128),
    bundleUrl: get('bundle') ?? DEFAULT_BUNDLE_URL,
    socketPath: get('socketPath') ?? DEFAULT_SOCKET_PATH,
    webrtc: webrtc === 'auto',
  };
}
