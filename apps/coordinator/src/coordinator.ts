/**
 * `startCoordinator()`: one process that owns the node registry, runs trials, relays
 * payloads to browsers and serves the dashboard. It composes
 *
 *   NATS connection ── NatsBridge ──┐
 *   HTTP (fastify) ─── SocketHub ───┼─▶ Coordinator (inbox) ─▶ NodeRegistry, TrialRun, Recorder
 *                    └ routes (/dashboard, /api, /r, /bundle)
 *
 * Both transports decode into the same inbox, so a browser receiver and a headless one are
 * handled by the same code. One trial runs at a time.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { type Authenticator, connect, type NatsConnection, type TlsOptions } from '@nats-io/transport-node';
import { DEFAULT_BUNDLE_DIR } from '@semaigc/models';
import {
  type ByeMessage,
  decode,
  describeError,
  encode,
  errorMessage,
  ERROR_SUBJECT,
  followNatsLink,
  NatsLinkTracker,
  natsReconnectOptions,
  type NatsLinkState,
  type ErrorMessage,
  type HeartbeatMessage,
  type HelloMessage,
  type ImageMessage,
  type LatentMessage,
  makeMessage,
  nodeControlSubject,
  type PreviewMessage,
  ProtocolError,
  receiverRequestSubject,
  type RecordMessage,
  type RequestMessage,
  type TrialEndMessage,
  trialEventsSubject,
  type TrialStartMessage,
  type WebRtcMode,
  type WelcomeMessage,
} from '@semaigc/protocol';
import pino, { type Logger } from 'pino';
import type { DashboardSnapshot, JoinInfo, TrialInfo } from './api-types';
import { parseTrialConfig, type TrialConfig, type TrialConfigInput } from './config/trial-config';
import { confineConfigPaths } from './config/file-paths';
import { Durability } from './durable/durability';
import { DEFAULT_RESTART_GRACE_MS, restartGrace } from './durable/restart-grace';
import type { TrialMeta } from './durable/trial-journal';
import { RunFolderExistsError, StartupError, TrialStartError } from './errors';
import { makeApiToken } from './http/guard';
import { createHttpServer } from './http/server';
import { joinUrl, makeJoinCode, reachableHost } from './http/join';
import { countDrop, countRefusal, createMetrics, type CoordinatorMetrics } from './metrics';
import { encodePng } from './recorder/png';
import { runFiles } from './recorder/recorder';
import type { TrialSummary } from './recorder/summary';
import {
  HelloRefusedError,
  NodeRegistry,
  type NodeEntry,
  type NodeTransport,
} from './registry/node-registry';
import type { Verdict } from './trial/acceptance';
import { makeTrialId } from './trial/ids';
import type { RunTrialOptions, TrialLinks } from './trial/links';
import { TrialRun } from './trial/trial-run';
import type { CoordinatorInbox, DropReport, Via } from './transport/inbox';
import { NatsBridge } from './transport/nats-bridge';
import { SocketHub } from './transport/socket-hub';
import { DeliveryLog } from './transport/delivery-log';
import { type CoordinatorSfuOptions, WebRtcDelivery } from './transport/webrtc-delivery';

export interface CoordinatorOptions {
  natsUrl: string;
  /** Credentials for an authenticated server (node-kit's readNatsCreds, role coordinator). */
  natsAuthenticator?: Authenticator;
  /** TLS to the NATS server (`caFile` of a lab CA; node-kit's natsTlsFromFlags). */
  natsTls?: TlsOptions;
  /** HTTP listen address (default 127.0.0.1; 0.0.0.0 so phones on the LAN can join). */
  host?: string;
  /** HTTP port (default 0: any free port; see `url`). */
  port?: number;
  /** Where runs/<trial-id>/ folders go (default 'runs'). */
  runsDir?: string;
  /** The receiver web app's build (apps/receiver-web/dist), served at /r/. */
  webRoot?: string;
  /** The model bundle, served at /bundle/ and read for the caption grammar (default: packages/models/default if present). */
  bundleDir?: string;
  /** The dashboard's build (default: this package's dist/web/). */
  dashboardRoot?: string;
  logger?: Logger;
  heartbeatIntervalMs?: number;
  nodeTimeoutMs?: number;
  coordinatorId?: string;
  /** Default: a random 6-character code. */
  joinCode?: string;
  /** Refuse browser receivers whose handshake lacks `auth: { join: code }` (default true). */
  requireJoinCode?: boolean;
  /**
   * The token mutating HTTP routes, the join routes and the dashboard stream need (default:
   * 32 random bytes, see `apiToken` on the handle). Never logged.
   */
  apiToken?: string;
  /**
   * Directories files named in configs posted over HTTP may lie in, besides the repo's
   * infra/ and runsDir (trace CSVs, ROOT checkpoints).
   */
  dataDirs?: string[];
  /** Base URL phones use (default http://<lan-ip or host>:<port>). */
  publicUrl?: string;
  /**
   * When the store holds trials a previous coordinator left running: how long this one
   * listens for their receivers to come back and re-send what that one never acknowledged
   * before it ends them (durable/restart-grace.ts; default 15 s, 0 ends them at once).
   * startCoordinator resolves after it.
   */
  restartGraceMs?: number;
  /**
   * The SFU a trial with `delivery: { transport: 'webrtc' }` starts (once, when the first
   * such trial starts): UDP on `listenIp` (default 127.0.0.1; a LAN address so phones reach
   * it, or 0.0.0.0 with `announcedAddress`), ports rtcMinPort…rtcMaxPort (40000-49999).
   */
  sfu?: CoordinatorSfuOptions;
  /** How long a latent waits for a page still opening its WebRTC path, ms (default 5000). */
  webrtcWaitMs?: number;
}

