import { createSnrProcess, loadSnrTrace, parseSnrTrace, snrSequence, TraceParseError } from '../src';
import { correlation, moments } from './helpers';

describe('SNR processes', () => {
  test('constant and sweep', () => {
    expect(Array.from(snrSequence({ kind: 'constant', snrDb: 7 }, 1, 3))).toEqual([7, 7, 7]);
    expect(Array.from(snrSequence({ kind: 'sweep', valuesDb: [-6, 0, 15] }, 1, 5))).toEqual([
      -6, 0, 15, -6, 0,
    ]);
  });

  test('uniform: within range, mean mid-range, seeded, random access equals the sequence', () => {
    const cfg = { kind: 'uniform', minDb: -6, maxDb: 15 } as const;
    const seq = snrSequence(cfg, 3, 20_000);
    expect(Math.min(...seq)).toBeGreaterThanOrEqual(-6);
    expect(Math.max(...seq)).toBeLessThan(15);
    const m = moments(seq);
    expect(Math.abs(m.mean - 4.5)).toBeLessThan((5 * 21) / Math.sqrt(12 * 20_000));
    expect(snrSequence(cfg, 3, 100)).toEqual(seq.subarray(0, 100));
    expect(snrSequence(cfg, 4, 100)).not.toEqual(seq.subarray(0, 100));
    expect(createSnrProcess(cfg, { seed: 3 }).snrDb(12_345)).toBe(seq[12_345]);
  });

  test('Gauss–Markov: stationary mean and spread, lag-1 correlation ρ, bounds respected', () => {
    const free = { kind: 'gauss-markov', meanDb: 5, stdDb: 2, rho: 0.9, minDb: -30, maxDb: 60 } as const;
    const n = 50_000;
    const seq = snrSequence(free, 8, n);
    const m = moments(seq);
    // Effective sample size n(1−ρ)/(1+ρ) ≈ 2600.
    expect(Math.abs(m.mean - 5)).toBeLessThan(0.25);
    expect(Math.abs(Math.sqrt(m.variance) - 2)).toBeLessThan(0.15);
    expect(Math.abs(correlation(seq.subarray(0, n - 1), seq.subarray(1)) - 0.9)).toBeLessThan(0.02);
    const bounded = snrSequence({ ...free, minDb: 3, maxDb: 6 }, 8, 5000);
    expect(Math.min(...bounded)).toBe(3);
    expect(Math.max(...bounded)).toBe(6);
    const p = createSnrProcess(free, { seed: 8 });
    expect(p.snrDb(999)).toBe(seq[999]);
    expect(p.snrDb(3)).toBe(seq[3]);
  });

  test('trace: by time (piecewise constant) or one row per request', () => {
    const rows: [number, number][] = [
      [0, 10],
      [1.5, 4],
      [3, -2],
    ];
    const p = createSnrProcess({ kind: 'trace', rows }, { seed: 1 });
    expect([0, 1.49, 1.5, 2.9, 3, 100].map((t) => p.snrDb(0, t))).toEqual([10, 10, 4, 4, -2, -2]);
    expect([0, 1, 2, 3, 4].map((k) => p.snrDb(k))).toEqual([10, 4, -2, 10, 4]);
    const late = createSnrProcess({ kind: 'trace', rows: [[2, 1]] }, { seed: 1 });
    expect(late.snrDb(0, 0.5)).toBe(1);
  });

  test('a trace given by path is loaded through an injected reader', async () => {
    const files: Record<string, string> = { 'a.csv': 'time,snr\n0,3\n2,9\n' };
    const cfg = await loadSnrTrace({ kind: 'trace', path: 'a.csv' }, (p) => files[p]!);
    expect(cfg).toMatchObject({
      kind: 'trace',
      rows: [
        [0, 3],
        [2, 9],
      ],
    });
    expect(() => createSnrProcess({ kind: 'trace', path: 'a.csv' }, { seed: 1 })).toThrow(/^rows: /);
    await expect(loadSnrTrace({ kind: 'constant', snrDb: 1 }, () => '')).resolves.toEqual({
      kind: 'constant',
      snrDb: 1,
    });
  });

  test('bad arguments: TypeError; bad configs: the field is named', () => {
    const p = createSnrProcess({ kind: 'constant', snrDb: 1 }, { seed: 1 });
    expect(() => p.snrDb(-1)).toThrow(TypeError);
    expect(() => p.snrDb(1.5)).toThrow(TypeError);
    expect(() => createSnrProcess({ kind: 'constant', snrDb: 1 }, { seed: -2 })).toThrow(TypeError);
    expect(() => createSnrProcess({ kind: 'uniform', minDb: 5, maxDb: 1 }, { seed: 1 })).toThrow(/^minDb: /);
    expect(() => createSnrProcess({ kind: 'constant', snrDb: 99 }, { seed: 1 })).toThrow(/^snrDb: /);
    expect(() =>
      createSnrProcess(
        { kind: 'gauss-markov', meanDb: 0, stdDb: 1, rho: 1, minDb: 0, maxDb: 1 },
        { seed: 1 },
      ),
    ).toThrow(/^rho: /);
  });
});

describe('parseSnrTrace', () => {
  test('CSV with header, comments, blank lines and mixed separators', () => {
    const text = '# campaign 7\ntime_s,snr_db\n\n0,12.5\n0.5;11\n1.25\t-3  # fade\n2 4e0\r\n';
    expect(parseSnrTrace(text)).toEqual([
      [0, 12.5],
      [0.5, 11],
      [1.25, -3],
      [2, 4],
    ]);
  });

  test.each([
    ['0,1\n0,2\n', 2, /does not increase/],
    ['0,1\n1,75\n', 2, /outside \[-30, 60\]/],
    ['t,s\n0,1\nx,2\n', 3, /expected two numbers/],
    ['0,1,2\n', 1, /expected two numbers/],
    ['-1,3\n', 1, /negative/],
    ['# nothing\n', 1, /no \(time, snr\) rows/],
    ['0x10,3\n', 1, /no \(time, snr\) rows/],
  ])('%j is rejected at line %p', (text, line, message) => {
    let err: unknown;
    try {
      parseSnrTrace(text);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(TraceParseError);
    expect((err as TraceParseError).line).toBe(line);
    expect((err as TraceParseError).name).toBe('TraceParseError');
    expect((err as Error).message).toMatch(message);
  });
});
