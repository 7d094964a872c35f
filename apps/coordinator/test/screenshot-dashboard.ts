// Renders the dashboard with test peers (helpers.ts; no inference: the images are drawn from the prompt)
// and saves a full-page screenshot: `npx tsx apps/coordinator/test/screenshot-dashboard.ts out.png [empty]`.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { connect } from '@nats-io/transport-node';
import {
  decode,
  encode,
  makeMessage,
  PREVIEW_SUBJECT,
  RECORD_SUBJECT,
  receiverLatentSubject,
  nodeLifecycleSubject,
} from '@semaigc/protocol';
import { startNatsServer, launchChromium } from '@semaigc/testkit';
import pino from 'pino';
import { startCoordinator } from '../src';
import { caps, recordFor, TestEdge } from './helpers';

function shape(prompt: string, n = 64): Uint8Array {
  const colors: Record<string, number[]> = {
    red: [220, 50, 50],
    blue: [40, 80, 220],
    green: [40, 170, 80],
    yellow: [240, 200, 40],
    white: [240, 240, 240],
    black: [20, 20, 20],
    purple: [140, 60, 180],
    orange: [240, 140, 30],
  };
  const words = prompt.split(' ');
  const fg = colors[words.find((w) => colors[w]) ?? 'red'] ?? [200, 0, 0];
  const bg = colors[words[words.length - 2] ?? 'blue'] ?? [0, 0, 200];
  const cx = prompt.includes('left') ? 0.3 : prompt.includes('right') ? 0.7 : 0.5;
  const cy = prompt.includes('top') ? 0.3 : prompt.includes('bottom') ? 0.7 : 0.5;
  const r = prompt.includes('large') ? 0.25 : 0.15;
  const sq = prompt.includes('square');
  const out = new Uint8Array(n * n * 4);
  for (let y = 0; y < n; y++)
    for (let x = 0; x < n; x++) {
      const dx = x / n - cx,
        dy = y / n - cy;
      const inside = sq ? Math.abs(dx) < r && Math.abs(dy) < r : dx * dx + dy * dy < r * r;
      const c = inside ? fg : bg;
      const noise = ((Math.sin(x * 12.9898 + y * 78.233) * 43758.5453) % 1) * 18;
      out.set([c[0]! + noise, c[1]! + noise, c[2]! + noise, 255], (y * n + x) * 4);
    }
  return out;
}

async function main(): Promise<void> {
  const out = process.argv[2] ?? '/tmp/dashboard.png';
  const nats = await startNatsServer({ jetstream: false });
  const runsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'demo-runs-'));
  const coord = await startCoordinator({
    natsUrl: nats.url,
    runsDir,
    logger: pino({ level: 'warn' }),
    heartbeatIntervalMs: 500,
    nodeTimeoutMs: 1500,
  });
  const edges = [
    await new TestEdge('edge-1', { delayMs: 60 }).start(nats.url),
    await new TestEdge('edge-2', { delayMs: 90 }, caps({ stepMs: 9, computeShare: 0.5 })).start(nats.url),
  ];
  const rxIds = ['laptop-1', 'phone-7', 'pi-3'];
  const conns = [];
  for (const id of rxIds) {
    const nc = await connect({ servers: nats.url });
    conns.push(nc);
    const c = caps({
      stepMs: id === 'phone-7' ? 31 : 12,
      runtime: {
        kind: id === 'phone-7' ? 'browser' : 'node',
        version: id === 'phone-7' ? 'Chrome 131' : process.version,
      },
      backend: id === 'phone-7' ? 'wasm' : 'cpu',
    });
    nc.subscribe(receiverLatentSubject(id), {
      callback: (_e, m) => {
        const msg = decode(m.data);
        if (msg.type !== 'latent') return;
        setTimeout(
          () => {
            const cons = Math.min(1, 0.55 + msg.request.channel.snrDb / 30);
            const rec = recordFor(msg.request, id, c, msg.edgeId, cons);
            nc.publish(RECORD_SUBJECT, encode(rec));
            const r = msg.request;
            nc.publish(
              PREVIEW_SUBJECT,
              encode(
                makeMessage('preview', {
                  trialId: r.trialId,
                  requestId: r.requestId,
                  receiverId: id,
                  edgeId: msg.edgeId,
                  prompt: r.prompt,
                  totalSteps: r.totalSteps,
                  edgeSteps: r.edgeSteps,
                  snrDbSet: r.channel.snrDb,
                  image: { width: 64, height: 64, format: 'rgba8', data: shape(r.prompt) },
                  createdAt: Date.now(),
                }),
              ),
            );
          },
          40 + Math.random() * 200,
        );
      },
    });
    await nc.request(
      nodeLifecycleSubject(id, 'hello'),
      encode(
        makeMessage('hello', {
          nodeId: id,
          role: 'receiver',
          name: id === 'phone-7' ? 'Pixel 7 · Chrome' : `${id} (headless)`,
          capabilities: c,
          sentAt: Date.now(),
        }),
      ),
    );
    let seq = 0;
    setInterval(
      () =>
        nc.publish(
          nodeLifecycleSubject(id, 'heartbeat'),
          encode(
            makeMessage('heartbeat', {
              nodeId: id,
              role: 'receiver',
              seq: seq++,
              sentAt: Date.now(),
              inFlight: 0,
              queued: 0,
              stepMs: c.stepMs,
            }),
          ),
        ),
      500,
    ).unref();
  }
  const browser = await launchChromium();
  const page = await browser.newPage({ viewport: { width: 1500, height: 1250 } });
  await page.goto(coord.dashboardUrl);
  await page.waitForTimeout(800);
  if (process.argv[3] === 'empty') {
    await page.screenshot({ path: out, fullPage: true });
  } else {
    const prompts = [
      'a large red circle on the left on a blue background',
      'a small green square at the top on a white background',
      'a large yellow circle on the right on a black background',
      'a small purple square at the bottom on a orange background',
      'a large blue square on the left on a yellow background',
    ];
    await coord.runTrial({
      name: 'snr sweep',
      prompts,
      policy: { kind: 'fixed', edgeSteps: 10 },
      requestsPerReceiver: 12,
      latency: { minS: 0.2, maxS: 0.5, failureS: 60 },
      snr: { kind: 'sweep', valuesDb: [-6, -3, 0, 3, 6, 9, 12, 15] },
    });
    await page.waitForTimeout(1200);
    await page.screenshot({ path: out, fullPage: true });
  }
  await browser.close();
  for (const nc of conns) await nc.close();
  for (const e of edges) await e.close();
  await coord.close();
  await nats.stop();
  process.exit(0);
}
void main();
