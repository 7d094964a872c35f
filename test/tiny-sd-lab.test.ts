/**
 * `semaigc lab --once --bundle packages/models/tiny-sd` as a process: the embedded lab (private
 * nats-server, coordinator, an edge, a headless receiver) on a standard Stable Diffusion export
 * at 512x512, with a short trial (2 requests, a = 2 of T̂ = 4, AWGN at 0 and 10 dB, the remap
 * receiver). The trial must complete with one record per request written to runs/. Needs the
 * built CLI (scripts/setup.sh builds it).
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { TINY_SD_DIR } from '@semaigc/models';
import type { RecordMessage } from '@semaigc/protocol';
import { CLI, readJsonl } from './helpers/lab';

const TRIAL = {
  name: 'tiny-sd',
  prompts: ['a photograph of an astronaut riding a horse', 'a red bicycle leaning against a blue wall'],
  seeds: 7,
  totalSteps: 4,
  policy: { kind: 'fixed', edgeSteps: 2 },
  receiverVariant: 'remap',
  channel: { mode: 'analog', link: { bandwidthHz: 20e6, emulate: false } },
  snr: { kind: 'sweep', valuesDb: [0, 10] },
  requestsPerReceiver: 2,
  latency: { minS: 5, maxS: 60, failureS: 300 },
  computeReference: true,
};

test('semaigc lab --once --bundle packages/models/tiny-sd completes a trial with a record per request', async () => {
  if (!fs.existsSync(CLI))
    throw new Error(`${CLI} is missing: run scripts/setup.sh (it builds the CLI) first`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'semaigc-tiny-sd-lab-'));
  try {
    const trialFile = path.join(dir, 'trial.json');
    fs.writeFileSync(trialFile, JSON.stringify(TRIAL));
    const runs = path.join(dir, 'runs');
    const args = [
      'lab',
      '--once',
      '--bundle',
      TINY_SD_DIR,
      '--port',
      '0',
      '--runs',
      runs,
      '--trial',
      trialFile,
    ];
    const child = spawn(process.execPath, [CLI, ...args], {
      env: { ...process.env, SEMAIGC_LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect({ code, tail: code === 0 ? '' : out.slice(-3000) }).toEqual({ code: 0, tail: '' });

    const trials = fs.readdirSync(runs).filter((d) => fs.existsSync(path.join(runs, d, 'records.jsonl')));
    expect(trials).toHaveLength(1);
    const records = readJsonl(path.join(runs, trials[0]!, 'records.jsonl')) as RecordMessage[];
    expect(records).toHaveLength(2);
    for (const r of records) {
      expect({ failed: r.failed, reason: r.failed ? JSON.stringify(r) : '' }).toEqual({
        failed: false,
        reason: '',
      });
      expect(r.edgeSteps).toBe(2);
      expect(r.totalSteps).toBe(4);
      expect(r.quality.psnr).toEqual(expect.any(Number));
    }
    expect(new Set(records.map((r) => r.snrDbSet))).toEqual(new Set([0, 10]));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}, 600_000);
