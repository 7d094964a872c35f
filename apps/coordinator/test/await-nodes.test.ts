/**
 * Waiting for nodes on a real NodeRegistry's events (src/trial/await-nodes.ts), and the
 * registry's edge-load bookkeeping. In process: a node's hello is the registry call the
 * transports make when one arrives.
 */
import { makeMessage, type HelloMessage } from '@semaigc/protocol';
import { NodeRegistry, TrialStartError } from '../src';
import { awaitNodes, ReceiverWaits } from '../src/trial/await-nodes';
import { caps } from './helpers';

function hello(reg: NodeRegistry, nodeId: string, role: 'edge' | 'receiver' = 'receiver'): void {
  const msg = makeMessage('hello', { nodeId, role, name: nodeId, capabilities: caps(), sentAt: Date.now() });
  reg.hello(msg as HelloMessage, { kind: 'nats' });
}

const live = new AbortController().signal;

describe('awaitNodes', () => {
  test('resolves when the last wanted node says hello, with the receivers in id order', async () => {
    const reg = new NodeRegistry();
    hello(reg, 'rx-b');
    const waiting = awaitNodes(reg, { count: 2, waitS: 30 }, { trialId: 't', needsEdge: true, signal: live });
    hello(reg, 'rx-a');
    hello(reg, 'edge-1', 'edge');
    expect((await waiting).map((n) => n.nodeId)).toEqual(['rx-a', 'rx-b']);
    expect(reg.listenerCount('online')).toBe(0);
  });

  test('named receivers: exactly those, in the order asked', async () => {
    const reg = new NodeRegistry();
    for (const id of ['rx-1', 'rx-2', 'rx-3']) hello(reg, id);
    const got = await awaitNodes(
      reg,
      { ids: ['rx-3', 'rx-1'], waitS: 0 },
      { trialId: 't', needsEdge: false, signal: live },
    );
    expect(got.map((n) => n.nodeId)).toEqual(['rx-3', 'rx-1']);
  });

  test('gives up after waitS, naming every missing part', async () => {
    const reg = new NodeRegistry();
    hello(reg, 'rx-1');
    const err: unknown = await awaitNodes(
      reg,
      { ids: ['rx-1', 'rx-9'], waitS: 0.05 },
      { trialId: 't', needsEdge: true, signal: live },
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TrialStartError);
    expect((err as Error).message).toBe(
      'trial t: receivers rx-9 not online; no edge online after waiting 0.05 s (receivers.waitS)',
    );
    expect(reg.listenerCount('online')).toBe(0);
  });

  test('an abort ends the wait with a TrialStartError', async () => {
    const reg = new NodeRegistry();
    const ac = new AbortController();
    const waiting = awaitNodes(reg, { waitS: 30 }, { trialId: 't', needsEdge: false, signal: ac.signal });
    ac.abort('stop');
    await expect(waiting).rejects.toThrow('trial t aborted while waiting for nodes');
  });
});

describe('ReceiverWaits', () => {
  test('true when the receiver says hello again, false when the time runs out or on abort', async () => {
    const reg = new NodeRegistry();
    hello(reg, 'rx-1');
    hello(reg, 'rx-2');
    reg.markOffline('rx-1', 'test');
    reg.markOffline('rx-2', 'test');
    const ac = new AbortController();
    const waits = new ReceiverWaits(reg, ac.signal, Date.now);
    const back = waits.untilOnline('rx-1', Date.now() + 30_000);
    const gone = waits.untilOnline('rx-2', Date.now() + 50);
    hello(reg, 'rx-1');
    expect(await back).toBe(true);
    expect(await gone).toBe(false);
    expect(await waits.untilOnline('rx-1', 0)).toBe(true); // online now: no wait at all

    reg.markOffline('rx-1', 'test');
    const aborted = waits.untilOnline('rx-1', Date.now() + 30_000);
    ac.abort();
    expect(await aborted).toBe(false);
    expect(await waits.untilOnline('rx-1', Date.now() + 30_000)).toBe(false);
    waits.close();
    expect(reg.listenerCount('online')).toBe(0);
  });

  test('many waits share one registry listener; close() ends the open ones', async () => {
    const reg = new NodeRegistry();
    hello(reg, 'rx-1');
    reg.markOffline('rx-1', 'test');
    const waits = new ReceiverWaits(reg, live, Date.now);
    const open = Array.from({ length: 20 }, () => waits.untilOnline('rx-1', Date.now() + 30_000));
    expect(reg.listenerCount('online')).toBe(1);
    waits.close();
    expect(await Promise.all(open)).toEqual(Array(20).fill(false));
  });
});

test("registry reserve/release: the edge's own load count, never below zero, kept across a re-hello", () => {
  const reg = new NodeRegistry();
  hello(reg, 'edge-1', 'edge');
  reg.reserve('edge-1');
  reg.reserve('edge-1');
  hello(reg, 'edge-1', 'edge'); // reconnects with two requests still open
  expect(reg.get('edge-1')!.assigned).toBe(2);
  reg.release('edge-1');
  reg.release('edge-1');
  reg.release('edge-1');
  expect(reg.get('edge-1')!.assigned).toBe(0);
  reg.reserve('ghost'); // an unknown node is ignored
  expect(reg.get('ghost')).toBeUndefined();
});

test('registry assignTrial/releaseTrial: a newer trial keeps its claim', () => {
  const reg = new NodeRegistry();
  hello(reg, 'rx-1');
  reg.assignTrial('rx-1', 'trial-a');
  reg.assignTrial('rx-1', 'trial-b');
  reg.releaseTrial('rx-1', 'trial-a');
  expect(reg.get('rx-1')!.trialId).toBe('trial-b');
  reg.releaseTrial('rx-1', 'trial-b');
  expect(reg.get('rx-1')!.trialId).toBeNull();
});