export const DEFAULT_COORDINATOR = Object.freeze({
  host: '127.0.0.1',
  port: 0,
  runsDir: 'runs',
  dashboardRoot: path.resolve(__dirname, '..', 'dist', 'web'),
  /** The repo's infra/ (example traces and trials), readable by configs posted over HTTP. */
  infraDir: path.resolve(__dirname, '..', '..', '..', 'infra'),
});

export type StartTrialOptions = RunTrialOptions;

export interface CoordinatorHandle {
  /** http://host:port of the dashboard and API. */
  readonly url: string;
  readonly natsUrl: string;
  readonly coordinatorId: string;
  readonly joinCode: string;
  readonly joinUrl: string;
  /** The API token (for `Authorization: Bearer`, and the dashboard's `#token=`). */
  readonly apiToken: string;
  /** The dashboard URL with the token in its fragment (fragments never reach a server log). */
  readonly dashboardUrl: string;
  readonly registry: NodeRegistry;
  readonly metrics: CoordinatorMetrics;
  /** The NATS link: connected, reconnecting (it retries indefinitely) or closed. */
  natsState(): NatsLinkState;
  /** Resolves with the error if the NATS connection gives up; never on close(). */
  readonly natsGaveUp: Promise<Error>;
  /** Validates the config, runs the trial to its end and returns its summary. */
  runTrial(config: TrialConfigInput | TrialConfig, options?: StartTrialOptions): Promise<TrialSummary>;
  /** Like runTrial, but returns the trial id at once (config errors still throw synchronously). */
  startTrial(config: unknown, options?: StartTrialOptions): { trialId: string; done: Promise<TrialSummary> };
  trials(): TrialInfo[];
  /** Aborts the running trial (its summary says 'aborted'). */
  abortTrial(reason?: string): void;
  /** Receivers with a WebRTC path through the SFU open now (empty before a WebRTC trial). */
  webrtcReceivers(): string[];
  close(): Promise<void>;
}

/** Throttle for dashboard node-list pushes (beats from many nodes would flood the page). */
const DASHBOARD_PUSH_MS = 250;

/** A trial the coordinator lists: one it runs, or one a previous coordinator ran (durable/). */
type KnownTrial = Pick<TrialRun, 'info' | 'onPreview'>;

