/**
 * Every branch of the session's state machine, one row each: from a snapshot, an event →
 * the next snapshot and the effects, in order.
 */
import { makeMessage, type WelcomeMessage } from '@semaigc/protocol';
import {
  INITIAL_SNAPSHOT,
  transition,
  type SessionEffect,
  type SessionEvent,
  type SessionSnapshot,
} from '../src';

const welcome: WelcomeMessage = makeMessage('welcome', {
  nodeId: 'rx-1',
  coordinatorId: 'coord-a',
  heartbeatIntervalMs: 250,
  nodeTimeoutMs: 750,
  serverTime: 1_000,
});

const at = (over: Partial<SessionSnapshot>): SessionSnapshot => ({ ...INITIAL_SNAPSHOT, ...over });
/** A link that is up in epoch 3 with hello 5 the latest sent. */
const up = (phase: SessionSnapshot['phase']): SessionSnapshot =>
  at({ phase, linkUp: true, epoch: 3, hello: 5 });
const down = (phase: SessionSnapshot['phase']): SessionSnapshot =>
  at({ phase, linkUp: false, epoch: 4, hello: 5 });

const notify = (state: string, detail: string): SessionEffect =>
  ({ kind: 'notify', state, detail }) as SessionEffect;
const hello = (epoch: number, id: number): SessionEffect => ({ kind: 'send-hello', epoch, hello: id });
const welcomed: SessionEffect[] = [
  { kind: 'cancel-retry' },
  { kind: 'adopt-welcome', welcome },
  { kind: 'start-beats', intervalMs: 250 },
  { kind: 'flush-outbox' },
];

type Row = [
  name: string,
  from: SessionSnapshot,
  event: SessionEvent,
  next: SessionSnapshot,
  effects: SessionEffect[],
];

