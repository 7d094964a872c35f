/**
 * End to end with a real browser: the lab (nats-server, coordinator, edge) and the receiver
 * page opened in headless Chromium as a phone would (/r/?join=<code>). A trial runs on the
 * page; an image must arrive and not be blank, and the record must reach runs/<trial>/.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { RecordMessage } from '@semaigc/protocol';
import { startEdge } from '@semaigc/edge';
import { hasChromium, launchChromium } from '@semaigc/testkit';
import { ensureReceiverWebBuilt, RECEIVER_WEB_DIST } from '../apps/receiver-web/test/helpers/ensure-built';
import { quiet, readJsonl, startLab, type Lab } from './helpers/lab';
import { canvasStats, joinReceiverPage } from './helpers/page-receiver';

const maybe = hasChromium() ? test : test.skip;
if (!hasChromium()) process.stderr.write('browser-lab.test: skipped, /usr/bin/chromium not installed\n');

let lab: Lab | null = null;
afterAll(() => lab?.close());

maybe(
  'a phone-style browser receiver gets a non-blank image and its record reaches runs/',
  async () => {
    await ensureReceiverWebBuilt();
    lab = await startLab({ webRoot: RECEIVER_WEB_DIST });
    const edge = await startEdge({
      natsUrl: lab.nats.url,
      id: 'edge-web',
      pipeline: lab.pipeline,
      logger: quiet,
    });
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      const nodeId = await joinReceiverPage(page, lab.coordinator, 90_000);
      const summary = await lab.coordinator.runTrial({
        name: 'browser',
        prompts: [
          'a large red circle in the centre on a blue background',
          'a small white star on the left on a black background',
        ],
        totalSteps: 10,
        policy: { kind: 'fixed', edgeSteps: 5 },
        snr: { kind: 'constant', snrDb: 5 },
        requestsPerReceiver: 2,
        receivers: { ids: [nodeId], waitS: 20 },
        latency: { minS: 1, maxS: 10, failureS: 60 },
      });
      const dir = lab.coordinator.trials().find((t) => t.trialId === summary.trialId)!.runDir!;
      const records = readJsonl(path.join(dir, 'records.jsonl')) as RecordMessage[];
      expect(records).toHaveLength(2);
      for (const r of records) {
        expect(r.failed).toBe(false);
        expect(r.receiverId).toBe(nodeId);
        expect(r.edgeId).toBe('edge-web');
        expect(r.receiver.runtime.kind).toBe('browser');
        expect(r.receiver.profile.userAgent).toMatch(/Chrome/);
      }
      // The page drew the image: the canvas is not a single colour.
      expect((await canvasStats(page)).distinct).toBeGreaterThan(4);
      // The preview reached runs/<trial>/images as PNGs.
      const until = Date.now() + 10_000;
      while (
        Date.now() < until &&
        !(fs.existsSync(path.join(dir, 'images')) && fs.readdirSync(path.join(dir, 'images')).length === 2)
      ) {
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(fs.readdirSync(path.join(dir, 'images'))).toHaveLength(2);
    } finally {
      await browser.close();
      await edge.close();
    }
  },
  240_000,
);
