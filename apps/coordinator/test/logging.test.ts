/**
 * The coordinator's log lines carry `ns` exactly once, whether the caller's logger already
 * has a namespace (node-kit's createLogger, as the CLI passes it) or not.
 */
import { startNatsServer, type NatsServer } from '@semaigc/testkit';
import pino from 'pino';
import { startCoordinator } from '../src';

let nats: NatsServer;

beforeAll(async () => {
  nats = await startNatsServer({ jetstream: false });
});

afterAll(async () => {
  await nats?.stop();
});

/** Raw JSON lines of one coordinator's start and close. */
async function linesWith(base: Record<string, string> | undefined): Promise<string[]> {
  const lines: string[] = [];
  const logger = pino(
    { level: 'info', ...(base ? { base } : {}) },
    { write: (s: string) => void lines.push(s) },
  );
  const coord = await startCoordinator({ natsUrl: nats.url, logger, dashboardRoot: '/nonexistent' });
  await coord.close();
  return lines;
}

test.each([
  ['a logger that has its namespace', { ns: 'coordinator' }],
  ['a logger without one', undefined],
])('%s: every line has one ns, the coordinator id bound once', async (_what, base) => {
  const lines = await linesWith(base);
  // This server has no JetStream (one warning at start); the NATS link logs its own close.
  expect(lines.map((l) => (JSON.parse(l) as { msg: string }).msg)).toEqual([
    expect.stringMatching(/^the NATS server has no JetStream/),
    'coordinator up',
    'NATS connection closed',
    'coordinator closed',
  ]);
  for (const line of lines) {
    expect(line.match(/"ns":/g)).toHaveLength(1);
    expect(line.match(/"coordinatorId":/g)).toHaveLength(1);
    expect(JSON.parse(line)).toMatchObject({ ns: 'coordinator' });
  }
});

test("a caller's own namespace is kept", async () => {
  const lines = await linesWith({ ns: 'lab' });
  expect(
    lines.every((l) => (JSON.parse(l) as { ns: string }).ns === 'lab' && l.match(/"ns":/g)?.length === 1),
  ).toBe(true);
});
