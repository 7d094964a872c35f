/**
 * Fault: `semaigc lab` is SIGKILLed (no chance to clean up). Its private nats-server must die
 * with it (checked by pid), and the JetStream store dir it leaves is removed by the next
 * start of a nats-server on this machine (scenarios/lab-sigkill.ts). Needs `npm run build`.
 */
import { labSigkill } from './scenarios/lab-sigkill';

test('a SIGKILLed lab leaves no nats-server and, after the next start, no store dir', async () => {
  const m = await labSigkill();
  expect(m.aliveBefore).toBe(true);
  expect(m.storeDirs).toBe(1);
  expect(m.aliveAfter).toBe(false);
  expect(m.serverGoneMs).not.toBeNull();
  expect(m.dirLeftByKill).toBe(true); // nobody was left to remove it…
  expect(m.dirAfterNextStart).toBe(false); // …until the next start cleaned it
}, 60_000);