class Coordinator implements CoordinatorInbox {
  readonly metrics = createMetrics();
  readonly registry: NodeRegistry;
  readonly trials = new Map<string, KnownTrial>();
  active: { run: TrialRun; done: Promise<TrialSummary>; delivery: TrialConfig['delivery'] } | null = null;
  hub: SocketHub | null = null;
  /** JetStream records and trial state; null when the server has no JetStream. */
  durable: Durability | null = null;
  join: JoinInfo = { code: '', url: '' };
  private pushTimer: NodeJS.Timeout | null = null;
  private readonly rehelloAt = new Map<string, number>();
  /** How each payload travelled, for its record. */
  readonly deliveries = new DeliveryLog();
  readonly webrtc: WebRtcDelivery;

  constructor(
    readonly coordinatorId: string,
    readonly nc: NatsConnection,
    readonly log: Logger,
    readonly opts: {
      runsDir: string;
      bundleDir: string | undefined;
      heartbeatIntervalMs?: number;
      nodeTimeoutMs?: number;
      sfu?: CoordinatorSfuOptions;
      webrtcWaitMs?: number;
    },
  ) {
    this.webrtc = new WebRtcDelivery({
      log,
      ...(opts.sfu ? { sfu: opts.sfu } : {}),
      ...(opts.webrtcWaitMs === undefined ? {} : { waitMs: opts.webrtcWaitMs }),
    });
    this.registry = new NodeRegistry({
      ...(opts.heartbeatIntervalMs === undefined ? {} : { heartbeatIntervalMs: opts.heartbeatIntervalMs }),
      ...(opts.nodeTimeoutMs === undefined ? {} : { nodeTimeoutMs: opts.nodeTimeoutMs }),
    });
    this.registry.on('online', (n, { reconnect }) => {
      this.log.info(
        { nodeId: n.nodeId, role: n.role, transport: n.transport.kind, reconnect },
        'node online',
      );
      this.active?.run.onNodeOnline(n);
    });
    this.registry.on('offline', (n, reason, { bye }) => {
      // A node that says bye is leaving normally (a lab shutting down); one that falls
      // silent is worth a warning.
      this.log[bye ? 'info' : 'warn']({ nodeId: n.nodeId, role: n.role, reason }, 'node offline');
      this.active?.run.onNodeOffline(n, reason);
    });
    this.registry.on('update', () => this.schedulePush());
  }

  // ---- inbox -------------------------------------------------------------------------

  hello(msg: HelloMessage, transport: NodeTransport): WelcomeMessage | ErrorMessage {
    try {
      this.registry.hello(msg, transport);
    } catch (err) {
      if (!(err instanceof HelloRefusedError)) throw err;
      this.drop({ via: transport.kind, where: 'hello', nodeId: msg.nodeId, err });
      return errorMessage(err.code, err.message, { nodeId: msg.nodeId });
    }
    return makeMessage('welcome', {
      nodeId: msg.nodeId,
      coordinatorId: this.coordinatorId,
      heartbeatIntervalMs: this.registry.heartbeatIntervalMs,
      nodeTimeoutMs: this.registry.nodeTimeoutMs,
      serverTime: Date.now(),
    });
  }

  heartbeat(msg: HeartbeatMessage, via: Via): void {
    if (this.registry.heartbeat(msg)) return;
    this.metrics.unknownHeartbeats += 1;
    this.log.debug({ nodeId: msg.nodeId, via }, 'heartbeat from a node that said no hello');
    // A node that beats without a hello (the coordinator restarted) is told to say hello
    // again, at most once per node timeout, on its control subject.
    const last = this.rehelloAt.get(msg.nodeId) ?? 0;
    if (via === 'nats' && Date.now() - last > this.registry.nodeTimeoutMs) {
      this.rehelloAt.set(msg.nodeId, Date.now());
      const err = errorMessage('NODE_LOST', 'unknown node: send hello again', { nodeId: msg.nodeId });
      this.nc.publish(nodeControlSubject(msg.nodeId), encode(err));
    }
  }

  bye(msg: ByeMessage): void {
    this.registry.bye(msg);
  }

