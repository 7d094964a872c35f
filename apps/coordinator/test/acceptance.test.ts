/**
 * What the coordinator takes from nodes (src/trial/acceptance.ts) and which hellos the
 * registry refuses (helloConflict), one row per rule. The rules are pure, so the tables are
 * their specification; test/faults/ runs forgeries against a real coordinator over NATS.
 */
import type { HelloMessage } from '@semaigc/protocol';
import {
  type DueAttempt,
  errorVerdict,
  previewVerdict,
  recordVerdict,
  type Verdict,
} from '../src/trial/acceptance';
import { helloConflict, type NodeEntry, type NodeTransport } from '../src/registry/node-registry';
import { caps } from './helpers';

const OPEN: DueAttempt = { trialId: 't1', attempt: 1, receiverId: 'rx-1', edgeId: 'edge-1' };
const kind = (v: Verdict): string => v.kind;

describe('records', () => {
  const rec = { trialId: 't1', requestId: 't1-r0', receiverId: 'rx-1', attempt: 1 };
  it.each<[string, DueAttempt | undefined, Partial<typeof rec>, string, string]>([
    ['the assigned receiver, current attempt', OPEN, {}, 'rx-1', 'due'],
    ['no open attempt (late or duplicate)', undefined, {}, 'rx-1', 'unknown'],
    ['another trial', OPEN, { trialId: 't0' }, 'rx-1', 'unknown'],
    ['another receiver naming itself', OPEN, { receiverId: 'mallory' }, 'mallory', 'not-due'],
    ['another receiver claiming the assigned id over a socket', OPEN, {}, 'mallory', 'not-due'],
    ['the edge of the attempt', OPEN, { receiverId: 'edge-1' }, 'edge-1', 'not-due'],
    ['a stale attempt', OPEN, { attempt: 0 }, 'rx-1', 'not-due'],
    ['a future attempt', OPEN, { attempt: 2 }, 'rx-1', 'not-due'],
  ])('%s → %s', (_name, open, over, sender, want) => {
    expect(kind(recordVerdict(open, { ...rec, ...over }, sender))).toBe(want);
  });
});

describe('errors', () => {
  const err = { requestId: 't1-r0', trialId: 't1', attempt: 1 };
  it.each<[string, DueAttempt | undefined, Partial<typeof err> & { attempt?: number }, string, string]>([
    ['from the edge', OPEN, {}, 'edge-1', 'due'],
    ['from the receiver', OPEN, {}, 'rx-1', 'due'],
    ['without an attempt number, from the edge', OPEN, { attempt: undefined }, 'edge-1', 'due'],
    ['no open attempt', undefined, {}, 'edge-1', 'unknown'],
    ['from another edge', OPEN, {}, 'edge-2', 'not-due'],
    ['from a stranger', OPEN, {}, 'mallory', 'not-due'],
    ['from any node before a queue-group edge accepted', { ...OPEN, edgeId: null }, {}, 'edge-1', 'not-due'],
    ['for a stale attempt', OPEN, { attempt: 0 }, 'edge-1', 'not-due'],
    ['naming another trial', OPEN, { trialId: 't0' }, 'rx-1', 'not-due'],
  ])('%s → %s', (_name, open, over, sender, want) => {
    // An `attempt: undefined` override means the message carries no attempt field at all.
    const { attempt, ...rest } = { ...err, ...over };
    const e = attempt === undefined ? rest : { ...rest, attempt };
    expect(kind(errorVerdict(open, e, sender))).toBe(want);
  });
});

describe('previews', () => {
  const p = { trialId: 't1', requestId: 't1-r0', receiverId: 'rx-1' };
  it.each<[string, string | null, string | undefined, Partial<typeof p>, string, string]>([
    ['from the request receiver', 't1', 'rx-1', {}, 'rx-1', 'due'],
    ['no trial running', null, 'rx-1', {}, 'rx-1', 'unknown'],
    ['a finished trial', 't1', 'rx-1', { trialId: 't0' }, 'rx-1', 'unknown'],
    ['already previewed or never sent', 't1', undefined, {}, 'rx-1', 'unknown'],
    ['from another receiver', 't1', 'rx-1', { receiverId: 'mallory' }, 'mallory', 'not-due'],
  ])('%s → %s', (_name, trialId, receiverOf, over, sender, want) => {
    expect(kind(previewVerdict(trialId, receiverOf, { ...p, ...over }, sender))).toBe(want);
  });
});

describe('hello', () => {
  const nats: NodeTransport = { kind: 'nats' };
  const socket: NodeTransport = { kind: 'socket', socketId: 's2' };
  const entry = (over: Partial<NodeEntry> = {}): NodeEntry => ({
    nodeId: 'edge-1',
    role: 'edge',
    name: 'edge',
    capabilities: caps(),
    transport: nats,
    status: 'online',
    offlineReason: null,
    firstSeenAt: 0,
    lastSeenAt: 0,
    hellos: 1,
    beats: 0,
    lastSeq: null,
    missedBeats: 0,
    reportedInFlight: 0,
    reportedQueued: 0,
    assigned: 0,
    trialId: null,
    instance: 'aaaa',
    ...over,
  });
  const hello = (over: Partial<HelloMessage> = {}): HelloMessage => ({
    v: 1,
    type: 'hello',
    nodeId: 'edge-1',
    role: 'edge',
    name: 'edge',
    capabilities: caps(),
    sentAt: 1,
    instance: 'aaaa',
    ...over,
  });
  it.each<[string, NodeEntry | undefined, Partial<HelloMessage>, NodeTransport, string | null]>([
    ['a new id', undefined, {}, nats, null],
    ['the same instance again', entry(), {}, nats, null],
    ['a role change of an online node', entry(), { role: 'receiver' }, nats, 'ROLE_CHANGE'],
    ['a transport change of an online node', entry(), {}, socket, 'ROLE_CHANGE'],
    ['another instance over NATS', entry(), { instance: 'bbbb' }, nats, 'NODE_ID_IN_USE'],
    [
      'a hello without instance for an id held by one',
      entry(),
      { instance: undefined },
      nats,
      'NODE_ID_IN_USE',
    ],
    ['another instance of an offline node', entry({ status: 'offline' }), { instance: 'bbbb' }, nats, null],
    ['a role change of an offline node', entry({ status: 'offline' }), { role: 'receiver' }, nats, null],
    [
      'a reloaded page (socket, new instance)',
      entry({ transport: socket }),
      { instance: 'bbbb' },
      socket,
      null,
    ],
  ])('%s → %s', (_name, known, over, transport, code) => {
    const h = hello(over);
    if (h.instance === undefined) delete h.instance;
    expect(helloConflict(known, h, transport)?.code ?? null).toBe(code);
  });
});
