/**
 * The receiver page: load the model once, join the coordinator, run what it sends.
 *
 *   1. read the URL (join code, compute share, backend), keep a stable node id
 *   2. load the bundle from /bundle/ (Cache API) on WebGPU or wasm, measure a step
 *   3. connect socket.io, hello → welcome, heartbeats; run latent / image / request jobs
 *      and send their records and previews; show everything on the page
 * The model loads while the user types a missing join code.
 */
import { urlBundleSource, type DecodedImage } from '@semaigc/diffusion';
import {
  PROTOCOL_VERSION,
  type Capabilities,
  type DeviceProfile,
  type Message,
  type RecordMessage,
} from '@semaigc/protocol';
import { JobRunner, ReceiverCore, type JobOutcome } from '@semaigc/receiver';
import { NodeSession, type LinkState } from '@semaigc/session';
import { BundleProgressTracker, memoSource } from './bundle-progress';
import { readPageConfig, type PageConfig } from './config';
import { SocketTransport } from './connection';
import { browserVersion, defaultNodeName, deviceProfile } from './device';
import { ModelMemoryError } from './errors';
import {
  browserMemorySignals,
  checkManifestFits,
  guardModelMemory,
  memoryBudget,
} from './inference/memory-limit';
import { LongTaskWatch } from './long-tasks';
import { loadReceiverPipeline, type LoadedRuntime } from './load-pipeline';
import { stableNodeId } from './node-id';
import { wasmThreads } from './ort-env';
import { reportRefusal } from './refusal';
import { keepError, publish, type ReceiverObservable, type ReceiverState } from './state';
import { ReceiverView } from './view';
import { PageDelivery } from './webrtc/page-delivery';

const errText = (err: unknown): string =>
  err instanceof Error ? `${err.name}: ${err.message}` : String(err);

