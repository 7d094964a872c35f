/**
 * Parity with the bundle's fixtures for any injected ONNX Runtime, one jest test per case:
 * the checks of `runParity` (src/parity.ts), which the browser parity page runs too. Edge
 * cases: token ids, text states, the latent after every one of the 20 DDIM steps and the
 * decoded image; split cases: the hand-off latent and the fine-tuning UNet's steps on the
 * noisy latent; each within 1e-4 absolute.
 */
import type { InferenceSession } from 'onnxruntime-common';
import {
  FixtureReader,
  SplitPipeline,
  caseParity,
  edgeCaseCountCheck,
  type FixtureCase,
  type OrtModule,
  type ParityCheck,
} from '../src';
import { dirSource, fixtureIndexSync } from './node-source';

const index = fixtureIndexSync();

/** Failed checks as readable lines, so a failure names the array and the difference. */
const failures = (checks: ParityCheck[]): string[] =>
  checks.filter((c) => !c.ok).map((c) => `${c.name}: max |Δ| ${c.maxAbsDiff} ${c.detail ?? ''}`);

export function defineParitySuite(ort: OrtModule, sessionOptions: InferenceSession.SessionOptions): void {
  let pipe: SplitPipeline;
  const fixtures = new FixtureReader(dirSource());
  // Session creation on wasm takes seconds on a loaded 2-core machine: a generous bound.
  beforeAll(async () => {
    pipe = await SplitPipeline.load(dirSource(), ort, { sessionOptions });
  }, 120_000);
  afterAll(() => pipe?.release());

  test('the bundle has at least 5 edge fixture cases', () => {
    expect(failures([edgeCaseCountCheck(index)])).toEqual([]);
  });

  // Edge cases have 5 checks (ids, two text states, latents, image), split cases 2.
  const CHECKS = { edge: 5, split: 2 } as const;
  const cases = [...index.cases].sort((a, b) => a.kind.localeCompare(b.kind));
  test.each(cases.map((c) => [c.kind, c.name, c] as const))(
    '%s fixture %s: every check within 1e-4',
    async (kind, _name, c: FixtureCase) => {
      const checks = await caseParity(pipe, fixtures, c);
      expect(checks).toHaveLength(CHECKS[kind]);
      expect(failures(checks)).toEqual([]);
    },
    60_000,
  );
}