  record(received: RecordMessage, via: Via, sender: string = received.receiverId): Verdict['kind'] {
    // The coordinator's account of how the payload travelled replaces the receiver's claim.
    const msg = this.deliveries.stamp(received, sender);
    const verdict = this.active?.run.onRecord(msg, sender) ?? { kind: 'unknown' };
    if (verdict.kind === 'due') {
      this.metrics.records.accepted += 1;
      return verdict.kind;
    }
    if (verdict.kind === 'not-due') {
      this.notDue(via, 'record', sender, verdict.why);
      return verdict.kind;
    }
    this.metrics.records.unknown += 1;
    this.log.info(
      { nodeId: msg.receiverId, requestId: msg.requestId, trialId: msg.trialId, via },
      'record for no request in flight (late, duplicate or another trial): not written',
    );
    return verdict.kind;
  }

  preview(msg: PreviewMessage, via: Via, sender: string = msg.receiverId): void {
    this.metrics.previews.received += 1;
    // Only a request of a running (or just ended) trial gets a preview, one, from its receiver.
    const verdict = this.trials.get(msg.trialId)?.onPreview(msg, sender) ?? { kind: 'unknown' };
    if (verdict.kind === 'not-due') this.notDue(via, 'preview', sender, verdict.why);
    if (verdict.kind !== 'due') return;
    this.hub?.toDashboards('preview', encode(msg));
    const runDir = this.trials.get(msg.trialId)?.info.runDir;
    if (!runDir) return;
    const file = path.join(runDir, 'images', `${msg.requestId}.png`);
    try {
      const png = encodePng(msg.image.width, msg.image.height, msg.image.data);
      fs.promises.writeFile(file, png).then(
        () => (this.metrics.previews.saved += 1),
        (err: unknown) => this.log.warn({ nodeId: msg.receiverId, file, err, via }, 'could not save preview'),
      );
    } catch (err) {
      this.log.warn({ nodeId: msg.receiverId, err, via }, 'bad preview image');
    }
  }

  error(msg: ErrorMessage, via: Via, nodeId: string): void {
    if (msg.code === 'MODEL_TOO_LARGE' && msg.requestId === undefined) {
      // A node that will not serve at all (it said no hello): no request to settle, but the
      // lab must see it, so it is logged and shown on the dashboard.
      countRefusal(this.metrics, nodeId, { code: msg.code, reason: msg.reason, at: Date.now() });
      this.log.warn({ nodeId, via, code: msg.code, reason: msg.reason }, 'node refused to serve');
      this.schedulePush();
      return;
    }
    const verdict = this.active?.run.onError(msg, nodeId) ?? { kind: 'unknown' };
    if (verdict.kind === 'not-due') {
      this.notDue(via, 'error', nodeId, verdict.why);
      return;
    }
    const used = verdict.kind === 'due';
    this.log.warn(
      { nodeId, via, code: msg.code, requestId: msg.requestId, reason: msg.reason, used },
      'error from node',
    );
  }

  payload(receiverId: string, msg: LatentMessage | ImageMessage, bytes: Uint8Array): void {
    this.active?.run.onPayload(msg.requestId);
    const node = this.registry.get(receiverId);
    const asked = this.active?.delivery ?? null;
    const requested = asked?.transport ?? null;
    if (node?.transport.kind === 'socket' && this.hub) {
      if (asked?.transport === 'webrtc') void this.relayWebRtc(receiverId, msg, bytes, asked.mode);
      else this.relay(receiverId, msg, bytes, { transport: 'socket', requested });
    } else if (node) {
      this.deliveries.note(msg.request, { transport: 'nats', requested });
    }
  }

  private relay(
    receiverId: string,
    msg: LatentMessage | ImageMessage,
    bytes: Uint8Array,
    delivery: Parameters<DeliveryLog['note']>[1],
  ): void {
    this.deliveries.note(msg.request, delivery);
    this.hub?.sendToNode(receiverId, msg.type, bytes);
    this.metrics.relayed[msg.type] += 1;
  }