function localStore(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

class ReceiverPage {
  readonly obs: ReceiverObservable;
  private runtime: LoadedRuntime | null = null;
  private core: ReceiverCore | null = null;
  private session: NodeSession | null = null;
  private transport: SocketTransport | null = null;
  private jobs: JobRunner | null = null;
  private delivery: PageDelivery | null = null;
  private readonly longTasks = new LongTaskWatch((ms) => {
    this.obs.longestTaskMs = Math.max(this.obs.longestTaskMs ?? 0, ms);
  });

  constructor(
    private readonly view: ReceiverView,
    private readonly config: PageConfig,
  ) {
    const threads = wasmThreads(config.threads);
    this.obs = publish({
      state: 'starting',
      detail: '',
      nodeId: config.nodeId ?? stableNodeId(localStore()),
      backend: null,
      threads,
      inference: config.inference,
      build: null,
      crossOriginIsolated: globalThis.crossOriginIsolated,
      stepMs: null,
      longestTaskMs: null,
      lastRecord: null,
      records: 0,
      failed: 0,
      errors: [],
      refusal: null,
    });
  }

  private set(state: ReceiverState, detail: string): void {
    this.obs.state = state;
    this.obs.detail = detail;
    this.view.setState(state, detail);
  }

  private error(message: string): void {
    keepError(this.obs, message);
    this.view.addLog('error', message);
  }

  async run(): Promise<void> {
    const joinCode = this.config.joinCode
      ? Promise.resolve(this.config.joinCode)
      : this.view.askJoinCode('Type the join code shown on the coordinator dashboard.');
    try {
      this.runtime = await this.load();
    } catch (err) {
      if (!(err instanceof ModelMemoryError)) throw err;
      // The page will not serve: say so here and to the coordinator, which otherwise
      // would only see a receiver that never joined.
      this.fail(err);
      await this.refuse(await joinCode, err);
      return;
    }
    this.showDevice();
    this.connect(await joinCode);
  }

  private async refuse(joinCode: string, err: ModelMemoryError): Promise<void> {
    this.obs.refusal = { code: 'MODEL_TOO_LARGE', reported: false, detail: 'reporting' };
    const why = await reportRefusal({
      url: location.origin,
      path: this.config.socketPath,
      joinCode,
      nodeId: this.obs.nodeId,
      code: 'MODEL_TOO_LARGE',
      reason: err.message,
    });
    this.obs.refusal = {
      code: 'MODEL_TOO_LARGE',
      reported: why === null,
      detail: why ?? 'acknowledged by the coordinator',
    };
    if (why === null) this.view.addLog('info', 'told the coordinator that this device cannot serve');
    else this.error(`could not tell the coordinator: ${why}`);
  }

  private async load(): Promise<LoadedRuntime> {
    this.set('loading', 'loading model');
    const tracker = new BundleProgressTracker((p) => {
      const pct = p.totalBytes ? Math.min(100, Math.round((100 * p.loadedBytes) / p.totalBytes)) : null;
      this.view.setProgress(pct === null ? null : pct / 100);
      let detail = pct === null ? `loading model (${p.file})` : `loading model ${pct}%`;
      // After the last byte: session creation and the warm-up step still take a moment.
      if (pct === 100) detail = 'preparing the model (sessions, warm-up step)';
      this.set('loading', detail);
    });
    const base = new URL(this.config.bundleUrl, location.href).href;
    // Refuse a model this device cannot hold: before the download when the manifest gives
    // the sizes, else as the files arrive.
    const budget = memoryBudget(browserMemorySignals(this.config.memoryLimitMb));
    const url = tracker.wrap(urlBundleSource(base, { fetch: tracker.fetch }));
    const source = memoSource(guardModelMemory(url, budget));
    await checkManifestFits(source, budget);
    const rt = await loadReceiverPipeline(source, {
      backend: this.config.backend,
      threads: this.obs.threads,
      inference: this.config.inference,
      wasmBuild: this.config.build ?? undefined,
    });
    this.view.setProgress(null);
    this.obs.backend = rt.backend;
    this.obs.build = rt.build;
    this.obs.stepMs = rt.stepMs;
    if (rt.fallbackReason) this.error(`using wasm: ${rt.fallbackReason}`);
    this.view.addLog('info', `model ${rt.pipeline.bundle.manifest.name} loaded on ${rt.backend}`);
    return rt;
  }

  private capabilities = (): Capabilities => {
    const rt = this.runtime!;
    const share = this.core?.computeShare ?? this.config.computeShare;
    return {
      runtime: { kind: 'browser', version: browserVersion(navigator.userAgent) },
      backend: rt.backend,
      stepMs: rt.stepMs / share,
      computeShare: share,
      profile: this.profile(),
      maxConcurrent: 1,
      bundleId: rt.pipeline.bundle.manifest.name,
    };
  };

  private profile(): DeviceProfile {
    const rt = this.runtime!;
    return deviceProfile(rt.backend, {
      threads: rt.threads,
      build: rt.build,
      worker: rt.inference === 'worker',
    });
  }

  private showDevice(): void {
    const rt = this.runtime!;
    const p = this.profile();
    this.view.setDevice([
      ['node id', this.obs.nodeId],
      ['browser', browserVersion(navigator.userAgent)],
      ['platform', p.platform],
      ['cores / memory', `${p.cores ?? '?'} / ${p.memoryGiB === null ? '?' : `${p.memoryGiB} GiB`}`],
      [
        'backend',
        rt.backend === 'wasm'
          ? `wasm SIMD, ${this.obs.threads} thread(s)${this.obs.crossOriginIsolated ? '' : ' (not cross-origin isolated)'}, ${rt.build} build`
          : 'WebGPU',
      ],
      [
        'inference',
        rt.inference === 'worker' ? 'in a worker (the page stays responsive)' : 'on the main thread',
      ],
      ['step time', `${rt.stepMs.toFixed(1)} ms measured, compute share ${this.config.computeShare}`],
    ]);
  }

  private connect(joinCode: string): void {
    const rt = this.runtime!;
    const transport = new SocketTransport({
      url: location.origin,
      path: this.config.socketPath,
      joinCode,
      nodeId: this.obs.nodeId,
      onJob: (event, bytes) => this.jobs?.enqueue(event, bytes),
      onPackets: (bytes) => this.delivery?.onPackets(bytes),
    });
    const session = new NodeSession({
      transport,
      nodeId: this.obs.nodeId,
      role: 'receiver',
      name: this.config.name ?? defaultNodeName(),
      capabilities: this.capabilities,
      load: () => ({
        inFlight: this.jobs?.inFlight ?? 0,
        queued: this.jobs?.queued ?? 0,
        stepMs: rt.stepMs / (this.core?.computeShare ?? 1),
      }),
      onMessage: (msg) => this.onMessage(msg),
      onBadMessage: (event, err) => this.error(`dropped a bad '${event}' message: ${errText(err)}`),
      onState: (state, detail) => this.onLink(state, detail, joinCode),
    });
    this.session = session;
    this.transport = transport;
    this.delivery = new PageDelivery({
      socket: transport.signalling,
      enabled: this.config.webrtc,
      now: () => session.now(),
      enqueue: (bytes) => this.jobs?.enqueue('latent.packets', bytes),
      onError: (message) => this.error(message),
      onChange: (tally) => {
        this.obs.delivery = { ...tally };
      },
    });
    this.core = new ReceiverCore({
      pipeline: rt.pipeline,
      nodeId: this.obs.nodeId,
      capabilities: this.capabilities,
      computeShare: this.config.computeShare,
      clock: () => session.now(),
    });
    this.jobs = new JobRunner({
      core: this.core,
      nodeId: this.obs.nodeId,
      clock: () => session.now(),
      // A record of a latent that came as packets carries what the page saw of them.
      send: (m) => session.send(this.delivery?.stamp(m) ?? m),
      onOutcome: (o) => this.onOutcome(o),
    });
    window.addEventListener('pagehide', () => void session.close('page closed'));
    // Back from the back/forward cache: the socket was closed on pagehide, so join again.
    window.addEventListener('pageshow', (ev) => {
      if (ev.persisted) session.start();
    });
    session.start();
  }

  private onLink(state: LinkState, detail: string, joinCode: string): void {
    if (state === 'welcomed') {
      this.view.addLog('info', detail);
      this.set(this.jobs?.inFlight ? 'working' : 'ready', detail);
    } else if (state === 'refused') {
      this.set('refused', detail);
      this.error(detail);
      void this.view.askJoinCode(`${detail}. Check the join code.`, joinCode).then((code) => {
        this.transport?.rejoin(code);
      });
    } else {
      this.set(state, detail);
    }
  }

  private onMessage(msg: Message): void {
    switch (msg.type) {
      case 'trial.assign':
        if (msg.computeShare !== null && this.core) this.core.computeShare = msg.computeShare;
        this.view.addLog(
          'info',
          `assigned to trial ${msg.trialId}${msg.delivery?.transport === 'webrtc' ? ` (WebRTC, ${msg.delivery.mode})` : ''}`,
        );
        void this.delivery?.onAssign(msg.delivery).then(() => {
          const t = this.delivery?.tally;
          if (t?.state === 'open') this.view.addLog('info', `WebRTC ${t.mode} data channel open`);
          if (t?.state === 'unavailable') this.view.addLog('info', `latents over socket.io: ${t.reason}`);
        });
        break;
      case 'trial.start':
        this.view.addLog('info', `trial ${msg.name} started: ${msg.requests} requests, policy ${msg.policy}`);
        break;
      case 'trial.progress':
        break;
      case 'trial.end':
        this.view.addLog('info', `trial ${msg.trialId} ${msg.status}: ${msg.done}/${msg.total} done`);
        break;
      case 'trial.release':
        this.view.addLog('info', `released from trial ${msg.trialId}: ${msg.reason}`);
        break;
      case 'error':
        this.error(`coordinator: ${msg.code}: ${msg.reason}`);
        break;
      default:
        this.error(`unexpected '${msg.type}' message (protocol v${PROTOCOL_VERSION})`);
    }
  }

  private onOutcome(o: JobOutcome): void {
    const queued = this.jobs?.queued ?? 0;
    switch (o.kind) {
      case 'started':
        this.longTasks.begin();
        this.set('working', `request ${(o.job.type === 'request' ? o.job : o.job.request).requestId}`);
        this.view.showJob(o.job);
        break;
      case 'done':
        this.longTasks.end();
        this.finish(o.record, o.image);
        break;
      case 'failed':
        this.longTasks.end();
        this.error(`request ${o.request.requestId} failed: ${o.reason}`);
        this.finish(o.record, null);
        break;
      case 'dropped':
        this.error(`dropped a '${o.source}' payload: ${o.fault.code}: ${o.fault.reason}`);
        break;
    }
    this.view.setCounts(this.obs.records, this.obs.failed, queued);
  }

  private finish(record: RecordMessage, image: DecodedImage | null): void {
    this.obs.lastRecord = record;
    this.obs.records++;
    if (record.failed) this.obs.failed++;
    this.view.showResult(record, image);
    if (this.obs.state === 'working' && (this.jobs?.queued ?? 0) === 0) {
      this.set(this.session?.welcomed ? 'ready' : 'disconnected', `last: ${record.requestId}`);
    }
  }

  fail(err: unknown): void {
    this.view.setProgress(null);
    this.set('failed', errText(err));
    this.error(errText(err));
  }
}

function start(): void {
  const view = new ReceiverView(document);
  let config: PageConfig;
  try {
    config = readPageConfig(location.search);
  } catch (err) {
    view.setState('failed', errText(err));
    publish({
      state: 'failed',
      detail: errText(err),
      nodeId: '',
      backend: null,
      threads: 1,
      inference: 'worker',
      build: null,
      crossOriginIsolated: globalThis.crossOriginIsolated,
      stepMs: null,
      longestTaskMs: null,
      lastRecord: null,
      records: 0,
      failed: 0,
      errors: [errText(err)],
      refusal: null,
    });
    return;
  }
  const page = new ReceiverPage(view, config);
  page.run().catch((err: unknown) => page.fail(err));
}

start();
