/**
 * `semaigc lab` SIGKILLed (no chance to clean up): does its private nats-server die with it,
 * and is the JetStream store dir it leaves removed by the next nats-server start? Never
 * asserts; test/faults/lab-sigkill.test.ts and the faults bench read the measure.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startNatsServer } from '@semaigc/testkit';
import { CLI } from '../../helpers/lab';
import { alive, linesOf, waitFor } from '../helpers';

export interface LabKillMeasure {
  scenario: string;
  natsPid: number;
  /** The lab's server was running before the kill, and was gone after it. */
  aliveBefore: boolean;
  aliveAfter: boolean;
  /** Store dirs whose owner file names the lab (1 expected). */
  storeDirs: number;
  /** The dir was still there after the kill, and gone after the next server start. */
  dirLeftByKill: boolean;
  dirAfterNextStart: boolean;
  /** From the kill to the server's exit, ms. */
  serverGoneMs: number | null;
}

function ownedBy(pid: number): string[] {
  return fs
    .readdirSync(os.tmpdir())
    .filter((n) => n.startsWith('semaigc-nats-'))
    .map((n) => path.join(os.tmpdir(), n))
    .filter((d) => {
      try {
        const owner = JSON.parse(fs.readFileSync(path.join(d, 'semaigc-owner.json'), 'utf8')) as {
          pid: number;
        };
        return owner.pid === pid;
      } catch {
        return false;
      }
    });
}

export async function labSigkill(): Promise<LabKillMeasure> {
  const runs = fs.mkdtempSync(path.join(os.tmpdir(), 'semaigc-fault-runs-'));
  const lab = spawn(
    process.execPath,
    [CLI, 'lab', '--port', '0', '--edges', '0', '--receivers', '0', '--no-run-trial', '--runs', runs],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, SEMAIGC_LOG_LEVEL: 'silent' } },
  );
  try {
    const out = linesOf(lab.stdout);
    const natsLine = await waitFor(() => out.find((l) => /lab: NATS .*\(private, pid \d+\)/.test(l)), 30_000);
    const natsPid = Number(/pid (\d+)/.exec(natsLine)![1]);
    const aliveBefore = alive(natsPid);
    // The store dir the lab's server uses: its owner file names the lab's pid.
    const dirs = ownedBy(lab.pid!);
    const exited = new Promise((resolve) => lab.once('exit', resolve));
    lab.kill('SIGKILL');
    const killedAt = Date.now();
    await exited;
    const gone = await waitFor(() => !alive(natsPid) && Date.now(), 10_000).catch(() => null);
    const dirLeftByKill = dirs.length > 0 && fs.existsSync(dirs[0]!);
    const next = await startNatsServer({ jetstream: false });
    await next.stop();
    return {
      scenario: 'lab SIGKILL',
      natsPid,
      aliveBefore,
      aliveAfter: alive(natsPid),
      storeDirs: dirs.length,
      dirLeftByKill,
      dirAfterNextStart: dirs.length > 0 && fs.existsSync(dirs[0]!),
      serverGoneMs: gone === null ? null : gone - killedAt,
    };
  } finally {
    lab.kill('SIGKILL');
    fs.rmSync(runs, { recursive: true, force: true });
  }
}
