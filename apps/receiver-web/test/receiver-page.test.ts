/**
 * The receiver page in headless Chromium against a stand-in coordinator (a real socket.io
 * server speaking the protocol): join-code refusal and rejoin, hello with the browser's
 * capabilities, heartbeats, a Local AIGC request, a split latent that crossed the real AWGN
 * channel, a malformed payload and a wrong-sized latent (errors as data, the page keeps
 * serving), and a reload that keeps the node id.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { transmit } from '@semaigc/channel';
import { FixtureReader } from '@semaigc/diffusion';
import { DEFAULT_BUNDLE_DIR, dirBundleSource } from '@semaigc/models';
import {
  encode,
  makeMessage,
  parseChannelConfig,
  type ChannelConfig,
  type RequestBodyInput,
} from '@semaigc/protocol';
import { hasChromium, launchChromium } from '@semaigc/testkit';
import { DEFAULT_RECEIVER_VARIANT } from '@semaigc/receiver';
import { startStaticServer, type StaticServer } from '../../../test/helpers/static-server';
import { ensureReceiverWebBuilt, RECEIVER_WEB_DIST } from './helpers/ensure-built';
import { StandInCoordinator } from './helpers/stand-in-coordinator';

const BUNDLE_DIR = process.env['SEMAIGC_BUNDLE_DIR'] ?? DEFAULT_BUNDLE_DIR;
const JOIN = 'TEST42';
const STEP_TIMEOUT_MS = 120_000;

interface Observed {
  state: string;
  nodeId: string;
  backend: string | null;
  threads: number;
  inference: string;
  records: number;
  errors: string[];
}

const observe = (page: Page): Promise<Observed> =>
  page.evaluate(() => (window as unknown as { __receiver: Observed }).__receiver);

async function waitForState(page: Page, state: string): Promise<void> {
  await page.waitForFunction(
    (s) => (window as unknown as { __receiver?: { state: string } }).__receiver?.state === s,
    state,
    { timeout: STEP_TIMEOUT_MS },
  );
}

function request(over: Partial<RequestBodyInput>): RequestBodyInput {
  const now = Date.now();
  return {
    trialId: 'trial-page',
    requestId: 'req-0',
    prompt: 'a large red circle on the left on a blue background',
    seed: 3,
    totalSteps: 20,
    edgeSteps: 0,
    guidanceScale: 7.5,
    channel: parseChannelConfig({ mode: 'ideal', snrDb: 10 }),
    policy: 'local-only',
    latency: { minS: 2, maxS: 10, failureS: 60 },
    deadline: now + 60_000,
    receiverId: 'placeholder',
    replyTo: 'semaigc.v1.error',
    createdAt: now,
    ...over,
  };
}

/** Population standard deviation of the RGB bytes: a blank (one-colour) image gives 0. */
function rgbSpread(rgba: Uint8Array): number {
  const v: number[] = [];
  for (let i = 0; i < rgba.length; i += 4) v.push(rgba[i]!, rgba[i + 1]!, rgba[i + 2]!);
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  return Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length);
}

const maybe = hasChromium() ? describe : describe.skip;
if (!hasChromium()) process.stderr.write('receiver-page.test: skipped, Chromium is not installed\n');

