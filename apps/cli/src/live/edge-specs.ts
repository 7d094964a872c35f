/**
 * Per-edge settings of the embedded lab (`semaigc lab --edges N`): edge i gets the i-th
 * value of each list (a single value applies to every edge), so edges can differ for real
 * in compute share (PACR: slower), capacity (steps in flight, announced), guidance scale
 * (the edge's own, announced: a different quality curve) and announced quality curve (a
 * lab-calibrated profile's, matched by edge id).
 */
import * as fs from 'node:fs';
import { parseCalibratedProfile } from '@semaigc/asp';
import type { QualityProfile } from '@semaigc/protocol';
import { InvalidArgumentError } from 'commander';

export interface EdgeSpec {
  id: string;
  computeShare: number;
  capacitySteps?: number;
  guidanceScale?: number;
  qualityProfile?: QualityProfile;
}

export interface EdgeSpecOptions {
  edges: number;
  edgeShare: number[];
  edgeCapacity?: number[];
  edgeGuidance?: number[];
  /** A calibrated profile file whose curves the edges announce. */
  aspProfile?: string;
}

/** `--flag a,b,c`: numbers checked by `ok` (the message names the flag). */
export function numberList(flag: string, ok: (n: number) => boolean, what: string) {
  return (value: string): number[] => {
    const list = value.split(',').map((s) => Number(s.trim()));
    if (list.length === 0 || list.some((n) => !ok(n)))
      throw new InvalidArgumentError(`${flag} must be comma-separated ${what}, got '${value}'`);
    return list;
  };
}

function pick(flag: string, list: number[] | undefined, i: number, n: number): number | undefined {
  if (!list) return undefined;
  if (list.length !== 1 && list.length !== n)
    throw new InvalidArgumentError(`${flag} has ${list.length} values for ${n} edges (give 1 or ${n})`);
  return list.length === 1 ? list[0] : list[i];
}

function profileCurves(file: string): Map<string, QualityProfile> {
  const parsed = parseCalibratedProfile(JSON.parse(fs.readFileSync(file, 'utf8')) as unknown, file);
  return new Map(parsed.edges.map((e) => [e.edgeId, e.curve]));
}

/** The curve a calibrated profile file has for edge `id`; an error names the file when it has none. */
export function announcedCurve(file: string, id: string): QualityProfile {
  const c = profileCurves(file).get(id);
  if (!c) throw new InvalidArgumentError(`--asp-profile ${file} has no edge '${id}'`);
  return c;
}

export function edgeSpecs(o: EdgeSpecOptions): EdgeSpec[] {
  const curves = o.aspProfile ? profileCurves(o.aspProfile) : new Map<string, QualityProfile>();
  return Array.from({ length: o.edges }, (_, i) => {
    const id = `edge-${i}`;
    const capacitySteps = pick('--edge-capacity', o.edgeCapacity, i, o.edges);
    const guidanceScale = pick('--edge-guidance', o.edgeGuidance, i, o.edges);
    const curve = curves.get(id);
    return {
      id,
      computeShare: pick('--edge-share', o.edgeShare, i, o.edges) ?? 1,
      ...(capacitySteps === undefined ? {} : { capacitySteps }),
      ...(guidanceScale === undefined ? {} : { guidanceScale }),
      ...(curve ? { qualityProfile: curve } : {}),
    };
  });
}
