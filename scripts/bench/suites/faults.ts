/**
 * `npm run bench -- faults [--quick] [--only key,key]`: what the testbed's faults cost and
 * whether the probes hold, on the fault tests' own scenarios (test/faults/scenarios*.ts; the
 * tests assert on the same measures). One run per scenario:
 *
 *   nats-3s            NATS stopped mid-trial and restarted on its port (graces 30 s)
 *   nats-30s           the same for 30 s (graces 5 s: the requests it caught fail, with codes)
 *   edge-sigstop       the edge frozen 15 s with work queued (attempt timeout 10 s, grace 45 s)
 *   receiver-sigkill   the receiver killed mid-trial, never back (receiver grace 5 s)
 *     (these four: one process lab, nats-server with role credentials, the coordinator,
 *     `semaigc edge` and `semaigc receiver` processes on the real bundle, T̂ = 10, a = 5)
 *   coordinator-restart `semaigc coordinator` SIGKILLed mid-trial with one of two receiver
 *                      processes, started again; `semaigc trial run` re-attaches
 *   page-restart       the receiver page in headless Chromium sends its record into a frozen
 *                      coordinator that is then SIGKILLed; started again
 *   lab-sigkill        `semaigc lab` SIGKILLed: its nats-server and store dir
 *   forged-records     forged records/errors and duplicates from a receiver with valid credentials
 *   forged-lifecycle   bye/hello/heartbeat posing as other nodes, from an edge with valid credentials
 *   anonymous-nats / anonymous-http / anonymous-socket   anonymous attempts on each door
 *   nats-tls           TLS on the NATS port: links TLS, plain TCP and an untrusted CA refused
 *
 * Columns. Trials: n (requests issued), records written, lost (issued − distinct request ids
 * recorded), duplicates, failed and the codes seen, recoveryMs (outages and freezes: from
 * the fault's end to the first successful record after it; receiver SIGKILL: kill to trial
 * end; coordinator and page restarts: the new coordinator's start to the trial listed as
 * ended; lab SIGKILL: kill to its nats-server gone). Probes: refused (k of n attempts),
 * forged (forged values found in records, or forgeries delivered), leaked (what an attempt
 * left behind: trials started, nodes registered, servers or dirs left). Each row carries
 * its commit, the 1-min load average when it started and when it ran.
 *
 * `--only` runs the named scenarios and keeps the other rows of runs/bench/faults.json, so a
 * long run can be split over several CPU-lock holds. `--quick` shortens the long outage to
 * 10 s and the freeze to 8 s. Needs `npm run build` (the CLI's dist) and Chromium for the
 * page. Targets: lost = 0, duplicates = 0, every probe refused, forged = 0, leaked = 0.
 */
import { execSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Row, SuiteContext, SuiteResult } from '../harness';
import { suiteArgs } from '../lib/args';
import { AUTH_LAB_NODE_TIMEOUT_MS, startAuthLab } from '../../../test/faults/auth-lab';
import { startCoordinatorFixture } from '../../../test/faults/coordinator-fixture';
import { startProcessLab } from '../../../test/faults/process-lab';
import { edgeFreeze, type FaultMeasure, natsOutage, receiverKill } from '../../../test/faults/scenarios';
import {
  anonymousHttp,
  anonymousNats,
  anonymousSocket,
  type ProbeMeasure,
} from '../../../test/faults/scenarios/anonymous';
import { coordinatorRestart } from '../../../test/faults/scenarios/coordinator-restart';
import { forgedLifecycle } from '../../../test/faults/scenarios/forged-lifecycle';
import { forgedRecords } from '../../../test/faults/scenarios/forged-records';
import { labSigkill } from '../../../test/faults/scenarios/lab-sigkill';
import { natsTlsProbe } from '../../../test/faults/scenarios/nats-tls';
import { pageRecordRestart } from '../../../test/faults/scenarios/page-restart';
import type { RecordMessage } from '@semaigc/protocol';

const PROCESS_LAB = ['nats-3s', 'nats-30s', 'edge-sigstop', 'receiver-sigkill'] as const;
const ALONE = [
  'coordinator-restart',
  'page-restart',
  'lab-sigkill',
  'forged-records',
  'forged-lifecycle',
  'anonymous-nats',
  'anonymous-http',
  'anonymous-socket',
  'nats-tls',
] as const;
const KEYS: readonly string[] = [...PROCESS_LAB, ...ALONE];

type Cells = Record<string, string | number | boolean | null>;

/** Every row has every column (null where it does not apply), so the table lines up. */
function row(key: string, scenario: string, cells: Cells, started: Cells): Row {
  return {
    key,
    scenario,
    n: null,
    records: null,
    lost: null,
    duplicates: null,
    failed: null,
    codes: null,
    recoveryMs: null,
    refused: null,
    forged: null,
    leaked: null,
    ...cells,
    ...started,
  };
}

