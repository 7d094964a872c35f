/**
 * The front end of `semaigc trial run --sim`: reads the calibration (the split benchmark's
 * measured quality surface and model timings) and, optionally, a lab's records for the
 * nodes' timing, builds the simulator's model and runs the trial config on virtual nodes.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ANALOG_BITS_PER_ELEMENT } from '@semaigc/channel';
import type { TrialConfig, TrialSummary } from '@semaigc/coordinator';
import { DEFAULT_BUNDLE_DIR } from '@semaigc/models';
import { parseRecord } from '@semaigc/protocol';
import { measuredProfile, parseSplitBenchmark, validateProfile } from '@semaigc/root';
import { readJson } from '../node/files';
import { labTimingFromBenchmark, labTimingFromRecords, type LabTiming } from './lab-timing';
import type { SimModel } from './sim-request';
import { simulateTrial } from './sim-trial';

/** The split benchmark measured on the committed bundle (quality surface, model timings). */
export const DEFAULT_SIM_CALIBRATION = path.resolve(
  __dirname,
  '..',
  '..',
  '..',
  '..',
  'packages',
  'diffusion',
  'docs',
  'split-calibration.json',
);

export interface SimRunOptions {
  calibration: string;
  /** A live trial's records.jsonl (or its run folder) for the nodes' timing. */
  labTiming?: string;
  receivers: number;
  edgeShare: number;
  receiverShare: number;
  runs: string;
  bundle?: string;
}

function readRecordsFile(file: string): ReturnType<typeof parseRecord>[] {
  const f = fs.statSync(file).isDirectory() ? path.join(file, 'records.jsonl') : file;
  return fs
    .readFileSync(f, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l, i) => {
      try {
        return parseRecord(JSON.parse(l));
      } catch (err) {
        throw new TypeError(`--lab-timing ${f}: line ${i + 1} is not a record (${(err as Error).message})`, {
          cause: err,
        });
      }
    });
}

/** The simulator's model from the files the options name. */
export function loadSimModel(o: Pick<SimRunOptions, 'calibration' | 'labTiming'>): SimModel {
  const json = readJson(o.calibration);
  const bench = parseSplitBenchmark(json);
  const { profile } = measuredProfile(json);
  const table = validateProfile(profile);
  const timing: LabTiming = o.labTiming
    ? labTimingFromRecords(readRecordsFile(o.labTiming), o.labTiming)
    : labTimingFromBenchmark(bench, o.calibration);
  return {
    profile,
    table,
    timing,
    latentElements: Math.round(bench.payload.latentBits / ANALOG_BITS_PER_ELEMENT),
    imageBits: bench.payload.imageBits,
  };
}

export async function runSimulated(cfg: TrialConfig, o: SimRunOptions): Promise<TrialSummary> {
  return simulateTrial(cfg, {
    model: loadSimModel(o),
    calibrationSource: o.calibration,
    runsDir: o.runs,
    receivers: o.receivers,
    edgeShare: o.edgeShare,
    receiverShare: o.receiverShare,
    // The bundle gives the prompts (its caption grammar), as the coordinator's does.
    bundleDir: o.bundle ?? DEFAULT_BUNDLE_DIR,
  });
}
