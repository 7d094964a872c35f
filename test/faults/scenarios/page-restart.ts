/**
 * The receiver page (headless Chromium, the real page and bundle) sends its record on
 * a socket whose coordinator is frozen (SIGSTOP) and then SIGKILLed, so the record never
 * leaves the dead socket's buffers. The page keeps every record until the coordinator
 * acknowledges it and sends it again once a coordinator welcomes it back; the restarted
 * coordinator (same runs folder, nats-server and join code) waits for the trial's receivers
 * before ending the trial it found running, so that record is written, once, as the page
 * computed it, not CANCELLED.
 *
 * Real processes and parts: nats-server with JetStream and credentials, `semaigc coordinator`
 * (frozen, killed, started again), `semaigc edge` on the real bundle, the receiver page in
 * headless Chromium joining with the code, an observer on NATS. Needs `npm run build` (the
 * CLI's dist) and Chromium. Never asserts: the test and the faults bench read the measure.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import {
  createCredentials,
  freePort,
  nodeCredsFile,
  readNatsCreds,
  startNatsServer,
  type NatsServer,
} from '@semaigc/node-kit';
import { decode, RECORD_SUBJECT, RECORDS_STREAM, type RecordMessage } from '@semaigc/protocol';
import { launchChromium } from '@semaigc/testkit';
import type { Browser } from 'playwright-core';
import { ensureReceiverWebBuilt } from '../../../apps/receiver-web/test/helpers/ensure-built';
import { joinReceiverPage } from '../../helpers/page-receiver';
import { readRecords } from '../auth-lab';
import {
  browserTrial,
  type CoordinatorProcess,
  coordinatorProcess,
  ended,
  postTrialTo,
  started,
  trialInfoWhenEnded,
} from '../coordinator-process';
import { waitFor } from '../helpers';
import { type NodeProcess, spawnNode } from '../process-lab';

export const PAGE_TRIAL = 'page-restart-1';
const TRIAL = PAGE_TRIAL;
const JOIN = 'JOINPAGE1';

export interface PageRestartMeasure {
  scenario: string;
  nodeId: string;
  /** Records on the broker before the kill (none may: the dead coordinator never read it). */
  publishedBeforeRestart: number;
  /** Publishes of the trial's records after the restart, and their distinct requests. */
  published: RecordMessage[];
  /** Record frames the page sent after the kill (its re-send). */
  resentFrames: number;
  /** Messages the records stream kept. */
  streamMessages: number;
  info: { state: string; summary?: unknown };
  records: RecordMessage[];
  /** From the restarted coordinator's start to the trial listed as ended. */
  recoveryMs: number;
}

export async function pageRecordRestart(): Promise<PageRestartMeasure> {
  const children: CoordinatorProcess[] = [];
  let dir = '';
  let nats: NatsServer | null = null;
  let edge: NodeProcess | null = null;
  let browser: Browser | null = null;
  let observer: NatsConnection | null = null;
  try {
    await ensureReceiverWebBuilt();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'semaigc-fault-page-'));
    const creds = createCredentials(path.join(dir, 'creds'), { nodes: [{ role: 'edge', ids: ['edge-1'] }] });
    nats = await startNatsServer({ jetstream: true, args: ['-c', creds.serverConfig] });
    const runs = path.join(dir, 'runs');
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const token = randomBytes(16).toString('hex');
    const args = [
      ...['--nats', nats.url, '--creds', creds.files.coordinator, '--port', String(port)],
      ...['--runs', runs, '--token', token, '--join-code', JOIN],
    ];
    let coordinator = coordinatorProcess(args);
    children.push(coordinator);
    await started(coordinator);
    edge = spawnNode(
      [
        'edge',
        '--nats',
        nats.url,
        '--creds',
        nodeCredsFile(creds, 'edge-1'),
        '--id',
        'edge-1',
        '--threads',
        '1',
      ],
      ['edge-1'],
    );

    // Records published on the broker (the coordinator's store of a page's record).
    observer = await connect({ servers: nats.url, authenticator: readNatsCreds(creds.files.observer) });
    const published: { record: RecordMessage; at: number }[] = [];
    observer.subscribe(RECORD_SUBJECT, {
      callback: (_e, m) => {
        const r = decode(m.data);
        if (r.type === 'record' && r.trialId === TRIAL) published.push({ record: r, at: Date.now() });
      },
    });
    await observer.flush();

    browser = await launchChromium();
    const page = await browser.newPage();
    // socket.io frames as the page sees them: a latent in freezes the coordinator, the
    // page's record out (after the freeze) kills it with the record unread.
    let frozenAt = 0;
    const recordFramesAt: number[] = [];
    page.on('websocket', (ws) => {
      ws.on('framereceived', (f) => {
        if (frozenAt === 0 && typeof f.payload === 'string' && f.payload.includes('["latent"')) {
          coordinator.child.kill('SIGSTOP');
          frozenAt = Date.now();
        }
      });
      ws.on('framesent', (f) => {
        if (typeof f.payload === 'string' && /^451-\d*\["record"/.test(f.payload))
          recordFramesAt.push(Date.now());
      });
    });
    const nodeId = await joinReceiverPage(page, { url: base, joinCode: JOIN }, 180_000);
    const edgeOnline = async (): Promise<boolean> => {
      const nodes = (await (await fetch(`${base}/api/nodes`)).json()) as { nodeId: string; status: string }[];
      return nodes.some((n) => n.nodeId === 'edge-1' && n.status === 'online');
    };
    for (const end = Date.now() + 180_000; !(await edgeOnline());) {
      if (Date.now() > end || edge.child.exitCode !== null)
        throw new Error(`edge-1 not online: ${edge.stderr()}`);
      await new Promise((r) => setTimeout(r, 250));
    }

    const posted = await postTrialTo(base, token, browserTrial(TRIAL, nodeId, 1, 120));
    if (posted.status !== 202) throw new Error(`trial not started: ${posted.status} ${await posted.text()}`);

    // The page computes while the coordinator is frozen, then sends its record into the
    // frozen socket; the kill comes once the frame is out (the kernel holds it, unread).
    await waitFor(() => recordFramesAt.find((t) => t >= frozenAt && frozenAt > 0), 240_000);
    await new Promise((r) => setTimeout(r, 500));
    coordinator.child.kill('SIGKILL');
    await waitFor(() => ended(coordinator), 10_000);
    const killedAt = Date.now();
    // The dead coordinator never read it: nothing should have reached the broker.
    const publishedBeforeRestart = published.length;

    const backAt = Date.now();
    coordinator = coordinatorProcess(args);
    children.push(coordinator);
    await started(coordinator);
    const info = await trialInfoWhenEnded(base, TRIAL, 120_000);
    const recoveryMs = Date.now() - backAt;
    const admin = await connect({ servers: nats.url, authenticator: readNatsCreds(creds.files.coordinator) });
    let streamMessages: number;
    try {
      streamMessages = (await (await jetstreamManager(admin)).streams.info(RECORDS_STREAM)).state.messages;
    } finally {
      await admin.close();
    }
    return {
      scenario: 'browser record + coordinator SIGKILL',
      nodeId,
      publishedBeforeRestart,
      published: published.map((p) => p.record),
      resentFrames: recordFramesAt.filter((t) => t > killedAt).length,
      streamMessages,
      info,
      records: readRecords(runs, TRIAL),
      recoveryMs,
    };
  } finally {
    await browser?.close();
    for (const c of children) {
      c.child.kill('SIGCONT');
      c.child.kill('SIGKILL');
    }
    await edge?.stop();
    await observer?.close().catch(() => undefined);
    await nats?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  }
}
