/**
 * `npm run bench -- faults [--quick]`: what the testbed's faults cost, on the fault tests'
 * process lab (test/faults/process-lab.ts): a nats-server with role credentials, the
 * coordinator, and `semaigc edge` / `semaigc receiver` as separate processes on the real
 * bundle (T̂ = 10, a = 5). One lab, the scenarios in turn (test/faults/scenarios.ts):
 *
 *   nats down 3 s    NATS stopped mid-trial and restarted on its port (graces 30 s)
 *   nats down 30 s   the same for 30 s (graces 5 s: the requests it caught fail, with codes)
 *   edge SIGSTOP 15 s the edge frozen with work queued (attempt timeout 10 s, edge grace 45 s)
 *   receiver SIGKILL the receiver killed mid-trial, never back (receiver grace 5 s)
 *
 * Per scenario (one run each; n = requests issued): records written, lost (issued −
 * distinct request ids recorded), duplicates, failed and the codes seen, and the recovery
 * time: from the fault's end (NATS back, SIGCONT) to the first successful record completed
 * after it (for the receiver kill: from the kill to the trial's end, when the last record
 * is written). `--quick` shortens the long outage to 10 s and the freeze to 8 s.
 * Needs `npm run build` (the CLI's dist). Targets: lost = 0 and duplicates = 0 everywhere.
 */
import type { Row, SuiteContext, SuiteResult } from '../harness';
import { suiteArgs } from '../lib/args';
import { startProcessLab } from '../../../test/faults/process-lab';
import { edgeFreeze, type FaultMeasure, natsOutage, receiverKill } from '../../../test/faults/scenarios';

function codes(m: FaultMeasure): string {
  const list = Object.entries(m.codes).map(([c, n]) => `${c}:${n}`);
  return list.length > 0 ? list.join(' ') : '-';
}

function row(m: FaultMeasure, extra: Record<string, string | number | boolean | null> = {}): Row {
  return {
    scenario: m.scenario,
    n: m.issued,
    records: m.records,
    lost: m.lost,
    duplicates: m.duplicates,
    failed: m.failed,
    codes: codes(m),
    retried: m.summary.retried,
    recoveryMs: m.recoveryMs,
    ...extra,
  };
}

export default async function faults(ctx: SuiteContext): Promise<SuiteResult> {
  const args = suiteArgs(ctx.args, {});
  const longDownMs = args.quick ? 10_000 : 30_000;
  const freezeMs = args.quick ? 8_000 : 15_000;
  const lab = await startProcessLab();
  const rows: Row[] = [];
  try {
    ctx.log('starting edge and receiver processes');
    // Half speed: the edge holds a queue when the freeze comes (frozen on its first payload),
    // and a freeze inside a step is padded only F (1/p - 1) = F after SIGCONT (scenarios.ts).
    const edge = await lab.edge('edge-b', 0.5);
    const rx = await lab.receiver('rx-b');

    ctx.log('nats down 3 s');
    const short = await natsOutage(lab, {
      downMs: 3000,
      n: 16,
      edge,
      receiver: rx,
      retries: { max: 3, receiverGraceS: 30, edgeGraceS: 30 },
    });
    rows.push(
      row(short, { nodesAlive: short.nodes.every((x) => x.alive), health: short.healthDown?.status ?? null }),
    );

    ctx.log(`nats down ${longDownMs / 1000} s`);
    const long = await natsOutage(lab, {
      downMs: longDownMs,
      n: 12,
      edge,
      receiver: rx,
      retries: { max: 1, receiverGraceS: 5, edgeGraceS: 5 },
      afterwards: 3,
    });
    rows.push(
      row(long, {
        nodesAlive: long.nodes.every((x) => x.alive),
        health: long.healthDown?.status ?? null,
        afterwards: long.afterwards ? `${long.afterwards.succeeded}/${long.afterwards.issued}` : null,
      }),
    );

    ctx.log(`edge SIGSTOP ${freezeMs / 1000} s`);
    // The attempt timeout and edge grace come from the freeze's length (freezeRetries).
    const freeze = await edgeFreeze(lab, { stopMs: freezeMs, n: 4, edge, receiver: rx });
    rows.push(row(freeze, { staleLatents: freeze.staleLatents, droppedStale: freeze.droppedStale }));

    ctx.log('receiver SIGKILL');
    const kill = await receiverKill(lab, { n: 8, receiver: rx, receiverGraceS: 5 });
    rows.push(row(kill, { recoveryMs: kill.endMs }));
  } finally {
    await lab.close();
  }
  return {
    rows,
    extra: {
      method:
        'one process lab (nats-server with role credentials, coordinator, semaigc edge and receiver processes, real bundle, T̂ = 10, a = 5); one run per scenario; recoveryMs: fault end to first successful record after it (receiver SIGKILL: kill to trial end)',
      targets: { lost: 0, duplicates: 0 },
    },
  };
}