const rows: Row[] = [
  // start
  [
    'start from idle opens the transport',
    INITIAL_SNAPSHOT,
    { kind: 'start', peer: 'nats://127.0.0.1:4222' },
    at({ phase: 'connecting' }),
    [notify('connecting', 'connecting to nats://127.0.0.1:4222'), { kind: 'open' }],
  ],
  [
    'start after close reopens',
    at({ phase: 'closed', epoch: 7, hello: 2 }),
    { kind: 'start', peer: 'p' },
    at({ phase: 'connecting', epoch: 7, hello: 2 }),
    [notify('connecting', 'connecting to p'), { kind: 'open' }],
  ],
  ['start while running is ignored', up('welcomed'), { kind: 'start', peer: 'p' }, up('welcomed'), []],
  // link up / down
  [
    'link up says hello on the new epoch',
    at({ phase: 'connecting', epoch: 0, hello: 0 }),
    { kind: 'link-up' },
    at({ phase: 'connecting', linkUp: true, epoch: 1, hello: 1 }),
    [{ kind: 'stop-beats' }, { kind: 'cancel-retry' }, hello(1, 1)],
  ],
  [
    'link up after a refusal (rejoin) says hello again',
    down('refused'),
    { kind: 'link-up' },
    at({ phase: 'connecting', linkUp: true, epoch: 5, hello: 6 }),
    [{ kind: 'stop-beats' }, { kind: 'cancel-retry' }, hello(5, 6)],
  ],
  [
    'link down while welcomed: disconnected, beats stop',
    up('welcomed'),
    { kind: 'link-down', detail: 'disconnected (transport close); reconnecting', retrying: true },
    down('disconnected'),
    [
      { kind: 'stop-beats' },
      { kind: 'cancel-retry' },
      notify('disconnected', 'disconnected (transport close); reconnecting'),
    ],
  ],
  [
    'link down without retry (handshake refused): refused',
    up('connecting'),
    { kind: 'link-down', detail: 'the coordinator refused the connection: bad code', retrying: false },
    down('refused'),
    [
      { kind: 'stop-beats' },
      { kind: 'cancel-retry' },
      notify('refused', 'the coordinator refused the connection: bad code'),
    ],
  ],
  // welcome
  [
    'welcome to the current hello: welcomed, beats, outbox flushed, owner told',
    up('connecting'),
    { kind: 'welcome', welcome, epoch: 3 },
    up('welcomed'),
    [...welcomed, notify('welcomed', 'joined coordinator coord-a')],
  ],
  [
    'welcome on the control channel (no epoch) counts too',
    up('connecting'),
    { kind: 'welcome', welcome, epoch: null },
    up('welcomed'),
    [...welcomed, notify('welcomed', 'joined coordinator coord-a')],
  ],
  [
    're-welcome after a re-announce: new interval, owner not told again',
    up('welcomed'),
    { kind: 'welcome', welcome, epoch: 3 },
    up('welcomed'),
    welcomed,
  ],
  [
    'welcome from before a reconnect is ignored',
    up('connecting'),
    { kind: 'welcome', welcome, epoch: 2 },
    up('connecting'),
    [],
  ],
  [
    'welcome while the link is down is ignored',
    down('disconnected'),
    { kind: 'welcome', welcome, epoch: null },
    down('disconnected'),
    [],
  ],
  // refused
  [
    'hello answered with an error: refused, no retry',
    up('connecting'),
    { kind: 'refused', detail: 'hello refused: BAD_MESSAGE: join code', epoch: 3 },
    up('refused'),
    [
      { kind: 'cancel-retry' },
      { kind: 'stop-beats' },
      notify('refused', 'hello refused: BAD_MESSAGE: join code'),
    ],
  ],
  [
    'a refusal from an older link is ignored',
    up('welcomed'),
    { kind: 'refused', detail: 'x', epoch: 1 },
    up('welcomed'),
    [],
  ],
  // hello failed
  [
    'no answer while connecting: retry later, owner told',
    up('connecting'),
    { kind: 'hello-failed', detail: 'no answer to hello yet (TIMEOUT); retrying', epoch: 3, hello: 5 },
    up('connecting'),
    [{ kind: 'retry-later' }, notify('connecting', 'no answer to hello yet (TIMEOUT); retrying')],
  ],
  [
    'no answer to a re-announce while welcomed: retry quietly, still welcomed',
    up('welcomed'),
    { kind: 'hello-failed', detail: 'x', epoch: 3, hello: 5 },
    up('welcomed'),
    [{ kind: 'retry-later' }],
  ],
  [
    'failure of a superseded hello is ignored',
    up('connecting'),
    { kind: 'hello-failed', detail: 'x', epoch: 3, hello: 4 },
    up('connecting'),
    [],
  ],
  [
    'failure from an older link is ignored',
    up('connecting'),
    { kind: 'hello-failed', detail: 'x', epoch: 2, hello: 5 },
    up('connecting'),
    [],
  ],
  [
    'failure after the link went down is ignored',
    down('disconnected'),
    { kind: 'hello-failed', detail: 'x', epoch: 4, hello: 5 },
    down('disconnected'),
    [],
  ],
  // retry
  [
    'retry says hello again',
    up('connecting'),
    { kind: 'retry' },
    { ...up('connecting'), hello: 6 },
    [hello(3, 6)],
  ],
  [
    'retry with the link down waits for link up',
    down('disconnected'),
    { kind: 'retry' },
    down('disconnected'),
    [],
  ],
  ['retry after a refusal does nothing', up('refused'), { kind: 'retry' }, up('refused'), []],
  // reannounce
  [
    're-announce while welcomed: hello on the same link, still welcomed',
    up('welcomed'),
    { kind: 'reannounce' },
    { ...up('welcomed'), hello: 6 },
    [{ kind: 'cancel-retry' }, hello(3, 6)],
  ],
  [
    're-announce with the link down waits for link up',
    down('disconnected'),
    { kind: 'reannounce' },
    down('disconnected'),
    [],
  ],
  // close
  [
    'close while up: bye, then the transport closes',
    up('welcomed'),
    { kind: 'close', reason: 'page closed' },
    at({ phase: 'closed', epoch: 4, hello: 5 }),
    [
      { kind: 'stop-beats' },
      { kind: 'cancel-retry' },
      { kind: 'send-bye', reason: 'page closed' },
      { kind: 'close-transport' },
    ],
  ],
  [
    'close while down: no bye',
    down('disconnected'),
    { kind: 'close', reason: 'shutdown' },
    at({ phase: 'closed', epoch: 5, hello: 5 }),
    [{ kind: 'stop-beats' }, { kind: 'cancel-retry' }, { kind: 'close-transport' }],
  ],
  [
    'close before start: nothing to close',
    INITIAL_SNAPSHOT,
    { kind: 'close', reason: 'x' },
    at({ phase: 'closed', epoch: 1 }),
    [],
  ],
  // closed
  [
    'link up after close is ignored',
    at({ phase: 'closed', epoch: 4 }),
    { kind: 'link-up' },
    at({ phase: 'closed', epoch: 4 }),
    [],
  ],
  [
    'an answer after close is ignored',
    at({ phase: 'closed', epoch: 4 }),
    { kind: 'welcome', welcome, epoch: null },
    at({ phase: 'closed', epoch: 4 }),
    [],
  ],
];

test.each(rows)('%s', (_name, from, event, next, effects) => {
  const t = transition(from, event);
  expect(t.next).toEqual(next);
  expect(t.effects).toEqual(effects);
});

test('every event kind has a row', () => {
  const kinds = new Set(rows.map((r) => r[2].kind));
  const all: SessionEvent['kind'][] = [
    'start',
    'link-up',
    'link-down',
    'welcome',
    'refused',
    'hello-failed',
    'retry',
    'reannounce',
    'close',
  ];
  expect([...kinds].sort()).toEqual([...all].sort());
});
