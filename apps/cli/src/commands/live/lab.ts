/**
 * `semaigc lab`: the embedded lab. Starts a private nats-server (unless --nats is given)
 * that admits only the role credentials (fresh ones in a temp dir, or --creds-dir's),
 * the coordinator with its dashboard, edges and headless receivers, waits for them to
 * register, runs the default trial (or --trial FILE) with a progress bar, prints the summary
 * table, and keeps the dashboard up until Ctrl-C (--once exits after the trial).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import {
  loadTrialConfig,
  renderSummaryTable,
  startCoordinator,
  type TrialConfig,
  type TrialConfigInput,
} from '@semaigc/coordinator';
import { startEdge } from '@semaigc/edge';
import {
  createCredentials,
  type CredentialSet,
  createLogger,
  loadNodePipeline,
  natsAuthFromCreds,
  natsTlsFromFlags,
  type NatsTlsFlags,
  nodeCredsFile,
  readCredentialSet,
  type ServiceRole,
  startNatsServer,
} from '@semaigc/node-kit';
import { startReceivers } from '@semaigc/receiver-node';
import { RECEIVER_WEB_ROOT, defaultLabTrial } from '../../live/defaults';
import { trialProgressBar } from '../../live/progress';
import { untilInterrupted } from '../../live/signals';
import { dataDirOption, tokenOption } from './security-options';
import { bundleOption, int, sfuListenIpOption, share, withNatsTls } from './options';
import { edgeSpecs, numberList } from '../../live/edge-specs';
import { runCalibration } from '../../live/calibrate';

interface LabOptions extends NatsTlsFlags {
  nats?: string;
  credsDir?: string;
  host: string;
  port: number;
  runs: string;
  bundle?: string;
  edges: number;
  receivers: number;
  edgeShare: number[];
  edgeCapacity?: number[];
  edgeGuidance?: number[];
  aspProfile?: string;
  calibrate?: number[];
  calibrateRequests: number;
  calibrateOut: string;
  receiverShare: number;
  trial?: string;
  requests?: number;
  stepTime?: number[];
  once: boolean;
  runTrial: boolean;
  token?: string;
  dataDir: string[];
  sfuListenIp?: string;
}

export function labCommand(): Command {
  return withNatsTls(new Command('lab'))
    .description(
      'Run the embedded lab: a private nats-server, the coordinator and dashboard, edges and headless receivers, and a default trial (40 requests over an SNR sweep of -6..15 dB, a = 10 of 20).',
    )
    .option('--nats <url>', 'use this NATS server instead of starting a private one (e.g. nats://host:4222)')
    .option(
      '--creds-dir <dir>',
      "credentials from 'semaigc creds init' with one for each of the lab's nodes (edge-0.., rx-0..) (default: fresh ones in a temp dir, removed at exit)",
    )
    .option(
      '--host <addr>',
      'HTTP listen address of the dashboard; 0.0.0.0 lets phones on the LAN join',
      '127.0.0.1',
    )
    .addOption(
      new Option('--port <n>', 'HTTP port of the dashboard (0: any free port)')
        .default(8080)
        .argParser(int('--port', 0, 65535)),
    )
    .option(
      '--runs <dir>',
      'where runs/<trial-id>/ (records.jsonl, records.csv, summary.json, images/) go',
      'runs',
    )
    .addOption(bundleOption())
    .addOption(sfuListenIpOption())
    .addOption(
      new Option('--edges <n>', 'edge transmitters to start in this process')
        .default(1)
        .argParser(int('--edges', 0, 64)),
    )
    .addOption(
      new Option('--receivers <n>', 'headless receivers to start in this process')
        .default(1)
        .argParser(int('--receivers', 0, 10000)),
    )
    .addOption(
      new Option(
        '--edge-share <p,...>',
        "edges' compute share p (PACR): each step stretched to measured/p; one value, or one per edge",
      )
        .default([1])
        .argParser(numberList('--edge-share', (p) => p > 0 && p <= 1, 'compute shares in (0, 1]')),
    )
    .addOption(
      new Option(
        '--edge-capacity <steps,...>',
        "denoising steps each edge holds in flight at once, announced (the trial's overload semantics apply beyond); one value, or one per edge",
      ).argParser(numberList('--edge-capacity', (n) => Number.isInteger(n) && n >= 1, 'integers >= 1')),
    )
    .addOption(
      new Option(
        '--edge-guidance <w,...>',
        "each edge's own classifier-free guidance scale (a different quality curve), announced; one value, or one per edge",
      ).argParser(numberList('--edge-guidance', (w) => w >= 0 && w <= 100, 'guidance scales in [0, 100]')),
    )
    .option(
      '--asp-profile <file>',
      "a calibrated profile ('semaigc asp calibrate'): edges announce its quality curves (matched by id edge-<i>)",
    )
    .addOption(
      new Option(
        '--calibrate <steps,...>',
        "measure each edge's quality-vs-steps curve: one trial per step count (a = T̂), fit the AaaS curve, save a calibrated profile (then exits)",
      ).argParser(numberList('--calibrate', (n) => Number.isInteger(n) && n >= 1, 'step counts >= 1')),
    )
    .addOption(
      new Option('--calibrate-requests <n>', 'requests per edge at each step count')
        .default(6)
        .argParser(int('--calibrate-requests', 1, 10000)),
    )
    .option('--calibrate-out <file>', 'where the calibrated profile goes', 'runs/asp/lab-profile.json')
    .addOption(
      new Option('--receiver-share <p>', "receivers' compute share p (weaker-device emulation)")
        .default(1)
        .argParser(share('--receiver-share')),
    )
    .option('--trial <file>', 'run this trial config (YAML or JSON) instead of the default trial')
    .addOption(
      new Option('--requests <n>', 'requests per receiver of the default trial (default 40)').argParser(
        int('--requests', 1, 1_000_000),
      ),
    )
    .addOption(
      new Option(
        '--step-time <edge_s,receiver_s>',
        "pad every edge and receiver step to this time, s at full share (the trial's stepTime; e.g. the paper's 0.2,0.368)",
      ).argParser(stepTimeArg),
    )
    .option('--once', 'exit after the trial instead of keeping the dashboard up', false)
    .option('--no-run-trial', 'start the lab and the dashboard without running a trial')
    .addOption(
      tokenOption('API token for the dashboard and mutating routes (default: a random one, printed)'),
    )
    .addOption(dataDirOption())
    .action(async (o: LabOptions) => {
      const level = process.env['SEMAIGC_LOG_LEVEL'] ?? 'warn';
      const log = (ns: string) => createLogger(ns, level);
      const tls = labNatsTls(o);
      const creds = labCredentials(o);
      const auth = (role: ServiceRole) => natsAuthFromCreds(creds?.files[role]);
      // Each node speaks only as itself: its own credentials.
      const nodeAuth = (id: string) => natsAuthFromCreds(creds ? nodeCredsFile(creds, id) : undefined);
      const closers: (() => Promise<void>)[] = [];
      if (creds && !o.credsDir)
        closers.push(() => fs.promises.rm(creds.dir, { recursive: true, force: true }));
      const nats = o.nats
        ? null
        : await startNatsServer(creds ? { args: ['-c', creds.serverConfig] } : {}).catch(
            async (err: unknown) => {
              for (const close of closers) await close();
              throw err;
            },
          );
      const natsUrl = o.nats ?? nats!.url;
      try {
        const coordinator = await startCoordinator({
          natsUrl,
          ...auth('coordinator'),
          ...tls,
          host: o.host,
          port: o.port,
          runsDir: o.runs,
          webRoot: RECEIVER_WEB_ROOT,
          ...(o.bundle ? { bundleDir: o.bundle } : {}),
          ...(o.token ? { apiToken: o.token } : {}),
          dataDirs: o.dataDir,
          ...(o.sfuListenIp ? { sfu: { listenIp: o.sfuListenIp } } : {}),
          logger: log('coordinator'),
        });
        closers.push(() => coordinator.close());
        process.stdout.write(
          `lab: NATS ${natsUrl}${nats ? ` (private, pid ${nats.pid})` : ''}` +
            (creds
              ? `, role credentials in ${creds.dir} (observer: --creds ${creds.files.observer})\n`
              : '\n') +
            // The only place the token is shown: the operator's terminal (the URL's fragment
            // carries it to the page; `semaigc trial run --token` takes it).
            `lab: dashboard ${coordinator.dashboardUrl}\n` +
            `lab: API token ${coordinator.apiToken}\n` +
            `lab: phones join ${coordinator.joinUrl} (code ${coordinator.joinCode})\n`,
        );
        // One pipeline shared by the in-process nodes: sessions load once.
        const pipeline = o.edges + o.receivers > 0 ? await loadNodePipeline({ bundleDir: o.bundle }) : null;
        if (pipeline) closers.push(() => pipeline.release());
        for (const spec of edgeSpecs(o)) {
          const e = await startEdge({
            natsUrl,
            ...nodeAuth(spec.id),
            ...tls,
            ...spec,
            pipeline: pipeline!,
            logger: log('edge'),
          });
          closers.push(() => e.close());
        }
        if (o.receivers > 0) {
          const rx = await startReceivers({
            natsUrl,
            ...nodeAuth(`${LAB_RECEIVER_PREFIX}-0`),
            ...tls,
            count: o.receivers,
            idPrefix: LAB_RECEIVER_PREFIX,
            pipeline: pipeline!,
            computeShare: o.receiverShare,
            logger: log('receiver'),
          });
          closers.push(() => rx.close());
        }
        if (o.calibrate) {
          const file = await runCalibration(coordinator, {
            steps: o.calibrate,
            requestsPerEdge: o.calibrateRequests,
            edges: o.edges,
            receivers: o.receivers,
            out: o.calibrateOut,
            log: (line) => void process.stdout.write(line + '\n'),
          });
          process.stdout.write(`lab: calibrated profile of ${file.edges.length} edges → ${o.calibrateOut}\n`);
        } else if (o.runTrial) {
          const chosen: TrialConfigInput | TrialConfig = o.trial
            ? await loadTrialConfig(o.trial)
            : { ...defaultLabTrial(o.bundle), ...(o.requests ? { requestsPerReceiver: o.requests } : {}) };
          const config = o.stepTime
            ? { ...chosen, stepTime: { edgeS: o.stepTime[0]!, receiverS: o.stepTime[1]! } }
            : chosen;
          const bar = trialProgressBar((config.requestsPerReceiver ?? 10) * Math.max(1, o.receivers));
          const summary = await coordinator.runTrial(config, { onProgress: (p, r) => bar.update(p, r) });
          bar.stop();
          process.stdout.write(renderSummaryTable(summary) + '\n');
        }
        if (!o.once) {
          process.stdout.write(`lab: dashboard stays up at ${coordinator.dashboardUrl} — Ctrl-C to stop\n`);
          await untilInterrupted();
        }
      } finally {
        for (const close of closers.reverse()) await close().catch(() => undefined);
        await nats?.stop();
      }
    });
}

/** `--step-time 0.2,0.368`: the edge's and the receivers' stated step times, s. */
function stepTimeArg(value: string): number[] {
  const list = numberList('--step-time', (n) => n > 0 && n <= 600, 'seconds in (0, 600]')(value);
  if (list.length !== 2)
    throw new InvalidArgumentError(`--step-time must be two values (edge_s,receiver_s), got '${value}'`);
  return list;
}

