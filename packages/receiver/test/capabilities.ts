/** The capabilities a headless receiver on this machine states, for the receiver tests. */
import type { SplitPipeline } from '@semaigc/diffusion';
import { nodeDeviceProfile } from '@semaigc/node-kit';
import type { Capabilities } from '@semaigc/protocol';

export function nodeCapabilities(pipeline: SplitPipeline, computeShare = 1): Capabilities {
  return {
    runtime: { kind: 'node', version: process.version },
    backend: 'cpu',
    stepMs: 10,
    computeShare,
    profile: nodeDeviceProfile('cpu'),
    maxConcurrent: 1,
    bundleId: pipeline.bundle.manifest.name,
  };
}
