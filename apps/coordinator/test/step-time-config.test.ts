/**
 * The trial's stated step times: parsed with defaults, refused naming the field, and turned
 * into the request's field in ms (absent when unset, so requests stay as they were).
 */
import { parseTrialConfig, requestStepTime, TrialConfigError } from '../src';

test('stepTime defaults to null (as measured) and maps to ms for the request', () => {
  expect(parseTrialConfig({}).stepTime).toBeNull();
  expect(requestStepTime(parseTrialConfig({}))).toBeUndefined();
  const cfg = parseTrialConfig({ stepTime: { edgeS: 0.2, receiverS: 0.368 } });
  expect(requestStepTime(cfg)).toEqual({ edgeMs: 200, receiverMs: 368 });
  expect(requestStepTime(parseTrialConfig({ stepTime: { edgeS: 0.2 } }))).toEqual({
    edgeMs: 200,
    receiverMs: null,
  });
});

test.each([
  [{ edgeS: 0 }, 'stepTime.edgeS'],
  [{ receiverS: -1 }, 'stepTime.receiverS'],
  [{ edgeS: 0.2, other: 1 }, 'stepTime.other'],
])('stepTime %j is refused naming %s', (stepTime, field) => {
  expect(() => parseTrialConfig({ stepTime })).toThrow(TrialConfigError);
  expect(() => parseTrialConfig({ stepTime })).toThrow(new RegExp(`^${field.replace('.', '\\.')}`));
});
