/**
 * Same seed → bit-identical output, checked against committed golden values (golden.json)
 * that the browser build's test compares with too. After an intended change of the
 * numbers, regenerate with `UPDATE_GOLDEN=1 npx jest packages/channel/test/golden` and say
 * why in the commit.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createChannel, digestFloat32 } from '../src';
import { GOLDEN_CASES, goldenInput, runGoldenCase, type GoldenResult } from './golden-cases';
import { correlation } from './helpers';

const file = path.join(__dirname, 'golden.json');

if (process.env.UPDATE_GOLDEN === '1') {
  const all: Record<string, GoldenResult> = {};
  for (const c of GOLDEN_CASES) all[c.name] = runGoldenCase(c);
  fs.writeFileSync(file, JSON.stringify(all, null, 2) + '\n');
}

const golden = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, GoldenResult>;

describe('golden outputs (same seed, same bits)', () => {
  test('every case has a golden value', () => {
    expect(Object.keys(golden).sort()).toEqual(GOLDEN_CASES.map((c) => c.name).sort());
  });

  test.each(GOLDEN_CASES.map((c) => [c.name, c] as const))('%s', (name, c) => {
    expect(runGoldenCase(c)).toEqual(golden[name]);
  });
});

describe('seeds', () => {
  const c = GOLDEN_CASES[0]!;
  const x = goldenInput({ ...c.input, length: 100_000 });
  const noiseOf = (seed: number): Float64Array => {
    const y = createChannel(c.config).transmit(x, { seed }).output;
    return Float64Array.from(y, (v, i) => v - x[i]!);
  };

  test('the same seed twice gives bit-identical output; a channel object is reusable', () => {
    const ch = createChannel(c.config);
    expect(digestFloat32(ch.transmit(x, { seed: 5 }).output)).toBe(
      digestFloat32(ch.transmit(x, { seed: 5 }).output),
    );
  });

  test('different seeds give uncorrelated noise (|r| < 4.5/√n for 10 seed pairs)', () => {
    const seeds = [0, 1, 2, 3, 1000, 2 ** 32, 2 ** 32 + 1, 2 ** 52, 99, 100, 101];
    const noise = seeds.map(noiseOf);
    for (let k = 0; k + 1 < noise.length; k++) {
      expect(Math.abs(correlation(noise[k]!, noise[k + 1]!))).toBeLessThan(4.5 / Math.sqrt(x.length));
    }
  });

  test('two policies (different latents, same seed) see the same normalised noise', () => {
    const ch = createChannel({ mode: 'analog', snrDb: 0 });
    const a = goldenInput({ length: 1000, std: 1, inputSeed: 1 });
    const b = goldenInput({ length: 1000, std: 3, inputSeed: 2 });
    const na = ch.transmit(a, { seed: 77 });
    const nb = ch.transmit(b, { seed: 77 });
    const ea = Float64Array.from(na.output, (v, i) => (v - a[i]!) / Math.sqrt(na.meta.noiseVariance));
    const eb = Float64Array.from(nb.output, (v, i) => (v - b[i]!) / Math.sqrt(nb.meta.noiseVariance));
    expect(correlation(ea, eb)).toBeGreaterThan(0.999999);
  });
});
