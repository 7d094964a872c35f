/**
 * peekSenderId: the sender of bytes that failed to decode, for drop logs. Table-driven over
 * what a misbehaving peer can send; it must name the sender when one is there and never throw.
 */
import { pack } from 'msgpackr';
import { DEFAULT_MAX_MESSAGE_BYTES, encode, peekSenderId } from '@semaigc/protocol';
import { SAMPLES } from './fixtures';

const cases: [what: string, bytes: unknown, want: string | null][] = [
  ['a valid hello', encode(SAMPLES.hello()), 'edge-1'],
  ['a valid record: its receiver, not its edge', encode(SAMPLES.record()), 'phone-7'],
  ['a map with an invalid message but a nodeId', pack({ v: 99, type: 'nope', nodeId: 'rx-7' }), 'rx-7'],
  ['receiverId when there is no nodeId', pack({ receiverId: 'rx-2', edgeId: 'edge-1' }), 'rx-2'],
  ['edgeId as the last resort', pack({ edgeId: 'edge-3' }), 'edge-3'],
  ['nodeId wins over receiverId', pack({ receiverId: 'rx-2', nodeId: 'n-1' }), 'n-1'],
  ['an id that is not a subject token is skipped', pack({ nodeId: 'bad id', receiverId: 'rx-4' }), 'rx-4'],
  ['a non-string id', pack({ nodeId: 42 }), null],
  ['a map without ids', pack({ type: 'hello' }), null],
  ['an array', pack(['rx-1']), null],
  ['a bare string', pack('rx-1'), null],
  ['not msgpack at all', new Uint8Array([0xc1, 0xc1, 0xc1]), null],
  ['a truncated map', pack({ nodeId: 'rx-1' }).subarray(0, 4), null],
  ['empty bytes', new Uint8Array(0), null],
  ['not bytes', 'rx-1', null],
  ['null', null, null],
];

test.each(cases)('%s', (_what, bytes, want) => {
  expect(peekSenderId(bytes)).toBe(want);
});

test('bytes over the message size limit are not unpacked', () => {
  const big = new Uint8Array(DEFAULT_MAX_MESSAGE_BYTES + 1);
  big.set(pack({ nodeId: 'rx-1' }));
  expect(peekSenderId(big)).toBeNull();
});