  /** The trial asks for WebRTC: the latent through the SFU when the page has a path, else socket.io. */
  private async relayWebRtc(
    receiverId: string,
    msg: LatentMessage | ImageMessage,
    bytes: Uint8Array,
    mode: WebRtcMode,
  ): Promise<void> {
    if (msg.type === 'image') {
      const fallback = 'an image payload (Edge AIGC) always goes over socket.io';
      this.relay(receiverId, msg, bytes, { transport: 'socket', requested: 'webrtc', fallback });
      return;
    }
    const route = await this.webrtc
      .route(receiverId, msg, bytes.byteLength, mode)
      .catch(
        (err: unknown) =>
          ({ kind: 'socket', fallback: `the SFU refused it: ${describeError(err)}` }) as const,
      );
    if (route.kind === 'socket') {
      this.log.info(
        { nodeId: receiverId, requestId: msg.requestId, why: route.fallback },
        'latent over socket.io',
      );
      this.relay(receiverId, msg, bytes, {
        transport: 'socket',
        requested: 'webrtc',
        fallback: route.fallback,
      });
      return;
    }
    const { packets } = route.header;
    this.deliveries.note(msg.request, {
      transport: 'webrtc',
      requested: 'webrtc',
      mode: packets.mode,
      packetsSent: packets.count,
    });
    this.hub?.sendToNode(receiverId, 'latent.packets', encode(route.header));
    this.metrics.relayed.latent += 1;
  }

  /** A record, error or preview from a node it is not due from: counted and logged as NOT_DUE. */
  private notDue(via: Via, where: string, nodeId: string, why: string): void {
    this.drop({ via, where, nodeId, err: new ProtocolError(why, { code: 'NOT_DUE' }) });
  }

  drop(r: DropReport): void {
    const code = r.err instanceof ProtocolError ? r.err.code : 'BAD_MESSAGE';
    countDrop(this.metrics, code, r.nodeId);
    // A misbehaving peer's message: one line, no stack (its sender and code say enough).
    const reason = describeError(r.err);
    this.log.warn(
      { nodeId: r.nodeId, via: r.via, where: r.where, code, reason },
      'dropped message from node',
    );
    this.schedulePush();
  }

  // ---- links the trials use ------------------------------------------------------------

  /** `config`: the trial's, stored with its durable state. */
  links(config?: TrialConfig): TrialLinks {
    return {
      requestEdge: async (subject, bytes, timeoutMs) => {
        await this.journalRequest(bytes);
        return (await this.nc.request(subject, bytes, { timeout: timeoutMs })).data;
      },
      toReceiver: (node: NodeEntry, event, bytes) => {
        // A (re-)assigned page opens its WebRTC path again: wait for it again.
        if (event === 'trial.assign') this.webrtc.reset(node.nodeId);
        const send = (): void => {
          if (node.transport.kind === 'socket') {
            this.hub?.sendToNode(node.nodeId, event, bytes);
            return;
          }
          const subject =
            event === 'request' ? receiverRequestSubject(node.nodeId) : nodeControlSubject(node.nodeId);
          this.nc.publish(subject, bytes);
        };
        if (event === 'request' && this.durable) void this.journalRequest(bytes).then(send);
        else send();
      },
      toEdgeControl: (edgeId, bytes) => this.nc.publish(nodeControlSubject(edgeId), bytes),
      trialEvent: (trialId, event, bytes) => {
        this.nc.publish(trialEventsSubject(trialId), bytes);
        this.hub?.toDashboards(event, bytes);
        if (event !== 'trial.progress') this.hub?.toDashboards('trials', this.trialInfos());
        if (event === 'trial.start') {
          const info = this.trials.get(trialId)?.info;
          this.durable?.trialStarted(
            decode(bytes) as TrialStartMessage,
            config ?? null,
            info?.runDir ?? runFiles(this.opts.runsDir, trialId).dir,
            info?.createdAt ?? Date.now(),
          );
        } else if (event === 'trial.end') this.durable?.trialEnded(decode(bytes) as TrialEndMessage);
      },
      recordWritten: (record, bytes) => {
        this.durable?.recordWritten(record);
        this.hub?.toDashboards('record', bytes);
      },
    };
  }

