/**
 * Fault: `semaigc lab` is SIGKILLed (no chance to clean up). Its private nats-server must die
 * with it (checked by pid), and the JetStream store dir it leaves is removed by the next
 * start of a nats-server on this machine. Needs `npm run build` (the CLI's dist).
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startNatsServer } from '@semaigc/testkit';
import { CLI } from '../helpers/lab';
import { alive, linesOf, waitFor } from './helpers';

test('a SIGKILLed lab leaves no nats-server and, after the next start, no store dir', async () => {
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
    expect(alive(natsPid)).toBe(true);
    // The store dir the lab's server uses: its owner file names the lab's pid.
    const storeDirs = fs
      .readdirSync(os.tmpdir())
      .filter((n) => n.startsWith('semaigc-nats-'))
      .map((n) => path.join(os.tmpdir(), n))
      .filter((d) => {
        try {
          return (
            (JSON.parse(fs.readFileSync(path.join(d, 'semaigc-owner.json'), 'utf8')) as { pid: number })
              .pid === lab.pid
          );
        } catch {
          return false;
        }
      });
    expect(storeDirs).toHaveLength(1);

    const exited = new Promise((resolve) => lab.once('exit', resolve));
    lab.kill('SIGKILL');
    await exited;
    await waitFor(() => !alive(natsPid) || undefined, 10_000);
    expect(alive(natsPid)).toBe(false);
    expect(fs.existsSync(storeDirs[0]!)).toBe(true); // nobody was left to remove it…

    const next = await startNatsServer({ jetstream: false });
    await next.stop();
    expect(fs.existsSync(storeDirs[0]!)).toBe(false); // …until the next start cleaned it
  } finally {
    lab.kill('SIGKILL');
    fs.rmSync(runs, { recursive: true, force: true });
  }
}, 60_000);
