/**
 * The coordinator's HTTP server (fastify): the dashboard, a JSON API, the receiver web app
 * and the model bundle. socket.io shares its HTTP server (transport/socket-hub.ts).
 *
 * | route | what |
 * | --- | --- |
 * | GET /dashboard/ | the dashboard page (Vite build in dist/web/) |
 * | GET /healthz | { ok, nats }: 200 with a NATS link, 503 while it reconnects or after it closed |
 * | GET /api/nodes | NodeSummary[] |
 * | GET /api/trials, /api/trials/:id | TrialInfo[] / TrialInfo |
 * | GET /api/trials/:id/summary | TrialSummary (200), 202 while it runs, 404 unknown |
 * | POST /api/trials[?wait=1] | start a trial from a JSON or YAML config body: 202 { trialId } (200 + summary with wait); 409 TRIAL_ID_IN_USE for a used id |
 * | DELETE /api/trials/:id | abort a running trial (records kept, summary written): 202; 409 if it is not running |
 * | GET /api/join, /api/join/qr.svg | join code and URL; its QR code (token needed: they let a device in) |
 * | GET /api/metrics | CoordinatorMetrics |
 * | GET /r/* | the receiver web app (webRoot), COOP/COEP |
 * | GET /bundle/* | the model bundle (bundleDir), COOP/COEP |
 *
 * Mutating routes and the join routes need the API token (http/guard.ts); reads of nodes,
 * trials and metrics do not.
 *
 * /r/ and /bundle/ carry Cross-Origin-Opener-Policy: same-origin and
 * Cross-Origin-Embedder-Policy: require-corp, which make the page cross-origin isolated so
 * SharedArrayBuffer (onnxruntime-web's wasm threads) works.
 */
import * as fs from 'node:fs';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import type { NatsLinkState } from '@semaigc/protocol';
import type { JoinInfo, NodeSummary, TrialInfo } from '../api-types';
import { parseTrialText } from '../config/trial-file';
import { RunFolderExistsError, TrialConfigError, TrialStartError } from '../errors';
import type { CoordinatorMetrics } from '../metrics';
import type { TrialSummary } from '../recorder/summary';
import { notBuiltPage } from './pages';
import { guardMutation, requireToken, YAML_TYPES } from './guard';
import { qrSvg } from './join';

export interface HttpApi {
  nodes(): NodeSummary[];
  trials(): TrialInfo[];
  trial(id: string): TrialInfo | undefined;
  /**
   * Validates and starts a trial submitted over HTTP (its file paths confined); throws
   * TrialConfigError / TrialStartError.
   */
  startTrial(config: unknown): { trialId: string; done: Promise<TrialSummary> };
  /** Aborts trial `id` if it is running; false when it is not. */
  abortTrial(id: string, reason: string): boolean;
  join(): JoinInfo;
  metrics(): CoordinatorMetrics;
  /** The coordinator's NATS link, for /healthz. */
  natsState(): NatsLinkState;
}

export interface HttpServerOptions {
  api: HttpApi;
  /** The built dashboard (index.html + assets). */
  dashboardRoot: string;
  webRoot?: string | undefined;
  bundleDir?: string | undefined;
  /** The API token mutating and join routes need. */
  token: string;
}

export const ISOLATION_HEADERS = {
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-embedder-policy': 'require-corp',
  'cross-origin-resource-policy': 'same-origin',
} as const;

function isDir(p: string | undefined): p is string {
  return !!p && fs.existsSync(p) && fs.statSync(p).isDirectory();
}

function htmlPage(reply: FastifyReply, status: number, html: string): FastifyReply {
  return reply.code(status).type('text/html; charset=utf-8').send(html);
}

