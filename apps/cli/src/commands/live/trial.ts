/**
 * `semaigc trial run <config>`: runs a trial on a running lab through the coordinator's HTTP
 * API (POST /api/trials), following its progress until it ends, then prints the summary.
 * `semaigc trial check <config>` validates a config file without running it.
 */
import { Command } from 'commander';
import { loadTrialConfig, renderSummaryTable, type TrialInfo } from '@semaigc/coordinator';
import { tokenOption } from './security-options';

const POLL_MS = 1000;

async function json<T>(res: Response, what: string): Promise<T> {
  const body: unknown = await res.json().catch(() => null);
  if (!res.ok) throw new Error(`${what}: HTTP ${res.status} ${JSON.stringify(body)}`);
  return body as T;
}

export function trialCommand(): Command {
  const trial = new Command('trial').description('Run or check trial configs against a running lab.');
  trial
    .command('run')
    .description('Run a trial config (YAML or JSON) on a running coordinator and print its summary.')
    .argument('<config>', 'trial config file (see apps/coordinator/README.md, "Trial config")')
    .option('--coordinator <url>', 'the coordinator HTTP URL', 'http://127.0.0.1:8080')
    .addOption(
      tokenOption("the coordinator's API token (printed by 'semaigc lab' and 'semaigc coordinator')"),
    )
    .action(async (file: string, o: { coordinator: string; token?: string }) => {
      const config = await loadTrialConfig(file);
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
      for (;;) {
        const info = await json<TrialInfo>(
          await fetch(`${base}/api/trials/${started.trialId}`),
          'trial status',
        );
        const p = info.progress;
        process.stderr.write(`\rtrial ${info.trialId}: ${p.done}/${p.total} done, ${p.failed} failed   `);
        if (info.summary) {
          process.stderr.write('\n');
          process.stdout.write(renderSummaryTable(info.summary) + '\n');
          if (info.runDir) process.stdout.write(`records: ${info.runDir}\n`);
          return;
        }
        if (info.error) throw new Error(`trial ${info.trialId}: ${info.error}`);
        await new Promise((r) => setTimeout(r, POLL_MS));
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
