import * as os from 'node:os';
import type { DeviceProfile, InferenceBackend } from '@semaigc/protocol';

/** The Node process's device profile for hello and records. */
export function nodeDeviceProfile(backend: InferenceBackend = 'cpu'): DeviceProfile {
  return {
    userAgent: null,
    platform: `${process.platform}-${process.arch} ${os.cpus()[0]?.model ?? ''}`.trim().slice(0, 128),
    cores: os.cpus().length,
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    backend,
  };
}
