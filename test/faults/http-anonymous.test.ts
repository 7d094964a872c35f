/**
 * Fault: anonymous or cross-site HTTP. Starting or aborting a trial needs the API token; a
 * `text/plain` body (which a page elsewhere can send without a preflight) is refused even
 * with it; an Origin other than the coordinator's own is refused; the join code is not
 * handed out without the token. Nothing refused starts a trial.
 */
import { startCoordinatorFixture, type CoordinatorFixture } from './coordinator-fixture';

let f: CoordinatorFixture;
beforeAll(async () => {
  f = await startCoordinatorFixture();
}, 30_000);
afterAll(() => f?.close());

const CONFIG = JSON.stringify({ name: 'csrf', prompts: ['a small red circle'], requestsPerReceiver: 1 });

async function post(
  headers: Record<string, string>,
  body = CONFIG,
): Promise<{ status: number; json: unknown }> {
  const res = await fetch(`${f.coordinator.url}/api/trials`, { method: 'POST', headers, body });
  return { status: res.status, json: (await res.json()) as unknown };
}

test('POST /api/trials: no token, wrong token, cross-site text/plain and foreign Origin are refused', async () => {
  const c = f.coordinator;
  const bearer = { authorization: `Bearer ${c.apiToken}` };
  expect(await post({ 'content-type': 'application/json' })).toMatchObject({
    status: 401,
    json: { code: 'UNAUTHORIZED' },
  });
  expect(
    await post({ 'content-type': 'application/json', authorization: 'Bearer not-the-token-at-all' }),
  ).toMatchObject({ status: 401 });
  // The CSRF probe: a form-like text/plain body from another site.
  expect(await post({ 'content-type': 'text/plain', origin: 'http://evil.example' })).toMatchObject({
    status: 403,
    json: { code: 'BAD_ORIGIN' },
  });
  // Even with the token, a foreign Origin or a text/plain body is refused.
  expect(
    await post({ 'content-type': 'application/json', origin: 'http://evil.example', ...bearer }),
  ).toMatchObject({ status: 403 });
  expect(await post({ 'content-type': 'text/plain', ...bearer })).toMatchObject({
    status: 415,
    json: { code: 'UNSUPPORTED_MEDIA_TYPE' },
  });
  expect(
    await post({ 'content-type': 'application/x-www-form-urlencoded', ...bearer }, 'name=csrf'),
  ).toMatchObject({ status: 415 });
  expect(c.trials()).toEqual([]);

  // The same page's own origin with the token is accepted (the config is then judged).
  const own = await post({ 'content-type': 'application/json', origin: c.url, ...bearer });
  expect(own.status).not.toBe(401);
  expect(own.status).not.toBe(403);
});

test('DELETE /api/trials/:id needs the token; /api/join does not hand out the code without it', async () => {
  const c = f.coordinator;
  expect((await fetch(`${c.url}/api/trials/any`, { method: 'DELETE' })).status).toBe(401);
  const join = await fetch(`${c.url}/api/join`);
  expect(join.status).toBe(401);
  expect(await join.text()).not.toContain('JOIN42');
  expect((await fetch(`${c.url}/api/join/qr.svg`)).status).toBe(401);
  const ok = await fetch(`${c.url}/api/join`, { headers: { authorization: `Bearer ${c.apiToken}` } });
  expect(await ok.json()).toMatchObject({ code: 'JOIN42' });
});