function codesOf(records: RecordMessage[]): string {
  const counts = new Map<string, number>();
  for (const r of records) if (r.failure) counts.set(r.failure.code, (counts.get(r.failure.code) ?? 0) + 1);
  return counts.size > 0 ? [...counts].map(([c, n]) => `${c}:${n}`).join(' ') : '-';
}

/** The trial columns of a list of records for `issued` request ids. */
function trialCells(issued: string[], records: RecordMessage[]): Cells {
  const ids = new Map<string, number>();
  for (const r of records) ids.set(r.requestId, (ids.get(r.requestId) ?? 0) + 1);
  return {
    n: issued.length,
    records: records.length,
    lost: issued.filter((id) => !ids.has(id)).length,
    duplicates: [...ids.values()].filter((k) => k > 1).length,
    failed: records.filter((r) => r.failed).length,
    codes: codesOf(records),
  };
}

function faultCells(m: FaultMeasure): Cells {
  const codes = Object.entries(m.codes).map(([c, k]) => `${c}:${k}`);
  return {
    n: m.issued,
    records: m.records,
    lost: m.lost,
    duplicates: m.duplicates,
    failed: m.failed,
    codes: codes.length > 0 ? codes.join(' ') : '-',
    recoveryMs: m.recoveryMs === null ? null : Math.round(m.recoveryMs),
  };
}

function probeCells(m: ProbeMeasure): Cells {
  return {
    refused: `${m.probes.filter((p) => p.refused).length}/${m.probes.length}`,
    leaked: m.leaked,
    forged: 0,
  };
}

function commit(): string | null {
  try {
    return execSync('git rev-parse --short HEAD', { stdio: ['ignore', 'pipe', 'ignore'] })
      .toString()
      .trim();
  } catch {
    return null;
  }
}

/** The rows of an earlier run that this one does not redo. */
function keptRows(file: string, redo: Set<string>): Row[] {
  try {
    const prev = JSON.parse(fs.readFileSync(file, 'utf8')) as { rows?: Row[] };
    return (prev.rows ?? []).filter((r) => typeof r['key'] === 'string' && !redo.has(r['key']));
  } catch {
    return [];
  }
}

