import {
  ALL_SUBJECTS_WILDCARD,
  BYE_WILDCARD,
  EDGE_QUEUE_GROUP,
  EDGE_REQUEST_SUBJECT,
  ERROR_SUBJECT,
  HEARTBEAT_WILDCARD,
  HELLO_WILDCARD,
  MESSAGE_TYPES,
  PROTOCOL_VERSION,
  RECEIVER_LATENT_WILDCARD,
  RECORD_SUBJECT,
  SUBJECT_PREFIX,
  SUBJECT_RE,
  TRIAL_EVENTS_WILDCARD,
  assertSubjectToken,
  edgeRequestSubject,
  idFromSubject,
  isSubjectToken,
  nodeControlSubject,
  nodeLifecycleSubject,
  receiverLatentSubject,
  receiverRequestSubject,
  socketEventOf,
  trialEventsSubject,
  type ClientToServerEvents,
  type ServerToClientEvents,
} from '@semaigc/protocol';

test('subjects carry the protocol version', () => {
  expect(SUBJECT_PREFIX).toBe(`semaigc.v${PROTOCOL_VERSION}`);
  expect(nodeLifecycleSubject('edge-1', 'hello')).toBe('semaigc.v1.node.edge-1.hello');
  expect(EDGE_REQUEST_SUBJECT).toBe('semaigc.v1.edge.request');
  expect(receiverLatentSubject('phone-7')).toBe('semaigc.v1.receiver.phone-7.latent');
});

test('every fixed and built subject is a valid NATS subject (no wildcard)', () => {
  const subjects = [
    nodeLifecycleSubject('n1', 'hello'),
    nodeLifecycleSubject('n1', 'heartbeat'),
    nodeLifecycleSubject('n1', 'bye'),
    EDGE_REQUEST_SUBJECT,
    RECORD_SUBJECT,
    ERROR_SUBJECT,
    nodeControlSubject('n1'),
    edgeRequestSubject('edge_2'),
    receiverLatentSubject('r-3'),
    receiverRequestSubject('r-3'),
    trialEventsSubject('t4'),
  ];
  for (const s of subjects) expect(s).toMatch(SUBJECT_RE);
  expect(new Set(subjects).size).toBe(subjects.length);
});

test('wildcards match exactly the subjects they are for', () => {
  const asRegExp = (w: string): RegExp =>
    new RegExp('^' + w.replace(/\./g, '\\.').replace(/\*/g, '[^.]+').replace(/>$/, '.+') + '$');
  expect(receiverLatentSubject('x')).toMatch(asRegExp(RECEIVER_LATENT_WILDCARD));
  expect(receiverRequestSubject('x')).not.toMatch(asRegExp(RECEIVER_LATENT_WILDCARD));
  expect(trialEventsSubject('t')).toMatch(asRegExp(TRIAL_EVENTS_WILDCARD));
  expect(RECORD_SUBJECT).toMatch(asRegExp(ALL_SUBJECTS_WILDCARD));
  expect(nodeLifecycleSubject('x', 'hello')).toMatch(asRegExp(HELLO_WILDCARD));
  expect(nodeLifecycleSubject('x', 'heartbeat')).toMatch(asRegExp(HEARTBEAT_WILDCARD));
  expect(nodeLifecycleSubject('x', 'bye')).toMatch(asRegExp(BYE_WILDCARD));
  expect(nodeLifecycleSubject('x', 'bye')).not.toMatch(asRegExp(HELLO_WILDCARD));
  expect(nodeControlSubject('x')).not.toMatch(asRegExp(HELLO_WILDCARD));
  // An id is one subject token: no id can reach another node's lifecycle subject.
  expect(() => nodeLifecycleSubject('a.b', 'bye')).toThrow();
  expect(() => nodeLifecycleSubject('*', 'bye')).toThrow();
  expect(EDGE_QUEUE_GROUP).not.toContain('.');
});

test.each(['a.b', 'a*', '>', 'with space', '', 'x'.repeat(65), 'ünï', 'a\nb'])(
  'id %j is refused as a subject token with a TypeError',
  (id) => {
    expect(isSubjectToken(id)).toBe(false);
    expect(() => receiverLatentSubject(id)).toThrow(TypeError);
    expect(() => receiverLatentSubject(id)).toThrow(/receiverId must be 1-64 characters/);
  },
);

test('ids of letters, digits, _ and - up to 64 are tokens', () => {
  for (const id of ['a', 'edge-1', 'Phone_7', 'x'.repeat(64)])
    expect(() => assertSubjectToken(id, 'id')).not.toThrow();
  expect(() => assertSubjectToken(42, 'nodeId')).toThrow(
    'nodeId must be 1-64 characters of A-Z a-z 0-9 _ - (a NATS subject token), got number',
  );
});

test('idFromSubject inverts the builders', () => {
  expect(idFromSubject(receiverLatentSubject('phone-7'), 'receiver')).toBe('phone-7');
  expect(idFromSubject(edgeRequestSubject('e1'), 'edge')).toBe('e1');
  expect(idFromSubject(edgeRequestSubject('e1'), 'receiver')).toBeNull();
  expect(idFromSubject('semaigc.v2.receiver.x.latent', 'receiver')).toBeNull();
  expect(idFromSubject(nodeLifecycleSubject('edge-1', 'bye'), 'node')).toBe('edge-1');
  expect(idFromSubject('semaigc.v1.hello', 'node')).toBeNull();
});

test('socket.io events: one per message type a side sends, error travels as fault', () => {
  // Compile-time: the event maps' names are message types (or fault).
  type Names = keyof ClientToServerEvents | keyof ServerToClientEvents;
  const names: Names[] = [
    'hello',
    'heartbeat',
    'bye',
    'record',
    'fault',
    'request',
    'latent',
    'image',
    'trial.assign',
  ];
  for (const n of names) expect(n === 'fault' || (MESSAGE_TYPES as string[]).includes(n)).toBe(true);
  expect(socketEventOf('error')).toBe('fault');
  expect(socketEventOf('latent')).toBe('latent');
});