  /** Stores an attempt in the trial's durable state before it is sent; never rejects. */
  private async journalRequest(bytes: Uint8Array): Promise<void> {
    if (!this.durable) return;
    try {
      const request = decode(bytes) as RequestMessage;
      const receiver = this.registry.get(request.receiverId);
      if (!receiver) return;
      const edge = request.edgeId ? this.registry.get(request.edgeId) : undefined;
      await this.durable.requestSending(request, receiver.capabilities, edge?.capabilities ?? null);
    } catch (err) {
      this.log.warn({ reason: describeError(err) }, 'could not journal a request');
    }
  }

  /** `confineTo`: for configs from outside (HTTP), the directories their files must lie in. */
  startTrial(
    input: unknown,
    options: StartTrialOptions = {},
    confineTo?: readonly string[],
  ): { trialId: string; done: Promise<TrialSummary> } {
    const cfg = parseTrialConfig(input);
    if (confineTo) confineConfigPaths(cfg, confineTo);
    if (this.active) {
      throw new TrialStartError(`trial ${this.active.run.trialId} is running; one trial runs at a time`);
    }
    const trialId = cfg.id ?? makeTrialId(cfg.name);
    const dir = runFiles(this.opts.runsDir, trialId).dir;
    if (this.trials.has(trialId) || fs.existsSync(dir)) throw new RunFolderExistsError(trialId, dir);
    const run = new TrialRun(
      {
        coordinatorId: this.coordinatorId,
        registry: this.registry,
        links: this.links(cfg),
        logger: this.log.child({ trialId }),
        runsDir: this.opts.runsDir,
        bundleDir: this.opts.bundleDir,
        errorSubject: ERROR_SUBJECT,
        now: Date.now,
      },
      cfg,
      trialId,
    );
    this.trials.set(trialId, run);
    this.log.info({ trialId, name: cfg.name, policy: cfg.policy.kind }, 'trial starting');
    // The SFU is up before the trial assigns its receivers, so their pages can open a path.
    const sfuReady = cfg.delivery.transport === 'webrtc' ? this.webrtc.ensure() : Promise.resolve();
    const done = sfuReady
      .then(() => run.run(options))
      .finally(() => {
        if (this.active?.run === run) this.active = null;
        this.hub?.toDashboards('trials', this.trialInfos());
      });
    this.active = { run, done, delivery: cfg.delivery };
    this.hub?.toDashboards('trials', this.trialInfos());
    return { trialId, done };
  }

  trialInfos(): TrialInfo[] {
    return [...this.trials.values()].map((t) => t.info).sort((a, b) => b.createdAt - a.createdAt);
  }

  snapshot(): DashboardSnapshot {
    return {
      coordinatorId: this.coordinatorId,
      join: this.join,
      nodes: this.registry.summaries(),
      trials: this.trialInfos(),
      metrics: this.metrics,
    };
  }

  private schedulePush(): void {
    if (this.pushTimer || !this.hub) return;
    this.pushTimer = setTimeout(() => {
      this.pushTimer = null;
      this.hub?.toDashboards('nodes', this.registry.summaries());
      this.hub?.toDashboards('metrics', this.metrics);
    }, DASHBOARD_PUSH_MS);
    this.pushTimer.unref();
  }

  stopPushes(): void {
    if (this.pushTimer) clearTimeout(this.pushTimer);
    this.pushTimer = null;
  }
}

function checkOptions(o: CoordinatorOptions): void {
  if (typeof o !== 'object' || o === null) throw new TypeError('startCoordinator: options must be an object');
  if (typeof o.natsUrl !== 'string' || o.natsUrl.length === 0) {
    throw new TypeError('startCoordinator: natsUrl must be a NATS URL such as nats://127.0.0.1:4222');
  }
  if (o.port !== undefined && (!Number.isInteger(o.port) || o.port < 0 || o.port > 65535)) {
    throw new TypeError(`startCoordinator: port must be an integer in [0, 65535], got ${o.port}`);
  }
  if (o.joinCode !== undefined && !/^[A-Za-z0-9_-]{1,32}$/.test(o.joinCode)) {
    throw new TypeError('startCoordinator: joinCode must be 1-32 of A-Z a-z 0-9 _ -');
  }
  // The token is not echoed: a wrong one in a log or terminal would half-leak a right one.
  if (o.apiToken !== undefined && !/^[A-Za-z0-9_-]{16,128}$/.test(o.apiToken)) {
    throw new TypeError('startCoordinator: apiToken must be 16-128 of A-Z a-z 0-9 _ -');
  }
}