export async function createHttpServer(opts: HttpServerOptions): Promise<FastifyInstance> {
  const app = Fastify({ logger: false, bodyLimit: 4 * 1024 * 1024 });
  const { api } = opts;

  app.addHook('onRequest', async (req, reply) => {
    const url = req.url;
    if (url === '/r' || url.startsWith('/r/') || url.startsWith('/r?') || url.startsWith('/bundle/')) {
      reply.headers(ISOLATION_HEADERS);
    }
    if (!guardMutation(opts.token, req, reply)) return reply;
    return undefined;
  });
  // Only JSON (fastify's own parser) and YAML bodies; fastify's text/plain parser goes.
  app.removeContentTypeParser('text/plain');
  app.addContentTypeParser(YAML_TYPES, { parseAs: 'string' }, (_req, body, done) => done(null, body));

  // ---- pages -------------------------------------------------------------------------
  app.get('/', (_req, reply) => reply.redirect('/dashboard/'));
  app.get('/dashboard', (_req, reply) => reply.redirect('/dashboard/'));
  if (isDir(opts.dashboardRoot) && fs.existsSync(`${opts.dashboardRoot}/index.html`)) {
    await app.register(fastifyStatic, {
      root: opts.dashboardRoot,
      prefix: '/dashboard/',
      decorateReply: false,
    });
  } else {
    app.get('/dashboard/*', (_req, reply) =>
      htmlPage(
        reply,
        503,
        notBuiltPage(
          'SemAIGC dashboard not built',
          `The dashboard page is not in ${opts.dashboardRoot}.`,
          'npm run build:web -w @semaigc/coordinator',
        ),
      ),
    );
  }

  app.get('/r', (req, reply) => reply.redirect(`/r/${req.url.slice(2)}`));
  if (isDir(opts.webRoot)) {
    await app.register(fastifyStatic, { root: opts.webRoot, prefix: '/r/', decorateReply: false });
  } else {
    const where = opts.webRoot ?? '(no webRoot given)';
    app.get('/r/*', (_req, reply) =>
      htmlPage(
        reply,
        404,
        notBuiltPage(
          'SemAIGC receiver page not built',
          `The receiver web app is not in ${where}.`,
          'npm run build -w @semaigc/receiver-web',
        ),
      ),
    );
  }

  if (isDir(opts.bundleDir)) {
    await app.register(fastifyStatic, { root: opts.bundleDir, prefix: '/bundle/', decorateReply: false });
  } else {
    app.get('/bundle/*', (_req, reply) =>
      reply.code(404).send({ error: `no model bundle served (bundleDir ${opts.bundleDir ?? 'not given'})` }),
    );
  }

  // ---- API ---------------------------------------------------------------------------
  // Healthy only with a NATS link: a coordinator cut off from its nodes serves nothing useful.
  app.get('/healthz', (_req, reply) => {
    const nats = api.natsState();
    return reply.code(nats === 'connected' ? 200 : 503).send({ ok: nats === 'connected', nats });
  });
  app.get('/api/nodes', () => api.nodes());
  app.get('/api/trials', () => api.trials());
  app.get<{ Params: { id: string } }>('/api/trials/:id', (req, reply) => {
    const t = api.trial(req.params.id);
    return t ?? reply.code(404).send({ error: `unknown trial ${req.params.id}` });
  });
  app.get<{ Params: { id: string } }>('/api/trials/:id/summary', (req, reply) => {
    const t = api.trial(req.params.id);
    if (!t) return reply.code(404).send({ error: `unknown trial ${req.params.id}` });
    if (t.summary) return t.summary;
    if (t.state === 'failed') return reply.code(409).send({ state: t.state, error: t.error });
    return reply.code(202).send({ state: t.state, progress: t.progress });
  });
  app.post<{ Querystring: { wait?: string } }>('/api/trials', async (req, reply) => {
    let started: { trialId: string; done: Promise<TrialSummary> };
    try {
      const body: unknown =
        typeof req.body === 'string' ? parseTrialText(req.body, 'request body') : req.body;
      started = api.startTrial(body);
    } catch (err) {
      if (err instanceof TrialConfigError)
        return reply.code(400).send({ error: err.message, path: err.path, code: 'BAD_CONFIG' });
      if (err instanceof RunFolderExistsError)
        return reply.code(409).send({ error: err.message, code: err.code, trialId: err.trialId });
      if (err instanceof TrialStartError)
        return reply.code(409).send({ error: err.message, code: 'TRIAL_NOT_STARTED' });
      throw err;
    }
    const wait = req.query.wait === '1' || req.query.wait === 'true';
    if (!wait) {
      started.done.catch(() => undefined); // reported through GET /api/trials/:id
      return reply
        .code(202)
        .send({ trialId: started.trialId, summary: `/api/trials/${started.trialId}/summary` });
    }
    try {
      return await started.done;
    } catch (err) {
      return reply.code(409).send({ trialId: started.trialId, error: (err as Error).message });
    }
  });
  app.delete<{ Params: { id: string } }>('/api/trials/:id', (req, reply) => {
    const t = api.trial(req.params.id);
    if (!t) return reply.code(404).send({ error: `unknown trial ${req.params.id}`, code: 'UNKNOWN_TRIAL' });
    if (!api.abortTrial(req.params.id, 'aborted over HTTP')) {
      return reply
        .code(409)
        .send({ error: `trial ${req.params.id} is not running (${t.state})`, code: 'TRIAL_NOT_RUNNING' });
    }
    return reply.code(202).send({ trialId: req.params.id, summary: `/api/trials/${req.params.id}/summary` });
  });
  app.get('/api/join', (req, reply) => (requireToken(opts.token, req, reply) ? api.join() : reply));
  app.get('/api/join/qr.svg', async (req, reply) => {
    if (!requireToken(opts.token, req, reply)) return reply;
    return reply
      .type('image/svg+xml')
      .header('cache-control', 'no-store')
      .send(await qrSvg(api.join().url));
  });
  app.get('/api/metrics', () => api.metrics());
  return app;
}
