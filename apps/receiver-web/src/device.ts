/**
 * What this browser is, for hello and for every record: the runtime (browser name and
 * version), and the device profile the paper's device-compute figures refer to.
 */
import type { DeviceProfile, InferenceBackend } from '@semaigc/protocol';

/** Navigator fields that lib.dom does not declare (Chromium-only or newer). */
interface NavigatorExtras {
  deviceMemory?: number;
  userAgentData?: { brands?: { brand: string; version: string }[]; platform?: string };
}

function extras(): NavigatorExtras {
  return navigator as unknown as NavigatorExtras;
}

// Most specific first: Edge and Opera also say "Chrome", and Chrome also says "Safari".
const UA_PATTERNS: [name: string, re: RegExp][] = [
  ['Edge', /Edg(?:e|A|iOS)?\/([\d.]+)/],
  ['Opera', /OPR\/([\d.]+)/],
  ['Samsung Internet', /SamsungBrowser\/([\d.]+)/],
  ['Firefox', /(?:Firefox|FxiOS)\/([\d.]+)/],
  ['Chromium', /Chromium\/([\d.]+)/],
  ['Chrome', /(?:Chrome|CriOS)\/([\d.]+)/],
  ['Safari', /Version\/([\d.]+).*Safari\//],
];

/** "Chrome 156" from a user agent string; "browser" when nothing matches. */
export function browserVersion(userAgent: string): string {
  for (const [name, re] of UA_PATTERNS) {
    const m = re.exec(userAgent);
    if (m?.[1]) return `${name} ${m[1].split('.')[0]}`;
  }
  return 'browser';
}

export function devicePlatform(): string {
  const p = extras().userAgentData?.platform || navigator.platform || 'unknown';
  return p.slice(0, 128);
}

/** How the wasm backend runs, for the profile (every onnxruntime-web build used is SIMD). */
export interface WasmSetup {
  threads: number;
  build: string;
  worker: boolean;
}

export function deviceProfile(backend: InferenceBackend, wasm?: WasmSetup): DeviceProfile {
  const cores = navigator.hardwareConcurrency;
  const mem = extras().deviceMemory;
  return {
    userAgent: navigator.userAgent.slice(0, 512),
    platform: devicePlatform(),
    cores: Number.isInteger(cores) && cores >= 1 ? cores : null,
    memoryGiB: typeof mem === 'number' && mem > 0 ? mem : null,
    backend,
    // onnxruntime-web ships only SIMD builds (ort-wasm-simd-threaded*): a page that loaded
    // one runs SIMD.
    ...(backend === 'wasm' && wasm ? { wasm: { ...wasm, simd: true } } : {}),
  };
}

/** "Chrome 156 on Linux x86_64": the name the dashboard shows by default. */
export function defaultNodeName(): string {
  return `${browserVersion(navigator.userAgent)} on ${devicePlatform()}`.slice(0, 128);
}