export async function startCoordinator(options: CoordinatorOptions): Promise<CoordinatorHandle> {
  checkOptions(options);
  const host = options.host ?? DEFAULT_COORDINATOR.host;
  const coordinatorId = options.coordinatorId ?? `coord-${randomBytes(3).toString('hex')}`;
  const parent = options.logger ?? pino({ name: 'semaigc' });
  // A caller's logger usually carries its namespace already (node-kit's createLogger);
  // binding it again would write "ns" twice on every line.
  const ns = parent.bindings()['ns'] === undefined ? { ns: 'coordinator' } : {};
  const log = parent.child({ ...ns, coordinatorId });
  const bundleDir = options.bundleDir ?? (fs.existsSync(DEFAULT_BUNDLE_DIR) ? DEFAULT_BUNDLE_DIR : undefined);

  const runsDir = options.runsDir ?? DEFAULT_COORDINATOR.runsDir;
  const fileRoots = [DEFAULT_COORDINATOR.infraDir, runsDir, ...(options.dataDirs ?? [])];

  let nc: NatsConnection;
  // Through an outage the link reconnects forever with backoff, each change logged once;
  // /healthz reports it.
  const natsLink = new NatsLinkTracker();
  try {
    nc = await connect({
      servers: options.natsUrl,
      name: `semaigc-${coordinatorId}`,
      ...natsReconnectOptions(natsLink),
      ...(options.natsAuthenticator ? { authenticator: options.natsAuthenticator } : {}),
      ...(options.natsTls ? { tls: options.natsTls } : {}),
    });
  } catch (err) {
    throw new StartupError(`cannot connect to NATS at ${options.natsUrl}: ${(err as Error).message}`, {
      cause: err,
    });
  }
  // Durable trials: the records stream and trial state, and the trials a previous
  // coordinator on this runs folder left running, ended before anything else starts.
  let durable: Durability | null;
  let known: TrialInfo[];
  // Trials left running wait out the restart grace (below) before they are ended.
  let leftRunning: TrialMeta[];
  const graceMs = options.restartGraceMs ?? DEFAULT_RESTART_GRACE_MS;
  try {
    durable = await Durability.open(nc, { runsDir, coordinatorId, log });
    leftRunning = durable && graceMs > 0 ? await durable.leftRunning() : [];
    known = (await (leftRunning.length > 0 ? durable?.list() : durable?.recover())) ?? [];
  } catch (err) {
    await nc.close().catch(() => undefined);
    throw new StartupError(`JetStream on ${options.natsUrl}: ${describeError(err)}`, { cause: err });
  }
  const natsClosed = followNatsLink(nc, natsLink, (c) => log[c.level](c.fields, c.msg));
  const natsGaveUp = natsClosed.then((err) => err ?? new Promise<Error>(() => undefined));
  const core = new Coordinator(coordinatorId, nc, log, {
    runsDir,
    bundleDir,
    ...(options.heartbeatIntervalMs === undefined
      ? {}
      : { heartbeatIntervalMs: options.heartbeatIntervalMs }),
    ...(options.nodeTimeoutMs === undefined ? {} : { nodeTimeoutMs: options.nodeTimeoutMs }),
    ...(options.sfu ? { sfu: options.sfu } : {}),
    ...(options.webrtcWaitMs === undefined ? {} : { webrtcWaitMs: options.webrtcWaitMs }),
  });
  core.durable = durable;
  const listTrials = (infos: TrialInfo[]): void => {
    for (const info of infos) core.trials.set(info.trialId, { info, onPreview: () => ({ kind: 'unknown' }) });
  };
  listTrials(known);
  /** During the restart grace no trial starts: the records consumer is not placed yet. */
  let ending = leftRunning.length > 0;
  const joinCode = options.joinCode ?? makeJoinCode();
  const apiToken = options.apiToken ?? makeApiToken();

  const app = await createHttpServer({
    dashboardRoot: options.dashboardRoot ?? DEFAULT_COORDINATOR.dashboardRoot,
    webRoot: options.webRoot,
    bundleDir,
    token: apiToken,
    api: {
      nodes: () => core.registry.summaries(),
      trials: () => core.trialInfos(),
      trial: (id) => core.trials.get(id)?.info,
      startTrial: (cfg) => {
        if (ending)
          throw new TrialStartError(
            'the coordinator is still ending the trials it found running after a restart (restart grace); try again in a few seconds',
          );
        return core.startTrial(cfg, {}, fileRoots);
      },
      abortTrial: (id, reason) => {
        if (core.active?.run.trialId !== id) return false;
        core.active.run.abort(reason);
        return true;
      },
      join: () => core.join,
      metrics: () => core.metrics,
      natsState: () => natsLink.state,
    },
  });
  const countNats = (): void => {
    core.metrics.received.nats += 1;
  };
  const bridge = new NatsBridge(nc, core, countNats, { records: durable === null });
  let port: number;
  try {
    await app.listen({ host, port: options.port ?? DEFAULT_COORDINATOR.port });
    const addr = app.server.address();
    port = typeof addr === 'object' && addr ? addr.port : (options.port ?? 0);
    core.hub = new SocketHub(app.server, {
      registry: core.registry,
      inbox: core,
      metrics: core.metrics,
      snapshot: () => core.snapshot(),
      joinCode: (options.requireJoinCode ?? true) ? joinCode : null,
      apiToken,
      webrtc: core.webrtc,
      // Browser records go through the records stream too, so a restart keeps them.
      storeRecord: durable ? (record, bytes) => durable.storeRecord(record, bytes) : undefined,
    });
    bridge.start();
    await bridge.ready();
    if (durable && leftRunning.length > 0) {
      await restartGrace({
        receiverIds: [...new Set(leftRunning.flatMap((m) => m.receiverIds))],
        online: (id) => core.registry.get(id)?.status === 'online',
        graceMs,
        log,
      });
      listTrials(await durable.recover());
      ending = false;
    }
    await durable?.startIntake(core, countNats);
  } catch (err) {
    await durable?.stop().catch(() => undefined);
    await app.close().catch(() => undefined);
    await nc.close().catch(() => undefined);
    throw new StartupError(`coordinator could not start: ${(err as Error).message}`, { cause: err });
  }
  core.registry.start();

  const localHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : reachableHost(host);
  const url = `http://${localHost}:${port}`;
  const publicBase = options.publicUrl ?? `http://${reachableHost(host)}:${port}`;
  core.join = { code: joinCode, url: joinUrl(publicBase, joinCode) };
  log.info({ url, natsUrl: options.natsUrl, join: core.join.url }, 'coordinator up');

  let closing: Promise<void> | null = null;
  return {
    url,
    natsUrl: options.natsUrl,
    coordinatorId,
    joinCode,
    joinUrl: core.join.url,
    apiToken,
    dashboardUrl: `${url}/dashboard/#token=${apiToken}`,
    registry: core.registry,
    metrics: core.metrics,
    natsState: () => natsLink.state,
    natsGaveUp,
    runTrial: (config, opts) => core.startTrial(config, opts).done,
    startTrial: (config, opts) => core.startTrial(config, opts),
    trials: () => core.trialInfos(),
    abortTrial: (reason = 'aborted') => core.active?.run.abort(reason),
    webrtcReceivers: () => core.webrtc.receivers(),
    close(): Promise<void> {
      closing ??= (async () => {
        const active = core.active;
        if (active) {
          active.run.abort('coordinator closing');
          await active.done.catch(() => undefined);
        }
        core.registry.stop();
        core.stopPushes();
        bridge.stop();
        await durable?.stop().catch((err: unknown) => log.warn({ err }, 'durable records: stop failed'));
        await core.hub?.close();
        core.webrtc.close();
        await app.close();
        await nc.drain().catch(() => nc.close());
        log.info('coordinator closed');
      })();
      return closing;
    },
  };
}
