import { WEBRTC_OPEN_EVENT, unwrapReply } from '@semaigc/datachannel';

test('unwrapReply returns the value of an ok reply', () => {
  expect(unwrapReply<number>(WEBRTC_OPEN_EVENT, { ok: true, value: 7 })).toBe(7);
});

test('a refusal throws its reason, naming the event', () => {
  expect(() => unwrapReply(WEBRTC_OPEN_EVENT, { ok: false, error: 'no receiver yet' })).toThrow(
    'webrtc.open refused: no receiver yet',
  );
});

test('a reply of another shape is a TypeError that shows it', () => {
  expect(() => unwrapReply(WEBRTC_OPEN_EVENT, 'nope')).toThrow(TypeError);
  expect(() => unwrapReply(WEBRTC_OPEN_EVENT, { value: 1 })).toThrow('{"value":1}');
});
