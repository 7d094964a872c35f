/**
 * `semaigc trial run <config>`: runs a trial on a running lab through the coordinator's HTTP
 * API (POST /api/trials), following its progress until it ends (re-attaching when the
 * coordinator restarts, live/trial-watch.ts), then prints the summary. Exits 0 for a
 * completed trial, 2 for one that ended aborted or failed, 1 when it could not follow it.
 * With `--sim` the same config runs on virtual nodes instead (sim/sim-trial.ts), writing the
 * same run folder; no coordinator is involved.
 * `semaigc trial check <config>` validates a config file without running it.
 */
import { Command, Option } from 'commander';
import * as path from 'node:path';
import { loadTrialConfig, renderSummaryTable, type TrialSummary } from '@semaigc/coordinator';
import { readJson } from '../../node/files';
import { compareSummaries, gapTable } from '../../sim/sim-gap';
import { DEFAULT_TRIAL_WATCH, watchTrial } from '../../live/trial-watch';
import { DEFAULT_SIM_CALIBRATION, runSimulated, type SimRunOptions } from '../../sim/sim-run';
import { bundleOption, int, share } from './options';
import { tokenOption } from './security-options';

/** Exit status of a trial that ran to its end but did not complete (aborted, failed). */
const EXIT_NOT_COMPLETED = 2;

async function json<T>(res: Response, what: string): Promise<T> {
  const body: unknown = await res.json().catch(() => null);
  if (!res.ok) throw new Error(`${what}: HTTP ${res.status} ${JSON.stringify(body)}`);
  return body as T;
}

interface TrialRunOptions extends SimRunOptions {
  compare?: string;
  coordinator: string;
  token?: string;
  reattach: number;
  sim?: boolean;
}

export function trialCommand(): Command {
  const trial = new Command('trial').description('Run or check trial configs against a running lab.');
  trial
    .command('run')
    .description(
      'Run a trial config (YAML or JSON) on a running coordinator, or with --sim on virtual nodes, and print its summary.',
    )
    .argument('<config>', 'trial config file (see apps/coordinator/README.md, "Trial config")')
    .option('--coordinator <url>', 'the coordinator HTTP URL', 'http://127.0.0.1:8080')
    .addOption(
      tokenOption("the coordinator's API token (printed by 'semaigc lab' and 'semaigc coordinator')"),
    )
    .addOption(
      new Option(
        '--reattach <s>',
        'how long to keep asking a coordinator that went away (crash, restart) before giving up',
      )
        .default(DEFAULT_TRIAL_WATCH.reattachS)
        .argParser(int('--reattach', 0, 86_400)),
    )
    .option(
      '--sim',
      'run the config in simulation on virtual nodes (the measured calibration) instead of a lab',
    )
    .option(
      '--calibration <file>',
      "--sim: the split benchmark's JSON (quality surface, model timings)",
      DEFAULT_SIM_CALIBRATION,
    )
    .option(
      '--lab-timing <records>',
      "--sim: a live trial's records.jsonl (or run folder) to time the virtual nodes like that lab (default: the calibration's model timings, no lab overhead)",
    )
    .addOption(
      new Option('--receivers <n>', '--sim: virtual receivers (unless the config names them)')
        .default(1)
        .argParser(int('--receivers', 1, 10_000)),
    )
    .addOption(
      new Option('--edge-share <p>', "--sim: the virtual edge's compute share")
        .default(1)
        .argParser(share('--edge-share')),
    )
    .addOption(
      new Option('--receiver-share <p>', "--sim: the virtual receivers' compute share")
        .default(1)
        .argParser(share('--receiver-share')),
    )
    .option('--runs <dir>', '--sim: where runs/<trial-id>/ goes', 'runs')
    .option(
      '--compare <run-dir>',
      '--sim: a live run of the same config (its summary.json): print live vs simulated satisfaction per SNR bucket',
    )
    .addOption(bundleOption())
    .action(async (file: string, o: TrialRunOptions) => {
      const config = await loadTrialConfig(file);
      if (o.sim) {
        const summary = await runSimulated(config, o);
        process.stdout.write(renderSummaryTable(summary) + '\n');
        if (o.compare) {
          const live = readJson(path.join(o.compare, 'summary.json')) as TrialSummary;
          process.stdout.write(
            `live ${o.compare} vs simulated:\n${gapTable(compareSummaries(live, summary))}\n`,
          );
        }
        process.stdout.write(`simulated on virtual nodes: ${summary.runDir}/sim.json says how\n`);
        return;
      }
      const base = o.coordinator.replace(/\/+$/, '');
      const started = await json<{ trialId: string }>(
        await fetch(`${base}/api/trials`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            ...(o.token ? { authorization: `Bearer ${o.token}` } : {}),
          },
          body: JSON.stringify(config),
        }),
        'start trial',
      );
      process.stderr.write(`trial ${started.trialId} started on ${base}\n`);
      const info = await watchTrial(base, started.trialId, { reattachS: o.reattach });
      if (!info.summary) throw new Error(`trial ${info.trialId}: ${info.error ?? info.state}`);
      process.stdout.write(renderSummaryTable(info.summary) + '\n');
      if (info.runDir) process.stdout.write(`records: ${info.runDir}\n`);
      if (info.summary.status !== 'completed') {
        const why = info.summary.reason ? `: ${info.summary.reason}` : '';
        process.stderr.write(`trial ${info.trialId} ${info.summary.status}${why}\n`);
        process.exitCode = EXIT_NOT_COMPLETED;
      }
    });
  trial
    .command('check')
    .description('Validate a trial config file; errors name the field.')
    .argument('<config>', 'trial config file')
    .action(async (file: string) => {
      const cfg = await loadTrialConfig(file);
      process.stdout.write(
        `${file}: valid (${cfg.requestsPerReceiver} requests per receiver, policy ${cfg.policy.kind})\n`,
      );
    });
  return trial;
}
