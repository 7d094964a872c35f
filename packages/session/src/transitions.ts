/**
 * The session's state machine as a pure function: `transition(snapshot, event)` returns the
 * next snapshot and the effects to run, in order. `NodeSession` runs the effects (timers,
 * sends); keeping decisions here makes every branch a row in a table test.
 *
 *   idle ──start──▶ connecting ──link up──▶ (hello) ──welcome──▶ welcomed
 *                      ▲   │ no answer: retry later          │ error answer: refused
 *                      │   └──────────────────────────────────┘
 *   link down (the transport reconnects): disconnected, then link up → hello again;
 *   link down (refused by the other side): refused until the transport comes up again;
 *   close from anywhere: closed (bye if the link is up); start reopens.
 *
 * Answers carry the link epoch and hello id they belong to: an answer from before a
 * reconnect is ignored, and only the latest hello's failure schedules a retry.
 */
import type { WelcomeMessage } from '@semaigc/protocol';

export type SessionPhase = 'idle' | 'connecting' | 'welcomed' | 'refused' | 'disconnected' | 'closed';
/** The phases a session reports to its owner (`onState`). */
export type LinkState = 'connecting' | 'welcomed' | 'refused' | 'disconnected';

export interface SessionSnapshot {
  phase: SessionPhase;
  /** The transport said up, and not down since. */
  linkUp: boolean;
  /** Bumped on every link up, link down and close. */
  epoch: number;
  /** Id of the latest hello sent. */
  hello: number;
}

export const INITIAL_SNAPSHOT: SessionSnapshot = { phase: 'idle', linkUp: false, epoch: 0, hello: 0 };

export type SessionEvent =
  | { kind: 'start'; peer: string }
  | { kind: 'link-up' }
  | { kind: 'link-down'; detail: string; retrying: boolean }
  /** `epoch` null: the welcome came on the control channel, not as a hello's answer. */
  | { kind: 'welcome'; welcome: WelcomeMessage; epoch: number | null }
  | { kind: 'refused'; detail: string; epoch: number }
  | { kind: 'hello-failed'; detail: string; epoch: number; hello: number }
  | { kind: 'retry' }
  /** Say hello again on the same link (new capabilities, or a coordinator that lost us). */
  | { kind: 'reannounce' }
  | { kind: 'close'; reason: string };

export type SessionEffect =
  | { kind: 'open' }
  | { kind: 'send-hello'; epoch: number; hello: number }
  | { kind: 'retry-later' }
  | { kind: 'cancel-retry' }
  | { kind: 'adopt-welcome'; welcome: WelcomeMessage }
  | { kind: 'start-beats'; intervalMs: number }
  | { kind: 'stop-beats' }
  | { kind: 'flush-outbox' }
  | { kind: 'send-bye'; reason: string }
  | { kind: 'close-transport' }
  | { kind: 'notify'; state: LinkState; detail: string };

export interface Transition {
  next: SessionSnapshot;
  effects: SessionEffect[];
}

const stay = (s: SessionSnapshot): Transition => ({ next: s, effects: [] });

function hello(s: SessionSnapshot, before: SessionEffect[] = []): Transition {
  const next = { ...s, hello: s.hello + 1 };
  return { next, effects: [...before, { kind: 'send-hello', epoch: next.epoch, hello: next.hello }] };
}

export function transition(s: SessionSnapshot, e: SessionEvent): Transition {
  if (s.phase === 'closed' && e.kind !== 'start') return stay(s);
  switch (e.kind) {
    case 'start':
      if (s.phase !== 'idle' && s.phase !== 'closed') return stay(s);
      return {
        next: { ...s, phase: 'connecting', linkUp: false },
        effects: [
          { kind: 'notify', state: 'connecting', detail: `connecting to ${e.peer}` },
          { kind: 'open' },
        ],
      };
    case 'link-up':
      // A new link is unknown to the coordinator until it answers a hello on it.
      return hello({ ...s, phase: 'connecting', linkUp: true, epoch: s.epoch + 1 }, [
        { kind: 'stop-beats' },
        { kind: 'cancel-retry' },
      ]);
    case 'link-down': {
      const phase = e.retrying ? 'disconnected' : 'refused';
      return {
        next: { ...s, phase, linkUp: false, epoch: s.epoch + 1 },
        effects: [
          { kind: 'stop-beats' },
          { kind: 'cancel-retry' },
          { kind: 'notify', state: phase, detail: e.detail },
        ],
      };
    }
    case 'welcome': {
      if (!s.linkUp || (e.epoch !== null && e.epoch !== s.epoch)) return stay(s);
      const effects: SessionEffect[] = [
        { kind: 'cancel-retry' },
        { kind: 'adopt-welcome', welcome: e.welcome },
        { kind: 'start-beats', intervalMs: e.welcome.heartbeatIntervalMs },
        { kind: 'flush-outbox' },
      ];
      // Re-welcomes on the same link (a re-announce) are not news to the owner.
      if (s.phase !== 'welcomed')
        effects.push({
          kind: 'notify',
          state: 'welcomed',
          detail: `joined coordinator ${e.welcome.coordinatorId}`,
        });
      return { next: { ...s, phase: 'welcomed' }, effects };
    }
    case 'refused':
      if (!s.linkUp || e.epoch !== s.epoch) return stay(s);
      return {
        next: { ...s, phase: 'refused' },
        effects: [
          { kind: 'cancel-retry' },
          { kind: 'stop-beats' },
          { kind: 'notify', state: 'refused', detail: e.detail },
        ],
      };
    case 'hello-failed': {
      if (!s.linkUp || e.epoch !== s.epoch || e.hello !== s.hello || s.phase === 'refused') return stay(s);
      if (s.phase === 'welcomed') return { next: s, effects: [{ kind: 'retry-later' }] };
      return {
        next: { ...s, phase: 'connecting' },
        effects: [{ kind: 'retry-later' }, { kind: 'notify', state: 'connecting', detail: e.detail }],
      };
    }
    case 'retry':
      if (!s.linkUp || s.phase === 'refused') return stay(s);
      return hello(s);
    case 'reannounce':
      if (!s.linkUp) return stay(s); // the next link up says hello anyway
      return hello(s, [{ kind: 'cancel-retry' }]);
    case 'close': {
      const effects: SessionEffect[] = [];
      if (s.phase !== 'idle') {
        effects.push({ kind: 'stop-beats' }, { kind: 'cancel-retry' });
        if (s.linkUp) effects.push({ kind: 'send-bye', reason: e.reason });
        effects.push({ kind: 'close-transport' });
      }
      return { next: { ...s, phase: 'closed', linkUp: false, epoch: s.epoch + 1 }, effects };
    }
  }
}
