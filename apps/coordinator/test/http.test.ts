/**
 * The HTTP side: dashboard and receiver pages, COOP/COEP on /r/ and /bundle/, the join
 * code's QR code, and the JSON API (nodes, trials, starting a trial from a config body).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startNatsServer, type NatsServer } from '@semaigc/testkit';
import { type CoordinatorHandle, type NodeSummary, startCoordinator, type TrialInfo } from '../src';
import { captureLogger, TestReceiver, until } from './helpers';

let nats: NatsServer;
let tmp: string;
let coord: CoordinatorHandle;
let bare: CoordinatorHandle;

const ISOLATED = {
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-embedder-policy': 'require-corp',
};

/** The API token mutating and join routes need. */
function auth(): Record<string, string> {
  return { authorization: `Bearer ${coord.apiToken}` };
}

function headersOf(res: Response): Record<string, string | null> {
  return Object.fromEntries(Object.keys(ISOLATED).map((k) => [k, res.headers.get(k)]));
}

beforeAll(async () => {
  nats = await startNatsServer({ jetstream: false });
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'semaigc-coord-http-'));
  for (const [dir, file, text] of [
    ['dash', 'index.html', '<!doctype html><title>SemAIGC dashboard</title>'],
    ['web', 'index.html', '<!doctype html><title>receiver</title>'],
    ['bundle', 'manifest.json', '{"format":"semaigc-bundle/1"}'],
  ] as const) {
    fs.mkdirSync(path.join(tmp, dir), { recursive: true });
    fs.writeFileSync(path.join(tmp, dir, file), text);
  }
  const common = {
    natsUrl: nats.url,
    runsDir: path.join(tmp, 'runs'),
    logger: captureLogger().logger,
    heartbeatIntervalMs: 200,
    nodeTimeoutMs: 600,
  };
  coord = await startCoordinator({
    ...common,
    dashboardRoot: path.join(tmp, 'dash'),
    webRoot: path.join(tmp, 'web'),
    bundleDir: path.join(tmp, 'bundle'),
    joinCode: 'ABC234',
  });
  bare = await startCoordinator({
    ...common,
    dashboardRoot: path.join(tmp, 'nothing'),
    bundleDir: path.join(tmp, 'nothing'),
  });
});

afterAll(async () => {
  await coord?.close();
  await bare?.close();
  await nats?.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

test('the dashboard page is served at /dashboard/ (and / redirects there)', async () => {
  const res = await fetch(`${coord.url}/dashboard/`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/text\/html/);
  expect(await res.text()).toContain('SemAIGC dashboard');
  const root = await fetch(`${coord.url}/`, { redirect: 'manual' });
  expect([root.status, root.headers.get('location')]).toEqual([302, '/dashboard/']);
});

test('/r/ and /bundle/ carry COOP/COEP so SharedArrayBuffer works; other routes do not', async () => {
  const page = await fetch(`${coord.url}/r/?join=ABC234`);
  expect(page.status).toBe(200);
  expect(await page.text()).toContain('receiver');
  expect(headersOf(page)).toEqual(ISOLATED);
  const manifest = await fetch(`${coord.url}/bundle/manifest.json`);
  expect(manifest.status).toBe(200);
  expect(headersOf(manifest)).toEqual(ISOLATED);
  expect(headersOf(await fetch(`${coord.url}/bundle/none.onnx`))).toEqual(ISOLATED);
  expect((await fetch(`${coord.url}/api/nodes`)).headers.get('cross-origin-embedder-policy')).toBeNull();
});

test('without builds: a clear 404 for /r/ (still isolated) and 503 for the dashboard', async () => {
  const r = await fetch(`${bare.url}/r/`);
  expect(r.status).toBe(404);
  expect(headersOf(r)).toEqual(ISOLATED);
  expect(await r.text()).toMatch(/receiver page not built.*npm run build -w @semaigc\/receiver-web/s);
  const d = await fetch(`${bare.url}/dashboard/`);
  expect(d.status).toBe(503);
  expect(await d.text()).toContain('npm run build:web -w @semaigc/coordinator');
  expect((await fetch(`${bare.url}/bundle/x`)).status).toBe(404);
});

test('join code, URL and QR code (with the API token only)', async () => {
  const anonymous = await fetch(`${coord.url}/api/join`);
  expect(anonymous.status).toBe(401);
  expect(JSON.stringify(await anonymous.json())).not.toContain('ABC234');
  expect((await fetch(`${coord.url}/api/join/qr.svg`)).status).toBe(401);
  const join = (await (await fetch(`${coord.url}/api/join`, { headers: auth() })).json()) as {
    code: string;
    url: string;
  };
  expect(join.code).toBe('ABC234');
  expect(join.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/r\/\?join=ABC234$/);
  expect(coord.joinUrl).toBe(join.url);
  const qr = await fetch(`${coord.url}/api/join/qr.svg`, { headers: auth() });
  expect(qr.headers.get('content-type')).toMatch(/image\/svg\+xml/);
  const svg = await qr.text();
  expect(svg).toMatch(/^<svg[^>]*viewBox="0 0 (\d+) \1"/);
  expect(svg).toContain('<path');
  expect(bare.joinCode).toMatch(/^[A-HJ-NP-Z2-9]{6}$/);
});

test('POST /api/trials: a bad config is a 400 naming the field (JSON and YAML bodies)', async () => {
  const json = await fetch(`${coord.url}/api/trials`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...auth() },
    body: JSON.stringify({ policy: { kind: 'rooot' } }),
  });
  expect(json.status).toBe(400);
  expect(await json.json()).toMatchObject({
    path: 'policy.kind',
    error: expect.stringMatching(/unknown policy 'rooot'/) as unknown,
  });
  const yaml = await fetch(`${coord.url}/api/trials`, {
    method: 'POST',
    headers: { 'content-type': 'application/yaml', ...auth() },
    body: 'totalSteps: 0\n',
  });
  expect(await yaml.json()).toMatchObject({ path: 'totalSteps' });
});