export default async function faults(ctx: SuiteContext): Promise<SuiteResult> {
  const args = suiteArgs(ctx.args, { only: { type: 'string' } });
  const only = args.only ? args.only.split(',').map((s) => s.trim()) : [...KEYS];
  for (const k of only)
    if (!KEYS.includes(k)) throw new TypeError(`--only: unknown scenario '${k}' (${KEYS.join(', ')})`);
  const want = new Set(only);
  const longDownMs = args.quick ? 10_000 : 30_000;
  const freezeMs = args.quick ? 8_000 : 15_000;
  const rev = commit();
  const rows: Row[] = [];
  const start = (key: string): Cells => {
    ctx.log(key);
    return { commit: rev, load1: Math.round(os.loadavg()[0]! * 100) / 100, at: new Date().toISOString() };
  };

  if (PROCESS_LAB.some((k) => want.has(k))) {
    const lab = await startProcessLab();
    try {
      ctx.log('starting edge and receiver processes');
      // Half speed: the edge holds a queue when the freeze comes (frozen on its first payload).
      const edge = await lab.edge('edge-b', 0.5);
      const rx = await lab.receiver('rx-b');
      if (want.has('nats-3s')) {
        const s = start('nats-3s');
        const m = await natsOutage(lab, {
          downMs: 3000,
          n: 16,
          edge,
          receiver: rx,
          retries: { max: 3, receiverGraceS: 30, edgeGraceS: 30 },
        });
        rows.push(
          row('nats-3s', m.scenario, { ...faultCells(m), leaked: m.nodes.every((x) => x.alive) ? 0 : 1 }, s),
        );
      }
      if (want.has('nats-30s')) {
        const s = start('nats-30s');
        const m = await natsOutage(lab, {
          downMs: longDownMs,
          n: 12,
          edge,
          receiver: rx,
          retries: { max: 1, receiverGraceS: 5, edgeGraceS: 5 },
          afterwards: 3,
        });
        rows.push(
          row(
            'nats-30s',
            m.scenario,
            {
              ...faultCells(m),
              afterwards: m.afterwards ? `${m.afterwards.succeeded}/${m.afterwards.issued}` : null,
            },
            s,
          ),
        );
      }
      if (want.has('edge-sigstop')) {
        const s = start('edge-sigstop');
        // The attempt timeout and edge grace come from the freeze's length (freezeRetries).
        const m = await edgeFreeze(lab, { stopMs: freezeMs, n: 4, edge, receiver: rx });
        rows.push(
          row(
            'edge-sigstop',
            m.scenario,
            { ...faultCells(m), staleLatents: m.staleLatents, droppedStale: m.droppedStale },
            s,
          ),
        );
      }
      if (want.has('receiver-sigkill')) {
        const s = start('receiver-sigkill');
        const m = await receiverKill(lab, { n: 8, receiver: rx, receiverGraceS: 5 });
        rows.push(row('receiver-sigkill', m.scenario, { ...faultCells(m), recoveryMs: m.endMs }, s));
      }
    } finally {
      await lab.close();
    }
  }

  if (want.has('coordinator-restart')) {
    const s = start('coordinator-restart');
    const m = await coordinatorRestart();
    rows.push(
      row(
        'coordinator-restart',
        m.scenario,
        {
          ...trialCells([...m.sent.keys()], m.written),
          recoveryMs: m.recoveryMs,
          cancelled: m.unansweredB.length,
          whileDown: m.publishedWhileDown.length,
          cliExit: m.cliCode === 'timeout' ? 'timeout' : m.cliCode,
        },
        s,
      ),
    );
  }
  if (want.has('page-restart')) {
    const s = start('page-restart');
    const m = await pageRecordRestart();
    const issued = [...new Set(m.published.map((r) => r.requestId))];
    rows.push(
      row(
        'page-restart',
        m.scenario,
        {
          ...trialCells(issued.length > 0 ? issued : ['(none published)'], m.records),
          recoveryMs: m.recoveryMs,
          resent: m.resentFrames,
          streamMessages: m.streamMessages,
        },
        s,
      ),
    );
  }
  if (want.has('lab-sigkill')) {
    const s = start('lab-sigkill');
    const m = await labSigkill();
    rows.push(
      row(
        'lab-sigkill',
        m.scenario,
        {
          recoveryMs: m.serverGoneMs,
          leaked: (m.aliveAfter ? 1 : 0) + (m.dirAfterNextStart ? 1 : 0),
          serverLeft: m.aliveAfter,
          dirLeftAfterNextStart: m.dirAfterNextStart,
        },
        s,
      ),
    );
  }
  if (want.has('forged-records') || want.has('forged-lifecycle') || want.has('anonymous-nats')) {
    const lab = await startAuthLab();
    try {
      if (want.has('forged-records')) {
        const s = start('forged-records');
        const n = 4;
        const m = await forgedRecords(lab, n);
        rows.push(
          row(
            'forged-records',
            m.scenario,
            {
              ...trialCells(
                m.records.map((r) => r.requestId),
                m.records,
              ),
              n: m.summary.planned,
              lost: m.summary.planned - new Set(m.records.map((r) => r.requestId)).size,
              refused: `${Math.min(m.dropped, 2 * n) + Math.min(m.lateRecords, n)}/${3 * n}`,
              forged: m.forgedInRecords,
              leaked: 0,
            },
            s,
          ),
        );
      }
      if (want.has('forged-lifecycle')) {
        const s = start('forged-lifecycle');
        const m = await forgedLifecycle(lab, AUTH_LAB_NODE_TIMEOUT_MS);
        const refused =
          m.serverRefused +
          (/Permissions Violation/.test(m.requestError) ? 1 : 0) +
          Math.min(m.coordinatorRefused, m.onOwn);
        rows.push(
          row(
            'forged-lifecycle',
            m.scenario,
            {
              refused: `${refused}/${m.onVictims + 1 + m.onOwn}`,
              forged: m.delivered.length,
              leaked: m.nodes - m.stillOnline + m.offlineLines,
            },
            s,
          ),
        );
      }
      if (want.has('anonymous-nats')) {
        const s = start('anonymous-nats');
        const m = await anonymousNats(lab);
        rows.push(row('anonymous-nats', m.scenario, probeCells(m), s));
      }
    } finally {
      await lab.close();
    }
  }
  for (const key of ['anonymous-http', 'anonymous-socket'] as const) {
    if (!want.has(key)) continue;
    const f = await startCoordinatorFixture();
    try {
      const s = start(key);
      const m = key === 'anonymous-http' ? await anonymousHttp(f) : await anonymousSocket(f);
      rows.push(row(key, m.scenario, probeCells(m), s));
    } finally {
      await f.close();
    }
  }
  if (want.has('nats-tls')) {
    const s = start('nats-tls');
    const m = await natsTlsProbe();
    rows.push(row('nats-tls', m.scenario, { ...probeCells(m), tlsLinks: `${m.tlsLinks}/${m.links}` }, s));
  }

  const merged = [...keptRows(path.join(ctx.outDir, 'faults.json'), want), ...rows].sort(
    (a, b) => KEYS.indexOf(String(a['key'])) - KEYS.indexOf(String(b['key'])),
  );
  return {
    rows: merged,
    extra: {
      method:
        'one run per scenario, on the fault tests’ scenarios (test/faults/scenarios*.ts); rows from earlier --only runs kept, each with its commit, 1-min load average at its start, and time',
      targets: { lost: 0, duplicates: 0, refused: 'all', forged: 0, leaked: 0 },
    },
  };
}
