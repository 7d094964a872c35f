/**
 * The NATS link tracker: one log line per change of the link, not per dial; the backoff
 * doubles to its cap; the options never give up on their own.
 */
import {
  DEFAULT_NATS_RECONNECT,
  NatsLinkTracker,
  natsReconnectOptions,
  reconnectBackoffMs,
  type NatsStatusEvent,
} from '../src';

test('backoff: 250 ms doubling, capped at 5 s', () => {
  expect([0, 1, 2, 3, 4, 5, 6, 50].map((n) => reconnectBackoffMs(n))).toEqual([
    250, 500, 1000, 2000, 4000, 5000, 5000, 5000,
  ]);
  expect(() => reconnectBackoffMs(-1)).toThrow(/dials must be an integer >= 0/);
});

test('an outage is logged as disconnect, reconnecting once, reconnect with its length', () => {
  let t = 1000;
  const tr = new NatsLinkTracker(
    DEFAULT_NATS_RECONNECT,
    () => t,
    () => 0,
  );
  const feed = (s: NatsStatusEvent) => tr.event(s)?.msg ?? null;
  expect(tr.state).toBe('connected');
  expect(feed({ type: 'disconnect', server: 's1' })).toMatch(/disconnected/);
  expect(tr.state).toBe('reconnecting');
  expect(feed({ type: 'disconnect', server: 's1' })).toBeNull(); // the same change, not logged twice
  expect(feed({ type: 'reconnecting' })).toMatch(/reconnecting/);
  expect(tr.nextDelayMs()).toBe(500);
  for (let i = 0; i < 5; i++) expect(feed({ type: 'reconnecting' })).toBeNull();
  expect(tr.nextDelayMs()).toBe(5000);
  expect(feed({ type: 'error', error: new Error('connection refused') })).toBe('NATS error');
  expect(feed({ type: 'error', error: new Error('connection refused') })).toBeNull();
  expect(feed({ type: 'ping' })).toBeNull();
  t = 4000;
  const back = tr.event({ type: 'reconnect', server: 's1' })!;
  expect(back).toMatchObject({ level: 'info', msg: 'NATS reconnected', fields: { downMs: 3000, dials: 6 } });
  expect(tr.state).toBe('connected');
  expect(tr.nextDelayMs()).toBe(250);
  // The same error after a reconnect is news again.
  expect(feed({ type: 'error', error: new Error('connection refused') })).toBe('NATS error');
});

test('closing: on purpose is info, giving up is an error naming why; either is logged once', () => {
  const a = new NatsLinkTracker();
  expect(a.closed(null)).toMatchObject({ level: 'info' });
  expect(a.closed(null)).toBeNull();
  const b = new NatsLinkTracker();
  expect(b.closed(new Error('Authorization Violation'))).toEqual({
    level: 'error',
    msg: 'NATS connection closed: gave up',
    fields: { error: 'Authorization Violation' },
  });
  expect(b.state).toBe('closed');
});

test('the connection options reconnect forever through the tracker', () => {
  const tr = new NatsLinkTracker(DEFAULT_NATS_RECONNECT, Date.now, () => 1);
  const o = natsReconnectOptions(tr);
  expect(o.maxReconnectAttempts).toBe(-1);
  expect(o.reconnectDelayHandler()).toBe(250 + 250);
});
