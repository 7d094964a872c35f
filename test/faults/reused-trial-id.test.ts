/**
 * Fault: a trial id used again (a restarted coordinator, or a re-post). The run folder of
 * the first is never truncated: a POST with the id is a 409 TRIAL_ID_IN_USE, and the
 * recorder itself refuses to open an existing folder, leaving its files as they were.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Recorder, RunFolderExistsError } from '@semaigc/coordinator';
import { postTrial, startCoordinatorFixture, type CoordinatorFixture } from './coordinator-fixture';

let f: CoordinatorFixture;
beforeAll(async () => {
  f = await startCoordinatorFixture();
}, 30_000);
afterAll(() => f?.close());

/** A run folder as an earlier coordinator process left it. */
function earlierRun(id: string): { dir: string; before: Record<string, string> } {
  const dir = path.join(f.runsDir, id);
  fs.mkdirSync(path.join(dir, 'images'), { recursive: true });
  const before = {
    'records.jsonl': Array.from({ length: 37 }, (_, i) => `{"requestId":"r${i}"}`).join('\n') + '\n',
    'records.csv': 'requestId\nr0\n',
    'config.yaml': 'name: earlier\n',
  };
  for (const [file, text] of Object.entries(before)) fs.writeFileSync(path.join(dir, file), text);
  return { dir, before };
}

function unchanged(dir: string, before: Record<string, string>): void {
  for (const [file, text] of Object.entries(before)) {
    expect(fs.readFileSync(path.join(dir, file), 'utf8')).toBe(text);
  }
}

test('POST with the id of an existing run folder: 409 TRIAL_ID_IN_USE, its records intact', async () => {
  const { dir, before } = earlierRun('kept-1');
  const res = await postTrial(f.coordinator, {
    id: 'kept-1',
    name: 'again',
    prompts: ['a small red circle'],
    requestsPerReceiver: 1,
  });
  expect(res.status).toBe(409);
  expect(await res.json()).toMatchObject({ code: 'TRIAL_ID_IN_USE', trialId: 'kept-1' });
  unchanged(dir, before);
  expect(f.coordinator.trials()).toEqual([]);
});

test('Recorder.open refuses an existing run folder and touches none of its files', async () => {
  const { dir, before } = earlierRun('kept-2');
  await expect(Recorder.open(f.runsDir, 'kept-2', 'name: new\n')).rejects.toBeInstanceOf(
    RunFolderExistsError,
  );
  unchanged(dir, before);
  const fresh = await Recorder.open(f.runsDir, 'fresh-1', 'name: new\n');
  await fresh.close();
  expect(fs.readFileSync(fresh.files.records, 'utf8')).toBe('');
});
