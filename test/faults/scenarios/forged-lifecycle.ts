/**
 * Forged lifecycle messages from a node with valid credentials of its own (edge-m), aimed at
 * taking other nodes offline or posing as them. Lifecycle subjects carry the sender's id
 * (`semaigc.v1.node.<id>.hello|heartbeat|bye`) and a node's credentials allow only its own:
 * on a victim's subject the server refuses (a permissions violation reported to the
 * forger); on the forger's own subject naming a victim, the coordinator refuses (dropped,
 * logged UNAUTHORIZED; a hello is answered with the error). Never asserts: the test and the
 * faults bench read the measure.
 */
import { decode, encode, makeMessage, type Message, nodeLifecycleSubject } from '@semaigc/protocol';
import { caps, TestEdge, TestReceiver, until } from '../../../apps/coordinator/test/helpers';
import { type AuthLab, permissionErrors } from '../auth-lab';

const bye = (nodeId: string, role: 'edge' | 'receiver') =>
  encode(makeMessage('bye', { nodeId, role, reason: 'forged', sentAt: Date.now() }));
const hello = (nodeId: string, role: 'edge' | 'receiver') =>
  encode(makeMessage('hello', { nodeId, role, name: 'forged', capabilities: caps(), sentAt: Date.now() }));
const beat = (nodeId: string, role: 'edge' | 'receiver') =>
  encode(
    makeMessage('heartbeat', {
      nodeId,
      role,
      seq: 1,
      sentAt: Date.now(),
      inFlight: 0,
      queued: 0,
      stepMs: null,
    }),
  );

export interface ForgedLifecycleMeasure {
  scenario: string;
  /** Publishes on the victims' subjects, and those the server refused naming the subject. */
  onVictims: number;
  serverRefused: number;
  /** The hello as a request to a victim's subject: the error it failed with. */
  requestError: string;
  /** Forgeries on the victims' subjects that reached the observer (none may). */
  delivered: Message[];
  /** On its own subject naming a victim: sent, refused by the coordinator, their codes. */
  onOwn: number;
  coordinatorRefused: number;
  refusals: { code: unknown; via: unknown }[];
  /** The coordinator's answer to the forged hello. */
  answer: Message;
  /** Victims (and the forger) still online with their roles after several node timeouts. */
  stillOnline: number;
  nodes: number;
  /** Log lines saying a victim went offline (none may). */
  offlineLines: number;
}

export async function forgedLifecycle(lab: AuthLab, nodeTimeoutMs: number): Promise<ForgedLifecycleMeasure> {
  const victimEdge = await new TestEdge('edge-v').start(lab.nats.url, await lab.nodeAuth('edge', 'edge-v'));
  const victimRx = await new TestReceiver('rx-v').start(lab.nats.url, await lab.nodeAuth('receiver', 'rx-v'));
  const forger = await new TestEdge('edge-m').start(lab.nats.url, await lab.nodeAuth('edge', 'edge-m'));
  try {
    const errors = permissionErrors(forger.nc);
    const observer = await lab.client('observer');
    const delivered: Message[] = [];
    observer.subscribe('semaigc.v1.node.*.*', {
      callback: (_e, m) => {
        const msg = decode(m.data);
        // The nodes' own beats go on; only what names a victim outside its own subject counts.
        if (msg.type !== 'heartbeat' || m.subject.split('.')[3] !== msg.nodeId) delivered.push(msg);
      },
    });
    await observer.flush();

    // 1. On the victims' own subjects: the server refuses each publish.
    const onVictims: [string, Uint8Array][] = [
      [nodeLifecycleSubject('rx-v', 'bye'), bye('rx-v', 'receiver')],
      [nodeLifecycleSubject('edge-v', 'bye'), bye('edge-v', 'edge')],
      [nodeLifecycleSubject('edge-v', 'hello'), hello('edge-v', 'receiver')],
      [nodeLifecycleSubject('rx-v', 'heartbeat'), beat('rx-v', 'receiver')],
    ];
    for (const [subject, bytes] of onVictims) forger.nc.publish(subject, bytes);
    await forger.nc.flush();
    await until(() => errors.list.length >= onVictims.length, 'a refusal per forgery', 10_000).catch(
      () => undefined,
    );
    const all = errors.list.join('\n');
    const serverRefused = onVictims.filter(([s]) =>
      all.includes(`Permissions Violation for Publish to "${s}"`),
    ).length;
    const requestError = await forger.nc
      .request(nodeLifecycleSubject('edge-v', 'hello'), hello('edge-v', 'receiver'), { timeout: 5000 })
      .then(
        () => 'answered',
        (err: unknown) => String(err),
      );
    await observer.flush();
    // What got through the server (step 2's forgeries pass it by design: own subject).
    const deliveredPastServer = [...delivered];

    // 2. On its own subject, naming a victim: the coordinator refuses it.
    const dropsBefore = lab.coord.metrics.dropped.byNode['edge-m'] ?? 0;
    forger.nc.publish(nodeLifecycleSubject('edge-m', 'bye'), bye('rx-v', 'receiver'));
    forger.nc.publish(nodeLifecycleSubject('edge-m', 'bye'), bye('edge-v', 'edge'));
    forger.nc.publish(nodeLifecycleSubject('edge-m', 'heartbeat'), beat('edge-v', 'edge'));
    const answer = decode(
      (
        await forger.nc.request(nodeLifecycleSubject('edge-m', 'hello'), hello('edge-v', 'receiver'), {
          timeout: 5000,
        })
      ).data,
    );
    await until(
      () => (lab.coord.metrics.dropped.byNode['edge-m'] ?? 0) >= dropsBefore + 4,
      'four refusals',
      10_000,
    ).catch(() => undefined);
    const refusals = lab.log
      .filter((l) => l.msg === 'dropped message from node' && l['nodeId'] === 'edge-m')
      .map((l) => ({ code: l['code'], via: l['via'] }));

    // The victims (and the forger, whose own bye named someone else) stay online, roles
    // intact, across several node timeouts of their real heartbeats.
    await new Promise((r) => setTimeout(r, 3 * nodeTimeoutMs));
    const expected = [
      ['rx-v', 'receiver'],
      ['edge-v', 'edge'],
      ['edge-m', 'edge'],
    ] as const;
    const stillOnline = expected.filter(([id, role]) => {
      const e = lab.coord.registry.get(id);
      return e?.status === 'online' && e.role === role;
    }).length;
    return {
      scenario: 'forged lifecycle (authenticated edge)',
      onVictims: onVictims.length,
      serverRefused,
      requestError,
      delivered: deliveredPastServer,
      onOwn: 4,
      coordinatorRefused: (lab.coord.metrics.dropped.byNode['edge-m'] ?? 0) - dropsBefore,
      refusals,
      answer,
      stillOnline,
      nodes: expected.length,
      offlineLines: lab.log.filter(
        (l) => /offline/i.test(l.msg) && ['rx-v', 'edge-v'].includes(String(l['nodeId'])),
      ).length,
    };
  } finally {
    await Promise.all([victimEdge.close(), victimRx.close(), forger.close()]);
  }
}
