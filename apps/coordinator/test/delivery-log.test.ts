/**
 * The coordinator's account of each payload's delivery, stamped on its record: what the
 * coordinator did replaces what the receiver claims; the page's packet counts are kept only for
 * a payload that did go over WebRTC; nothing is stamped on a record from anyone but the
 * payload's receiver; memory is bounded.
 */
import { type RecordMessage, validateMessage } from '@semaigc/protocol';
import { DeliveryLog, MAX_DELIVERIES_KEPT } from '../src/transport/delivery-log';
import { caps, recordFor, sampleRequest } from './helpers';

const request = { ...sampleRequest(), requestId: 'req-1', receiverId: 'rx-1', attempt: 0 };
const record = (delivery?: RecordMessage['delivery']): RecordMessage =>
  validateMessage({
    ...recordFor(request, 'rx-1', caps(), 'edge-1', 0.9),
    ...(delivery ? { delivery } : {}),
  }) as RecordMessage;
const pageSaw = {
  transport: 'webrtc',
  mode: 'unreliable',
  packetsSent: 999,
  packetsReceived: 60,
  packetsLost: 4,
  delayMsMedian: 12,
  delayMsMax: 40,
} as const;

test('a WebRTC payload: the coordinator sent, the page received and lost', () => {
  const log = new DeliveryLog();
  log.note(request, { transport: 'webrtc', requested: 'webrtc', mode: 'unreliable', packetsSent: 64 });
  expect(log.stamp(record(pageSaw), 'rx-1').delivery).toEqual({
    transport: 'webrtc',
    requested: 'webrtc',
    mode: 'unreliable',
    packetsSent: 64,
    packetsReceived: 60,
    packetsLost: 4,
    delayMsMedian: 12,
    delayMsMax: 40,
  });
});

test('a payload relayed over socket.io: a page claiming WebRTC counts gets none written', () => {
  const log = new DeliveryLog();
  log.note(request, { transport: 'socket', requested: 'webrtc', fallback: 'the page has no WebRTC path: x' });
  expect(log.stamp(record(pageSaw), 'rx-1').delivery).toEqual({
    transport: 'socket',
    requested: 'webrtc',
    fallback: 'the page has no WebRTC path: x',
  });
});

test('only the payload receiver’s record, of that attempt, is stamped; the log is bounded', () => {
  const log = new DeliveryLog();
  log.note(request, { transport: 'socket', requested: null });
  expect(log.stamp(record(), 'rx-2').delivery).toBeUndefined();
  expect(log.stamp({ ...record(), attempt: 1 }, 'rx-1').delivery).toBeUndefined();
  expect(log.stamp(record(), 'rx-1').delivery).toEqual({ transport: 'socket', requested: null });
  for (let i = 0; i < MAX_DELIVERIES_KEPT; i++) {
    log.note(
      { requestId: `other-${i}`, receiverId: 'rx-1', attempt: 0 },
      { transport: 'nats', requested: null },
    );
  }
  expect(log.stamp(record(), 'rx-1').delivery).toBeUndefined();
});
