/**
 * Writes one trial's run folder:
 *
 *   runs/<trial-id>/config.yaml      the validated config, defaults filled
 *                   records.jsonl    one protocol record per line (read back with parseRecord)
 *                   records.csv      the same, flattened (RECORD_CSV_COLUMNS)
 *                   summary.json     TrialSummary
 *                   images/<requestId>.png   the receivers' previews
 *
 * Writes are appended in order through one promise chain, so lines never interleave and
 * `close()` waits for all of them.
 */
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { parseRecord, type RecordMessage } from '@semaigc/protocol';
import { csvHeader, recordToCsvLine } from './csv';
import { encodePng } from './png';
import type { TrialSummary } from './summary';
import { RunFolderExistsError } from '../errors';

export interface RunFiles {
  dir: string;
  records: string;
  csv: string;
  summary: string;
  config: string;
  images: string;
}

export function runFiles(runsDir: string, trialId: string): RunFiles {
  const dir = path.resolve(runsDir, trialId);
  return {
    dir,
    records: path.join(dir, 'records.jsonl'),
    csv: path.join(dir, 'records.csv'),
    summary: path.join(dir, 'summary.json'),
    config: path.join(dir, 'config.yaml'),
    images: path.join(dir, 'images'),
  };
}

export class Recorder {
  private chain: Promise<void> = Promise.resolve();
  private readonly kept: RecordMessage[] = [];
  private failure: Error | null = null;

  private constructor(readonly files: RunFiles) {}

  /**
   * Creates the run folder exclusively: a folder that exists already (a reused trial id, a
   * restarted coordinator) is a RunFolderExistsError, and no file in it is touched. The
   * files are created with 'wx' too, so nothing is ever truncated.
   */
  static async open(runsDir: string, trialId: string, configYaml: string): Promise<Recorder> {
    const files = runFiles(runsDir, trialId);
    await fs.mkdir(path.dirname(files.dir), { recursive: true });
    try {
      await fs.mkdir(files.dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST')
        throw new RunFolderExistsError(trialId, files.dir);
      throw err;
    }
    await fs.mkdir(files.images);
    await fs.writeFile(files.config, configYaml, { flag: 'wx' });
    await fs.writeFile(files.records, '', { flag: 'wx' });
    await fs.writeFile(files.csv, csvHeader(), { flag: 'wx' });
    return new Recorder(files);
  }

  /**
   * Opens the run folder of a trial a coordinator was writing when it died, to append the
   * records that end it: the lines already in records.jsonl are read back (a line that does
   * not parse, such as one cut short by a power loss, is counted in `unreadLines`, left as
   * it is and not taken) and nothing is truncated. Both files are made to end with a line
   * break, so an appended line never joins a cut one.
   */
  static async reopen(runsDir: string, trialId: string): Promise<Recorder> {
    const files = runFiles(runsDir, trialId);
    const text = await fs.readFile(files.records, 'utf8');
    const rec = new Recorder(files);
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      try {
        rec.kept.push(parseRecord(JSON.parse(line)));
      } catch {
        rec.unreadLines += 1;
      }
    }
    for (const file of [files.records, files.csv]) {
      const body = await fs.readFile(file, 'utf8').catch(() => '');
      if (body.length > 0 && !body.endsWith('\n')) await fs.appendFile(file, '\n');
    }
    return rec;
  }

  /** Lines of records.jsonl `reopen` could not read back. */
  unreadLines = 0;

  private enqueue(task: () => Promise<void>): Promise<void> {
    const next = this.chain.then(task);
    // Keep the chain alive after a failed write; the error is reported by close().
    this.chain = next.catch((err: unknown) => {
      this.failure ??= err instanceof Error ? err : new Error(String(err));
    });
    return next;
  }

  /** Appends the record to records.jsonl and records.csv. */
  write(record: RecordMessage): Promise<void> {
    this.kept.push(record);
    const line = JSON.stringify(record) + '\n';
    const csv = recordToCsvLine(record);
    return this.enqueue(async () => {
      await fs.appendFile(this.files.records, line);
      await fs.appendFile(this.files.csv, csv);
    });
  }

  saveImage(requestId: string, width: number, height: number, rgba: Uint8Array): Promise<void> {
    const png = encodePng(width, height, rgba);
    return this.enqueue(() => fs.writeFile(path.join(this.files.images, `${requestId}.png`), png));
  }

  writeSummary(summary: TrialSummary): Promise<void> {
    return this.enqueue(() => fs.writeFile(this.files.summary, JSON.stringify(summary, null, 2) + '\n'));
  }

  /** The records written so far, in order. */
  records(): readonly RecordMessage[] {
    return this.kept;
  }

  /** Waits for every write; throws the first write error, if any. */
  async close(): Promise<void> {
    await this.chain;
    if (this.failure) throw this.failure;
  }
}
