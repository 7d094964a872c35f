import * as fs from 'node:fs';
import * as path from 'node:path';
import { BundleError, type BundleSource } from '@semaigc/diffusion';
import { DEFAULT_BUNDLE_DIR } from './paths';

/**
 * A bundle read from a directory, for @semaigc/diffusion's loader, fixture reader and
 * manifest reader. Paths are confined to the directory.
 */
export function dirBundleSource(dir: string = DEFAULT_BUNDLE_DIR): BundleSource {
  const root = path.resolve(dir);
  return {
    location: root,
    async readBytes(p: string): Promise<Uint8Array> {
      const file = path.resolve(root, p);
      if (!file.startsWith(root + path.sep))
        throw new BundleError(`[bundle:${root}] path escapes the bundle: ${p}`);
      try {
        return new Uint8Array(await fs.promises.readFile(file));
      } catch (cause) {
        throw new BundleError(`[bundle:${root}] cannot read ${p}`, { cause });
      }
    },
  };
}
