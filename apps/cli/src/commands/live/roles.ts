/**
 * Single roles for multi-machine labs: `semaigc coordinator`, `semaigc edge`,
 * `semaigc receiver`, each joining an existing NATS server and running until Ctrl-C.
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { startCoordinator } from '@semaigc/coordinator';
import { startEdge } from '@semaigc/edge';
import {
  createLogger,
  natsAuthFromCreds,
  natsLinkLost,
  natsTlsFromFlags,
  type NatsTlsFlags,
} from '@semaigc/node-kit';
import { startReceivers } from '@semaigc/receiver-node';
import { RECEIVER_WEB_ROOT } from '../../live/defaults';
import { untilInterrupted } from '../../live/signals';
import { announcedCurve, numberList } from '../../live/edge-specs';
import { dataDirOption, tokenOption } from './security-options';
import {
  bundleOption,
  computeShareOption,
  credsOption,
  int,
  sfuListenIpOption,
  natsOption,
  withNatsTls,
  threadsOption,
} from './options';

const logger = (ns: string) => createLogger(ns, process.env['SEMAIGC_LOG_LEVEL'] ?? 'info');

export function coordinatorCommand(): Command {
  return withNatsTls(new Command('coordinator'))
    .description(
      'Run the coordinator (registry, trials, recorder, dashboard, receiver web app) on an existing NATS server.',
    )
    .addOption(natsOption())
    .addOption(credsOption('coordinator'))
    .option(
      '--host <addr>',
      'HTTP listen address (default loopback only); 0.0.0.0 lets phones on the LAN join',
      '127.0.0.1',
    )
    .addOption(new Option('--port <n>', 'HTTP port').default(8080).argParser(int('--port', 0, 65535)))
    .option('--runs <dir>', 'where runs/<trial-id>/ go', 'runs')
    .addOption(bundleOption())
    .option('--public-url <url>', 'base URL phones use in the join link (default http://<lan-ip>:<port>)')
    .addOption(
      tokenOption('API token for the dashboard and mutating routes (default: a random one, printed)'),
    )
    .addOption(dataDirOption())
    .addOption(
      new Option(
        '--join-code <code>',
        'the code phones join with (default: a random one); keep it across restarts so pages reconnect by themselves',
      )
        .env('SEMAIGC_JOIN_CODE')
        .argParser(joinCodeArg),
    )
    .addOption(restartGraceOption())
    .addOption(sfuListenIpOption())
    .action(
      async (
        o: NatsTlsFlags & {
          nats: string;
          creds?: string;
          host: string;
          port: number;
          runs: string;
          bundle?: string;
          publicUrl?: string;
          token?: string;
          dataDir: string[];
          joinCode?: string;
          restartGraceMs?: number;
          sfuListenIp?: string;
        },
      ) => {
        const c = await startCoordinator({
          natsUrl: o.nats,
          ...natsAuthFromCreds(o.creds),
          ...natsTlsFromFlags(o),
          host: o.host,
          port: o.port,
          runsDir: o.runs,
          webRoot: RECEIVER_WEB_ROOT,
          ...(o.bundle ? { bundleDir: o.bundle } : {}),
          ...(o.publicUrl ? { publicUrl: o.publicUrl } : {}),
          ...(o.token ? { apiToken: o.token } : {}),
          dataDirs: o.dataDir,
          ...(o.joinCode ? { joinCode: o.joinCode } : {}),
          ...(o.restartGraceMs === undefined ? {} : { restartGraceMs: o.restartGraceMs }),
          ...(o.sfuListenIp ? { sfu: { listenIp: o.sfuListenIp } } : {}),
          logger: logger('coordinator'),
        });
        // The only place the token is shown: the operator's terminal.
        process.stdout.write(`coordinator: dashboard ${c.dashboardUrl}, phones join ${c.joinUrl}\n`);
        // Ctrl-C ends it; so does a NATS link that gave up (exit 1, naming why).
        await Promise.race([untilInterrupted(), natsLinkLost(c.natsGaveUp, 'coordinator')]).finally(() =>
          c.close().catch(() => undefined),
        );
      },
    );
}

/**
 * `--step-time <s>`: this node's device profile, each step padded to s at full share (s/p at
 * share p) when a request states no step time (a trial's `stepTime` wins); announced as the
 * node's step time, so policies and records see it.
 */
function stepTimeOption(role: string, paper: string): Option {
  return new Option(
    '--step-time <s>',
    `pad every ${role} step to this time, s at full share, unless the trial states one (the paper's ${paper})`,
  ).argParser((v) => numberList('--step-time', (n) => n > 0 && n <= 600, 'seconds in (0, 600]')(v)[0]!);
}

/**
 * `--restart-grace-ms <ms>`: startCoordinator's restartGraceMs. A coordinator restarted on the
 * runs folder and nats-server of one that died mid-trial waits this long for the receivers of
 * the trials it left running, so a page can re-send the record the dead one never
 * acknowledged, before it ends those trials; it serves no new trial meanwhile. Unset: the
 * coordinator's default (15 s, longer than a page's socket.io reconnect backoff).
 */
function restartGraceOption(): Option {
  return new Option(
    '--restart-grace-ms <ms>',
    'after a restart that finds trials the previous coordinator left running: how long to wait for their receivers to come back and re-send unacknowledged records before ending those trials (ends early once all are back; 0 ends them at once; default 15000)',
  ).argParser(int('--restart-grace-ms', 0, MAX_RESTART_GRACE_MS));
}

