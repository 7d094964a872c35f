/**
 * The committed lab-calibrated profile (profiles/lab-4edges.json, from `semaigc lab --edges 4
 * --calibrate …`) is a valid profile file: the four edges of the live bench's lab in order,
 * a fit per edge over every measured step count, and a world that is exactly those edges.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { drawWorld, parseCalibratedProfile } from '@semaigc/asp';

const FILE = path.join(__dirname, '..', 'profiles', 'lab-4edges.json');

describe('profiles/lab-4edges.json', () => {
  const file = parseCalibratedProfile(JSON.parse(fs.readFileSync(FILE, 'utf8')) as unknown, FILE);

  test("lists the bench lab's four edges with their announced capacities", () => {
    expect(file.edges.map((e) => e.edgeId)).toEqual(['edge-0', 'edge-1', 'edge-2', 'edge-3']);
    expect(file.edges.map((e) => e.capacity)).toEqual([20, 20, 30, 40]);
  });

  test('every edge has a fitted curve over every measured step count', () => {
    const steps = file.profile.taskStepChoices;
    for (const e of file.edges) {
      expect(e.points).toBe(steps.length);
      expect(e.rmse).not.toBeNull();
      expect(Number.isFinite(e.rmse!)).toBe(true);
      expect(e.curve.ax).toBeLessThanOrEqual(e.curve.bx);
      for (const v of [e.curve.ay, e.curve.by]) {
        expect(v).toBeGreaterThanOrEqual(0);
        expect(v).toBeLessThanOrEqual(1);
      }
    }
  });

  test('the simulator world is the calibrated edges, whatever the replicate seed', () => {
    const expected = file.edges.map((e) => ({ capacity: e.capacity, curve: e.curve }));
    for (const seed of [1, 7]) {
      const world = drawWorld(file.profile, seed);
      expect(world.map((a) => ({ capacity: a.capacity, curve: a.curve }))).toEqual(expected);
    }
    expect(file.profile.runtime!.perStepS).toBeGreaterThan(0);
  });
});
