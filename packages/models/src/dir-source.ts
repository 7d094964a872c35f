import * as fs from 'node:fs';
import * as path from 'node:path';
import { BundleError } from './errors';
import { DEFAULT_BUNDLE_DIR } from './paths';

/**
 * A bundle read from a directory, in the `BundleSource` shape @semaigc/diffusion's loader
 * takes (`{ location, readBytes(path) }`); kept structural so this package need not depend
 * on the runtime. Paths are confined to the directory.
 */
export function dirBundleSource(dir: string = DEFAULT_BUNDLE_DIR): {
  location: string;
  readBytes(p: string): Promise<Uint8Array>;
} {
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