maybe('receiver page against a stand-in coordinator', () => {
  let server: StaticServer;
  let coord: StandInCoordinator;
  let browser: Browser;
  let page: Page;
  let nodeId: string;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    await ensureReceiverWebBuilt();
    server = await startStaticServer({ mounts: { '/r/': RECEIVER_WEB_DIST, '/bundle/': BUNDLE_DIR } });
    coord = new StandInCoordinator(server.server, JOIN);
    browser = await launchChromium();
    page = await (await browser.newContext()).newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
  }, STEP_TIMEOUT_MS);

  afterAll(async () => {
    await browser?.close();
    await coord?.close();
    await server?.close();
  });

  test(
    'a wrong join code is refused; the form rejoins with the right one and hello describes the browser',
    async () => {
      await page.goto(`${server.url}/r/?join=WRONG&name=test-phone`);
      await waitForState(page, 'refused');
      expect(coord.refused).toHaveLength(1);
      await page.locator('#join-form input[name=join]').fill(JOIN);
      await page.locator('#join-form button[type=submit]').click();
      const hello = await coord.take('hello');
      const seen = await observe(page);
      nodeId = seen.nodeId;
      expect(coord.refused).toEqual([nodeId]);
      expect(hello.nodeId).toBe(nodeId);
      expect(nodeId).toMatch(/^web-[0-9a-f]{8}$/);
      expect(hello.role).toBe('receiver');
      expect(hello.name).toBe('test-phone');
      const caps = hello.capabilities;
      expect(caps.runtime.kind).toBe('browser');
      expect(caps.runtime.version).toMatch(/^(Chrome|Chromium) \d+$/);
      // Headless Chromium with --disable-gpu has no WebGPU adapter: the page runs on wasm.
      expect(caps.backend).toBe('wasm');
      expect(caps.profile.backend).toBe('wasm');
      expect(caps.stepMs).toBeGreaterThan(0);
      expect(caps.computeShare).toBe(1);
      expect(caps.profile.userAgent).toContain('Chrome');
      expect(caps.profile.cores).toBe(await page.evaluate(() => navigator.hardwareConcurrency));
      // onnxruntime-web runs in the page's inference worker (plain SIMD build, threads as the
      // page reports them), and the record's device profile says so.
      expect(caps.profile.wasm).toEqual({ threads: seen.threads, simd: true, build: 'plain', worker: true });
      expect(seen.inference).toBe('worker');
      expect(
        page
          .workers()
          .map((w) => w.url())
          .some((u) => u.includes('inference-worker')),
      ).toBe(true);
      expect(caps.bundleId).toBe(
        (JSON.parse(fs.readFileSync(path.join(BUNDLE_DIR, 'manifest.json'), 'utf8')) as { name: string })
          .name,
      );
      await waitForState(page, 'ready');
    },
    STEP_TIMEOUT_MS,
  );

  test('heartbeats follow the welcome interval with increasing seq', async () => {
    coord.discard('heartbeat');
    const a = await coord.take('heartbeat', 5000);
    const b = await coord.take('heartbeat', 5000);
    expect(a.nodeId).toBe(nodeId);
    expect(b.seq).toBe(a.seq + 1);
    expect(b.stepMs).toBeGreaterThan(0);
  }, 15_000);

  test(
    'Local AIGC: a request gives a record and a non-blank preview',
    async () => {
      coord.send(
        'request',
        encode(makeMessage('request', request({ requestId: 'req-local', receiverId: nodeId }))),
      );
      const rec = await coord.take('record');
      expect(rec).toMatchObject({
        requestId: 'req-local',
        receiverId: nodeId,
        edgeId: null,
        edgeSteps: 0,
        totalSteps: 20,
        receiverVariant: DEFAULT_RECEIVER_VARIANT,
        failed: false,
        failure: null,
        payloadBytes: 0,
      });
      expect(rec.timings.receiverStepsMs).toBeGreaterThan(0);
      expect(rec.timings.textEncodeMs).toBeGreaterThan(0);
      expect(rec.receiver.runtime.kind).toBe('browser');
      expect(rec.receiver.profile.backend).toBe('wasm');
      const preview = await coord.take('preview');
      expect(preview).toMatchObject({
        requestId: 'req-local',
        receiverId: nodeId,
        edgeId: null,
        snrDbSet: null,
      });
      expect(preview.image.data).toHaveLength(preview.image.width * preview.image.height * 4);
      expect(rgbSpread(preview.image.data)).toBeGreaterThan(5);
      const seen = await observe(page);
      expect(seen.records).toBe(1);
    },
    STEP_TIMEOUT_MS,
  );

  test(
    'split: an edge latent through the AWGN channel gives a record with the channel figures',
    async () => {
      const fixtures = new FixtureReader(dirBundleSource(BUNDLE_DIR));
      const c = (await fixtures.index()).cases.find((x) => x.kind === 'split')!;
      const a = c.handoff_step!;
      const handoff = await fixtures.f32(c, 'handoff_latent');
      const channel: ChannelConfig = parseChannelConfig({ mode: 'analog', snrDb: 8 });
      const tx = transmit(handoff, channel, { seed: c.seed });
      const body = request({
        requestId: 'req-split',
        receiverId: nodeId,
        prompt: c.prompt,
        seed: c.seed,
        edgeSteps: a,
        channel,
        policy: 'fixed',
      });
      const now = Date.now();
      const bytes = encode(
        makeMessage('latent', {
          requestId: 'req-split',
          edgeId: 'edge-test',
          request: body,
          stepIndex: a,
          timestep: c.timesteps[a]!,
          tensor: { dtype: 'float32', shape: [1, 4, 8, 8], data: tx.output },
          channel: tx.meta,
          timings: {
            queueMs: 0,
            textEncodeMs: 1,
            edgeStepsMs: 10,
            channelMs: 0.1,
            decodeMs: 0,
            txEmulatedMs: 0,
            receivedAt: now,
            sentAt: now,
          },
        }),
      );
      coord.send('latent', bytes);
      const rec = await coord.take('record');
      expect(rec).toMatchObject({
        requestId: 'req-split',
        edgeId: 'edge-test',
        edgeSteps: a,
        channelMode: 'analog',
        snrDbSet: 8,
        snrDbMeasured: tx.meta.snrDbMeasured,
        noiseVariance: tx.meta.noiseVariance,
        payloadBytes: bytes.byteLength,
        failed: false,
      });
      const preview = await coord.take('preview');
      expect(preview).toMatchObject({
        requestId: 'req-split',
        edgeId: 'edge-test',
        snrDbSet: 8,
        edgeSteps: a,
      });
      expect(rgbSpread(preview.image.data)).toBeGreaterThan(5);
    },
    STEP_TIMEOUT_MS,
  );

  test(
    'errors are data: bad bytes get a fault, a wrong-sized latent a failed record, and the page keeps serving',
    async () => {
      coord.send('latent', new Uint8Array([0x93, 1, 2, 3]));
      const fault = await coord.take('error');
      expect(fault.nodeId).toBe(nodeId);
      expect(['BAD_MESSAGE', 'UNKNOWN_TYPE', 'VERSION_MISMATCH']).toContain(fault.code);

      const now = Date.now();
      const short = new Float32Array(4 * 8 * 7).fill(0.1);
      coord.send(
        'latent',
        encode(
          makeMessage('latent', {
            requestId: 'req-short',
            edgeId: 'edge-test',
            request: request({ requestId: 'req-short', receiverId: nodeId, edgeSteps: 10, policy: 'fixed' }),
            stepIndex: 10,
            timestep: 500,
            tensor: { dtype: 'float32', shape: [1, 4, 8, 7], data: short },
            channel: transmit(short, parseChannelConfig({ mode: 'ideal', snrDb: 10 }), { seed: 1 }).meta,
            timings: {
              queueMs: 0,
              textEncodeMs: 0,
              edgeStepsMs: 0,
              channelMs: 0,
              decodeMs: 0,
              txEmulatedMs: 0,
              receivedAt: now,
              sentAt: now,
            },
          }),
        ),
      );
      const failed = await coord.take('record');
      expect(failed).toMatchObject({ requestId: 'req-short', failed: true, satisfaction: 0 });
      expect(failed.failure?.reason).toContain('req-short');

      coord.send(
        'request',
        encode(makeMessage('request', request({ requestId: 'req-after', receiverId: nodeId }))),
      );
      expect(await coord.take('record')).toMatchObject({ requestId: 'req-after', failed: false });
      const seen = await observe(page);
      expect(seen.errors.length).toBeGreaterThanOrEqual(2);
      expect(pageErrors).toEqual([]);
    },
    STEP_TIMEOUT_MS,
  );

  test(
    'a reload keeps the node id (localStorage); asking for WebGPU without an adapter falls back to wasm',
    async () => {
      await page.goto(`${server.url}/r/?join=${JOIN}&backend=webgpu`);
      const hello = await coord.take('hello');
      expect(hello.nodeId).toBe(nodeId);
      expect(hello.capabilities.backend).toBe('wasm');
      const seen = await observe(page);
      expect(seen.backend).toBe('wasm');
      expect(seen.errors.join('\n')).toContain('using wasm: WebGPU failed');
    },
    STEP_TIMEOUT_MS,
  );
});