test('POST /api/trials runs a trial; nodes, trials and the summary are readable over HTTP', async () => {
  const rx = await new TestReceiver('rx-http').start(nats.url);
  try {
    const body = JSON.stringify({
      name: 'over http',
      prompts: ['a small red circle on the left on a blue background'],
      policy: { kind: 'local-only' },
      requestsPerReceiver: 2,
      // The test's bundle is a stand-in for static serving, not a readable bundle: the
      // trial names its guidance scale instead of reading the manifest's.
      guidanceScale: 7.5,
    });
    const started = await fetch(`${coord.url}/api/trials`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...auth() },
      body,
    });
    expect(started.status).toBe(202);
    const { trialId } = (await started.json()) as { trialId: string };
    let summary: Response | null = null;
    await until(
      () => coord.trials().find((t) => t.trialId === trialId)?.state === 'completed',
      'trial over HTTP',
    );
    summary = await fetch(`${coord.url}/api/trials/${trialId}/summary`);
    expect(summary.status).toBe(200);
    expect(await summary.json()).toMatchObject({ trialId, requests: 2, failed: 0, policy: 'local-only' });

    const waited = await fetch(`${coord.url}/api/trials?wait=1`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...auth() },
      body,
    });
    expect(waited.status).toBe(200);
    expect(await waited.json()).toMatchObject({ requests: 2, status: 'completed' });

    const trials = (await (await fetch(`${coord.url}/api/trials`)).json()) as TrialInfo[];
    expect(trials.map((t) => t.name)).toEqual(['over http', 'over http']);
    const nodes = (await (await fetch(`${coord.url}/api/nodes`)).json()) as NodeSummary[];
    expect(nodes.find((n) => n.nodeId === 'rx-http')).toMatchObject({
      role: 'receiver',
      status: 'online',
      transport: 'nats',
    });
    expect((await fetch(`${coord.url}/api/trials/nope/summary`)).status).toBe(404);
    const metrics = (await (await fetch(`${coord.url}/api/metrics`)).json()) as {
      records: { accepted: number };
    };
    expect(metrics.records.accepted).toBe(4);
  } finally {
    await rx.close();
  }
});

test('DELETE /api/trials/:id aborts a running trial; its records and an aborted summary stay', async () => {
  const rx = await new TestReceiver('rx-abort').start(nats.url);
  try {
    const started = await fetch(`${coord.url}/api/trials`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...auth() },
      body: JSON.stringify({
        id: 'to-abort',
        name: 'abort over http',
        prompts: ['a small red circle on the left on a blue background'],
        policy: { kind: 'local-only' },
        requestsPerReceiver: 1000,
        arrival: { kind: 'fixed', intervalMs: 50 },
        receivers: { ids: ['rx-abort'], waitS: 5 },
        guidanceScale: 7.5,
      }),
    });
    expect(started.status).toBe(202);
    await until(
      () => (coord.trials().find((t) => t.trialId === 'to-abort')?.progress.done ?? 0) >= 2,
      'two records in',
    );
    expect((await fetch(`${coord.url}/api/trials/to-abort`, { method: 'DELETE' })).status).toBe(401);
    const del = await fetch(`${coord.url}/api/trials/to-abort`, { method: 'DELETE', headers: auth() });
    expect(del.status).toBe(202);
    await until(() => !!coord.trials().find((t) => t.trialId === 'to-abort')?.summary, 'summary');
    const summary = await fetch(`${coord.url}/api/trials/to-abort/summary`);
    expect(await summary.json()).toMatchObject({ trialId: 'to-abort', status: 'aborted' });
    const dir = coord.trials().find((t) => t.trialId === 'to-abort')!.runDir!;
    const lines = fs.readFileSync(path.join(dir, 'records.jsonl'), 'utf8').trim().split('\n');
    expect(lines.length).toBeGreaterThanOrEqual(2);
    expect(fs.existsSync(path.join(dir, 'summary.json'))).toBe(true);
    const again = await fetch(`${coord.url}/api/trials/to-abort`, { method: 'DELETE', headers: auth() });
    expect(await again.json()).toMatchObject({ code: 'TRIAL_NOT_RUNNING' });
  } finally {
    await rx.close();
  }
});
