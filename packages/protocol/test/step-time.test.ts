/**
 * The stated step time: the pad rule every node applies after a step, and the field's trip
 * through the codec on a request and a record.
 */
import {
  decode,
  encode,
  PROTOCOL_VERSION,
  stepPadMs,
  stepTimeSchema,
  type RecordMessage,
  type RequestMessage,
} from '../src';
import { record, requestBody } from './fixtures';

test.each([
  // measured, stated, share → pad
  [2, null, 1, 0], // as measured, full share: no wait
  [2, null, 0.5, 2], // PACR: 2 ms at p = 0.5 takes 4 ms
  [2, 200, 1, 198], // padded to the stated 200 ms
  [2, 200, 0.5, 398], // stated at full share, then stretched by 1/p
  [250, 200, 1, 0], // a node slower than stated is not slowed further
  [250, 200, 0.5, 250], // … but its share still stretches it
])('measured %p ms, stated %p ms, share %p → pad %p ms', (measured, stated, share, pad) => {
  expect(stepPadMs(measured, stated, share)).toBeCloseTo(pad, 9);
});

test('the field defaults to as measured and refuses a non-positive time, naming it', () => {
  expect(stepTimeSchema.parse({})).toEqual({ edgeMs: null, receiverMs: null });
  const r = stepTimeSchema.safeParse({ edgeMs: 0 });
  expect(r.success).toBe(false);
  expect(r.error?.issues[0]?.path).toEqual(['edgeMs']);
});

test('a request and its record carry the stated step times through the codec', () => {
  const stepTime = { edgeMs: 200, receiverMs: 368 };
  const req = decode(
    encode({ v: PROTOCOL_VERSION, type: 'request', ...requestBody({ stepTime }) }),
  ) as RequestMessage;
  expect(req.stepTime).toEqual(stepTime);
  const plain = decode(encode({ v: PROTOCOL_VERSION, type: 'request', ...requestBody() })) as RequestMessage;
  expect(plain.stepTime).toBeUndefined();
  const rec = decode(encode({ ...record, stepTime })) as RecordMessage;
  expect(rec.stepTime).toEqual(stepTime);
});
