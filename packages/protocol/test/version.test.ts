import { PROTOCOL_VERSION } from '@semaigc/protocol';

test('protocol version is a positive integer', () => {
  expect(Number.isInteger(PROTOCOL_VERSION) && PROTOCOL_VERSION > 0).toBe(true);
});
