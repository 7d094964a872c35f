/**
 * A real coordinator for the HTTP and socket.io fault tests: a nats-server, the coordinator
 * on 127.0.0.1 port 0 with a known join code, and a runs folder and a data dir of its own.
 * No nodes: these faults are refused before any node would be needed.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startCoordinator, type CoordinatorHandle } from '@semaigc/coordinator';
import { startNatsServer, type NatsServer } from '@semaigc/testkit';
import { quiet } from '../helpers/lab';

export interface CoordinatorFixture {
  nats: NatsServer;
  coordinator: CoordinatorHandle;
  runsDir: string;
  dataDir: string;
  close(): Promise<void>;
}

export async function startCoordinatorFixture(): Promise<CoordinatorFixture> {
  const nats = await startNatsServer({ jetstream: false });
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'semaigc-fault-'));
  const runsDir = path.join(tmp, 'runs');
  const dataDir = path.join(tmp, 'data');
  fs.mkdirSync(dataDir, { recursive: true });
  const coordinator = await startCoordinator({
    natsUrl: nats.url,
    runsDir,
    dataDirs: [dataDir],
    logger: quiet,
    joinCode: 'JOIN42',
    dashboardRoot: path.join(tmp, 'no-dashboard'),
  });
  return {
    nats,
    coordinator,
    runsDir,
    dataDir,
    async close() {
      await coordinator.close();
      await nats.stop();
      fs.rmSync(tmp, { recursive: true, force: true });
    },
  };
}

/** POSTs a JSON trial config with the API token. */
export function postTrial(c: CoordinatorHandle, config: unknown, query = ''): Promise<Response> {
  return fetch(`${c.url}/api/trials${query}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${c.apiToken}` },
    body: JSON.stringify(config),
  });
}