/** An hour: longer than any reconnect worth waiting for, and a typo of a few digits is refused. */
const MAX_RESTART_GRACE_MS = 3_600_000;

/** A join code as the coordinator takes it: 1-32 of A-Z a-z 0-9 _ -. */
function joinCodeArg(value: string): string {
  if (!/^[A-Za-z0-9_-]{1,32}$/.test(value))
    throw new InvalidArgumentError('--join-code must be 1-32 of A-Z a-z 0-9 _ -');
  return value;
}

export function edgeCommand(): Command {
  return withNatsTls(new Command('edge'))
    .description(
      'Run an edge transmitter: text encoding + a DDIM steps on onnxruntime-node, the channel, the latent to the receiver.',
    )
    .addOption(natsOption())
    .addOption(credsOption('edge'))
    .option('--id <id>', 'node id (letters, digits, - and _; default edge-<random>)')
    .addOption(computeShareOption('PACR p in (0, 1]: each step is stretched to measured/p; records say so'))
    .addOption(stepTimeOption('edge', '0.2'))
    .addOption(threadsOption())
    .addOption(bundleOption())
    .addOption(
      new Option(
        '--capacity <steps>',
        'denoising steps held in flight at once, announced (several-edge trials: the trial decides what an overload does)',
      ).argParser(int('--capacity', 1, 1_000_000)),
    )
    .option(
      '--guidance <w>',
      "this edge's own classifier-free guidance scale (instead of the request's), announced",
      (v) => numberList('--guidance', (w) => w >= 0 && w <= 100, 'a guidance scale in [0, 100]')(v)[0]!,
    )
    .option(
      '--asp-profile <file>',
      "a calibrated profile ('semaigc lab --calibrate'): announce this edge's quality curve from it (matched by --id)",
    )
    .action(
      async (
        o: NatsTlsFlags & {
          nats: string;
          creds?: string;
          id?: string;
          computeShare: number;
          stepTime?: number;
          threads: number;
          bundle?: string;
          capacity?: number;
          guidance?: number;
          aspProfile?: string;
        },
      ) => {
        const curve = o.aspProfile && o.id ? announcedCurve(o.aspProfile, o.id) : undefined;
        const e = await startEdge({
          ...(o.capacity === undefined ? {} : { capacitySteps: o.capacity }),
          ...(o.guidance === undefined ? {} : { guidanceScale: o.guidance }),
          ...(curve ? { qualityProfile: curve } : {}),
          natsUrl: o.nats,
          ...natsAuthFromCreds(o.creds),
          ...natsTlsFromFlags(o),
          ...(o.id ? { id: o.id } : {}),
          computeShare: o.computeShare,
          ...(o.stepTime === undefined ? {} : { stepTimeMs: o.stepTime * 1000 }),
          threads: o.threads,
          ...(o.bundle ? { bundleDir: o.bundle } : {}),
          logger: logger('edge'),
        });
        process.stdout.write(
          `edge ${e.id}: ready, measured step ${e.stepMs.toFixed(2)} ms, compute share ${o.computeShare}\n`,
        );
        await Promise.race([untilInterrupted(), natsLinkLost(e.gaveUp, `edge ${e.id}`)]).finally(() =>
          e.close().catch(() => undefined),
        );
      },
    );
}

export function receiverCommand(): Command {
  return withNatsTls(new Command('receiver'))
    .description(
      'Run headless receivers (onnxruntime-node): the receiver steps, decode, quality and records, for automation and load trials.',
    )
    .addOption(natsOption())
    .addOption(credsOption('receiver'))
    .addOption(
      new Option('--count <n>', 'receivers in this process (load trials)')
        .default(1)
        .argParser(int('--count', 1, 10000)),
    )
    .option('--id-prefix <prefix>', 'receiver ids are <prefix>-<n> (default rx-<random>)')
    .addOption(computeShareOption('weaker-device emulation: each receiver step stretched to measured/p'))
    .addOption(stepTimeOption('receiver', '0.368'))
    .addOption(threadsOption())
    .addOption(bundleOption())
    .action(
      async (
        o: NatsTlsFlags & {
          nats: string;
          creds?: string;
          count: number;
          idPrefix?: string;
          computeShare: number;
          stepTime?: number;
          threads: number;
          bundle?: string;
        },
      ) => {
        const r = await startReceivers({
          natsUrl: o.nats,
          ...natsAuthFromCreds(o.creds),
          ...natsTlsFromFlags(o),
          count: o.count,
          ...(o.idPrefix ? { idPrefix: o.idPrefix } : {}),
          computeShare: o.computeShare,
          ...(o.stepTime === undefined ? {} : { stepTimeMs: o.stepTime * 1000 }),
          threads: o.threads,
          ...(o.bundle ? { bundleDir: o.bundle } : {}),
          logger: logger('receiver'),
        });
        process.stdout.write(`receivers ready: ${r.ids.join(', ')}\n`);
        await Promise.race([
          untilInterrupted(),
          natsLinkLost(r.gaveUp, `receivers ${r.ids.join(', ')}`),
        ]).finally(() => r.close().catch(() => undefined));
      },
    );
}
