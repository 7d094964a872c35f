/**
 * Fault: anonymous or cross-site HTTP (scenarios/anonymous.ts). Starting or aborting a trial
 * needs the API token; a `text/plain` body (which a page elsewhere can send without a
 * preflight) is refused even with it; an Origin other than the coordinator's own is refused;
 * the join code is not handed out without the token. Nothing refused starts a trial.
 */
import { startCoordinatorFixture, type CoordinatorFixture } from './coordinator-fixture';
import { anonymousHttp } from './scenarios/anonymous';

let f: CoordinatorFixture;
beforeAll(async () => {
  f = await startCoordinatorFixture();
}, 30_000);
afterAll(() => f?.close());

test('no token, a wrong token, cross-site bodies and origins, the join code without the token: all refused', async () => {
  const m = await anonymousHttp(f);
  const status = m.probes.map((p) => [p.what, Number(p.got.split(' ')[0])]);
  expect(status).toEqual([
    ['POST /api/trials without a token', 401],
    ['POST /api/trials with a wrong token', 401],
    ['POST /api/trials text/plain from another site', 403],
    ['POST /api/trials with the token from another origin', 403],
    ['POST /api/trials text/plain with the token', 415],
    ['POST /api/trials form body with the token', 415],
    ['DELETE /api/trials/:id without a token', 401],
    ['GET /api/join without a token', 401],
    ['GET /api/join/qr.svg without a token', 401],
  ]);
  expect(m.probes[0]!.got).toMatch(/UNAUTHORIZED/);
  expect(m.probes[2]!.got).toMatch(/BAD_ORIGIN/);
  expect(m.probes[4]!.got).toMatch(/UNSUPPORTED_MEDIA_TYPE/);
  for (const p of m.probes) expect(p.refused).toBe(true); // the join code is in none of them
  expect(m.leaked).toBe(0);
});

test("the same page's own origin with the token is let through (the config is then judged); so is the join code", async () => {
  const c = f.coordinator;
  const bearer = { authorization: `Bearer ${c.apiToken}` };
  const own = await fetch(`${c.url}/api/trials`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: c.url, ...bearer },
    body: JSON.stringify({ name: 'csrf', prompts: ['a small red circle'], requestsPerReceiver: 1 }),
  });
  expect(own.status).not.toBe(401);
  expect(own.status).not.toBe(403);
  const ok = await fetch(`${c.url}/api/join`, { headers: bearer });
  expect(await ok.json()).toMatchObject({ code: 'JOIN42' });
});
