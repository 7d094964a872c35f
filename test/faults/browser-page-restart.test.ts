/**
 * Fault: the receiver page (headless Chromium, the real page and bundle) sends its record on
 * a socket whose coordinator is frozen (SIGSTOP) and then SIGKILLed, so the record never
 * leaves the dead socket's buffers (scenarios/page-restart.ts). The page keeps every record
 * until the coordinator acknowledges it and sends it again once a coordinator welcomes it
 * back; the restarted coordinator (same runs folder, nats-server and join code) waits for the
 * trial's receivers before ending the trial it found running, so that record is written,
 * once, as the page computed it, not CANCELLED. Needs `npm run build` (the CLI's dist) and
 * Chromium (skipped, saying so, without it).
 */
import { hasChromium } from '@semaigc/testkit';
import { pageRecordRestart } from './scenarios/page-restart';

const maybe = hasChromium() ? test : test.skip;
if (!hasChromium()) process.stderr.write('browser-page-restart.test: skipped, no Chromium\n');

maybe(
  "the page's record sent to a coordinator that dies with it unread is written once after the restart",
  async () => {
    const m = await pageRecordRestart();
    // The dead coordinator never read it: nothing reached the broker before the restart.
    expect(m.publishedBeforeRestart).toBe(0);
    expect(m.info).toMatchObject({
      state: 'aborted',
      summary: { status: 'aborted', reason: 'coordinator restarted' },
    });
    // The page sent it again to the new coordinator, which stored it (a second copy would
    // be published too, and dropped by the stream: it keeps one).
    expect(m.resentFrames).toBeGreaterThanOrEqual(1);
    expect(m.published.length).toBeGreaterThanOrEqual(1);
    expect(new Set(m.published.map((r) => r.requestId)).size).toBe(1);
    expect(m.streamMessages).toBe(1);
    expect(m.records).toHaveLength(1);
    expect(m.records[0]).toMatchObject({
      requestId: m.published[0]!.requestId,
      failed: false,
      receiverId: m.nodeId,
      edgeId: 'edge-1',
    });
    expect(m.records[0]!.receiver.runtime.kind).toBe('browser');
  },
  420_000,
);