/** The lab's headless receivers are rx-0, rx-1, … */
const LAB_RECEIVER_PREFIX = 'rx';

/**
 * TLS to an external --nats server (--tls-ca, --tls-cert/--tls-key, as the single roles take
 * them). The private server listens on 127.0.0.1 in plain TCP, so the flags need --nats.
 */
export function labNatsTls(
  o: NatsTlsFlags & { nats?: string | undefined },
): ReturnType<typeof natsTlsFromFlags> {
  if (!o.nats && (o.tlsCa || o.tlsCert || o.tlsKey))
    throw new InvalidArgumentError(
      '--tls-ca, --tls-cert and --tls-key are for an external server: give --nats <url> too (the private nats-server speaks plain TCP on 127.0.0.1)',
    );
  return natsTlsFromFlags(o);
}

/**
 * The lab's role credentials: --creds-dir's, or fresh ones in a private temp dir for the
 * private server; none for an external --nats server without --creds-dir (an open server).
 */
function labCredentials(o: LabOptions): CredentialSet | null {
  if (o.credsDir) return readCredentialSet(o.credsDir);
  if (o.nats) return null;
  // One identity per edge, one for the receivers' process (all its ids).
  const receivers = Array.from({ length: o.receivers }, (_, i) => `${LAB_RECEIVER_PREFIX}-${i}`);
  return createCredentials(fs.mkdtempSync(path.join(os.tmpdir(), 'semaigc-creds-')), {
    nodes: [
      ...edgeSpecs(o).map((e) => ({ role: 'edge' as const, ids: [e.id] })),
      ...(receivers.length > 0 ? [{ role: 'receiver' as const, ids: receivers }] : []),
    ],
  });
}
