/**
 * Per-seed results of the scenario comparison, kept in runs/bench/root-scenarios/ so that
 * the seeds can be trained one at a time (each run of the suite fits in a short hold of the
 * shared machine) and the rows then assembled from all of them. A file's name carries a
 * hash of everything that makes its result (scenario, training and evaluation settings,
 * variants, quality source), so a changed setting never reuses an old seed; the file also
 * records the commit and the date it was computed at.
 */
import { execSync } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { SeedResult } from '@semaigc/root';

export interface CachedSeed {
  key: string;
  commit: string;
  date: string;
  result: SeedResult;
}

function commit(): string {
  try {
    return execSync('git rev-parse --short HEAD', { encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

export class SeedCache {
  readonly key: string;

  constructor(
    readonly dir: string,
    readonly name: string,
    settings: unknown,
  ) {
    this.key = crypto.createHash('sha1').update(JSON.stringify(settings)).digest('hex').slice(0, 10);
  }

  private file(seed: number): string {
    return path.join(this.dir, `${this.name}-${this.key}-seed${seed}.json`);
  }

  read(seed: number): CachedSeed | null {
    const f = this.file(seed);
    if (!fs.existsSync(f)) return null;
    const c = JSON.parse(fs.readFileSync(f, 'utf8')) as CachedSeed;
    if (c.key !== this.key) throw new TypeError(`${f}: key ${c.key} does not match its name (${this.key})`);
    return c;
  }

  write(result: SeedResult): void {
    fs.mkdirSync(this.dir, { recursive: true });
    const c: CachedSeed = { key: this.key, commit: commit(), date: new Date().toISOString(), result };
    fs.writeFileSync(this.file(result.seed), JSON.stringify(c) + '\n');
  }
}
