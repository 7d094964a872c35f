import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { AGOD_CODE_PROFILE, calibratedProfile } from '@semaigc/asp';
import { loadAspProfile } from '../src/commands/asp/profile-arg';

describe('asp --profile with --arrival-rate / --episode-seconds', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'semaigc-asp-profile-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'lab.json');
  fs.writeFileSync(
    file,
    JSON.stringify(
      calibratedProfile({
        name: 'lab-test',
        edges: [
          {
            edgeId: 'edge-0',
            capacity: 20,
            curve: { ax: 2, ay: 0.1, bx: 8, by: 0.6 },
            rmse: 0.01,
            points: 4,
          },
          {
            edgeId: 'edge-1',
            capacity: 40,
            curve: { ax: 1, ay: 0.2, bx: 4, by: 0.4 },
            rmse: 0.02,
            points: 4,
          },
        ],
        taskStepChoices: [2, 4, 8, 12],
        runtime: { overheadS: 0.05, perStepS: 0.01 },
        arrivalRate: 1,
        episodeSeconds: 200,
      }),
    ),
  );

  test('a calibrated file keeps its edges and its placeholder load when nothing overrides it', () => {
    const p = loadAspProfile(file);
    expect(p.world?.map((w) => w.capacity)).toEqual([20, 40]);
    expect([p.arrivalRate, p.episodeSeconds]).toEqual([1, 200]);
  });

  test('the overrides replace the load and nothing else', () => {
    const p = loadAspProfile(file, { arrivalRate: 30, episodeSeconds: 10 });
    expect([p.arrivalRate, p.episodeSeconds]).toEqual([30, 10]);
    expect(p.world).toEqual(loadAspProfile(file).world);
    expect(p.runtime).toEqual({ overheadS: 0.05, perStepS: 0.01 });
    expect(loadAspProfile('agod-code', { arrivalRate: 0.002 }).arrivalRate).toBe(0.002);
    expect(loadAspProfile('agod-code').arrivalRate).toBe(AGOD_CODE_PROFILE.arrivalRate);
  });

  test('an invalid override is refused by the profile check, naming the field', () => {
    expect(() => loadAspProfile(file, { arrivalRate: -1 })).toThrow(/arrivalRate/);
    expect(() => loadAspProfile(path.join(dir, 'missing.json'))).toThrow(/--profile must be one of/);
  });
});
