import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PAPER_PROFILE, parseCheckpoint } from '@semaigc/root';
import { parseGrid, parseInteger, parseNumber } from '../src/commands/root/options';
import { readJson, writeCsv } from '../src/node/files';
import { rootCommand } from '../src/commands/root';
import { evaluate } from '../src/root/evaluation';
import { summarise, summaryMarkdown } from '../src/root/summary';

describe('semaigc root train → eval data', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'semaigc-root-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('train writes a loadable checkpoint with its curve, training.csv and train.json', async () => {
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      await rootCommand().parseAsync(
        [
          'train',
          '--episodes',
          '10',
          '--hidden',
          '16',
          '--seed',
          '2',
          '--checkpoint-every',
          '5',
          '--no-progress',
          '--out',
          dir,
        ],
        { from: 'user' },
      );
    } finally {
      stderr.mockRestore();
    }
    const ckpt = parseCheckpoint(readJson(path.join(dir, 'checkpoint.json')));
    expect(ckpt).toMatchObject({
      profile: 'paper',
      totalSteps: 20,
      grid: [2, 4, 6, 8, 10, 12, 14, 16, 18, 20],
    });
    expect(ckpt.config.hiddenUnits).toEqual([16]);
    expect(ckpt.meta.episodeRewards).toHaveLength(10);
    expect(fs.existsSync(path.join(dir, 'checkpoints', 'ep-0005.json'))).toBe(true);
    const csv = fs.readFileSync(path.join(dir, 'training.csv'), 'utf8').trim().split('\n');
    expect(csv[0]).toBe('episode,reward,meanEdgeSteps,epsilon,loss,steps,wallS');
    expect(csv).toHaveLength(11);
    expect(readJson(path.join(dir, 'train.json'))).toMatchObject({ profile: 'paper', seed: 2, episodes: 10 });
  });

  test('the evaluation covers every policy, sweep point and heatmap cell, and summarises', () => {
    const checkpoint = parseCheckpoint(readJson(path.join(dir, 'checkpoint.json')));
    const data = evaluate({ profile: PAPER_PROFILE, checkpoint, seed: 5, episodes: 1, log: () => undefined });
    const policies = ['root', 'oracle', 'non-root', 'non-fine-tuning', 'edge-aigc', 'local-aigc', 'random'];
    expect([...new Set(data.snrSweep.map((r) => r.policy))]).toEqual(policies);
    expect(data.snrSweep).toHaveLength(8 * 7);
    expect(data.shareSweep).toHaveLength(10 * 7);
    expect(data.heatmap).toHaveLength(80);
    expect(data.fig6).toHaveLength(10 * 7);
    for (const r of data.snrSweep) expect(r.requests).toBe(32);
    // the oracle upper-bounds every split policy at every point
    for (const snr of [-6, 15]) {
      const at = data.snrSweep.filter((r) => r.snrDb === snr);
      const oracle = at.find((r) => r.policy === 'oracle')!.satisfaction;
      for (const p of ['root', 'non-root', 'non-fine-tuning', 'random']) {
        expect(at.find((r) => r.policy === p)!.satisfaction).toBeLessThanOrEqual(oracle + 1e-9);
      }
    }
    const s = summarise(data);
    expect(s.snr).toHaveLength(8);
    expect(s.convergence.trainingEpisodes).toBe(10);
    expect(summaryMarkdown(s, 'ctx')).toContain('| -6 dB |');
  });
});

describe('option parsers and CSV', () => {
  test('reject what they cannot use', () => {
    expect(parseInteger(1)('3')).toBe(3);
    expect(() => parseInteger(1)('0')).toThrow(/integer >= 1/);
    expect(() => parseNumber(0, 1)('1.5')).toThrow(/\[0, 1\]/);
    expect(parseGrid('full')).toBe('full');
    expect(parseGrid('0, 10,20')).toEqual([0, 10, 20]);
    expect(() => parseGrid('a,b')).toThrow(/paper10/);
  });

  test('CSV quotes what needs quoting and leaves non-finite numbers empty', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'semaigc-csv-')), 'x.csv');
    writeCsv(file, [
      { a: 'x,y', b: NaN },
      { a: 'say "hi"', c: 0.1234567891 },
    ]);
    expect(fs.readFileSync(file, 'utf8')).toBe('a,b,c\n"x,y",,\n"say ""hi""",,0.123457\n');
    fs.rmSync(path.dirname(file), { recursive: true });
  });
});
