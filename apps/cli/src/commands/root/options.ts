/** Options shared by `root train` and `root eval`, and their parsers. */
import { type Command, InvalidArgumentError, Option } from 'commander';
import { GRID_NAMES, TF_BACKENDS, type D3qnConfig, type GridName, type TfBackend } from '@semaigc/root';

export function parseInteger(min: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`must be an integer >= ${min}`);
    return n;
  };
}

export function parseNumber(min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isFinite(n) || n < min || n > max)
      throw new InvalidArgumentError(`must be a number in [${min}, ${max}]`);
    return n;
  };
}

export function parseGrid(value: string): GridName | number[] {
  if ((GRID_NAMES as readonly string[]).includes(value)) return value as GridName;
  const list = value.split(',').map((s) => Number(s.trim()));
  if (list.length === 0 || list.some((a) => !Number.isInteger(a))) {
    throw new InvalidArgumentError(
      `must be ${GRID_NAMES.join(' or ')}, or a comma-separated list of edge steps`,
    );
  }
  return list;
}

export function parseHidden(value: string): number[] {
  const list = value.split(',').map((s) => Number(s.trim()));
  if (list.some((u) => !Number.isInteger(u) || u < 1))
    throw new InvalidArgumentError('must be comma-separated integers >= 1');
  return list;
}

export interface CommonOptions {
  profile: 'paper' | 'measured';
  calibration?: string;
  backend: TfBackend;
  out?: string;
  id?: string;
}

export interface TrainingOptions {
  episodes: number;
  seed: number;
  grid: GridName | number[];
  gamma?: number;
  learningRate?: number;
  hidden?: number[];
  trainFrequency?: number;
  config?: string;
  checkpointEvery: number;
  progress: boolean;
}

/** --profile, --calibration, --backend, --out, --id. */
export function addCommonOptions(cmd: Command): Command {
  return cmd
    .addOption(
      new Option(
        '--profile <name>',
        'service profile: paper (the paper settings) or measured (from --calibration)',
      )
        .choices(['paper', 'measured'])
        .default('paper'),
    )
    .option(
      '--calibration <file>',
      'split-benchmark JSON (semaigc-split-benchmark v1) for --profile measured',
    )
    .addOption(
      new Option('--backend <name>', 'tfjs backend for training: wasm (fast) or cpu (pure JS)')
        .choices([...TF_BACKENDS])
        .default('wasm'),
    )
    .option('--out <dir>', 'output directory (default: runs/root/<id>)')
    .option(
      '--id <id>',
      'run id used in the default output directory (default: <profile>-seed<seed>-<timestamp>)',
    );
}

/** The training settings: budget, seed, action grid and D3QN overrides. */
export function addTrainingOptions(cmd: Command): Command {
  return cmd
    .option('--episodes <n>', 'training episodes (user sessions of 32 requests)', parseInteger(1), 300)
    .option('--seed <n>', 'seed of the simulator, the initial weights and exploration', parseInteger(0), 1)
    .option(
      '--grid <grid>',
      "action grid: paper10 (a = 2,4,…,20), full (0..T̂), or a list like '0,5,10,15,20'",
      parseGrid,
      'paper10',
    )
    .option(
      '--gamma <x>',
      'discount γ (default 0; the paper uses 0.99, see packages/root/README.md)',
      parseNumber(0, 1),
    )
    .option('--learning-rate <x>', 'Adam learning rate (default 5e-4)', parseNumber(1e-8, 1))
    .option(
      '--hidden <units>',
      "hidden layer widths, comma-separated (default '256,256', the paper's)",
      parseHidden,
    )
    .option('--train-frequency <n>', 'one gradient step every n requests (default 2)', parseInteger(1))
    .option('--config <file>', 'JSON file with any D3qnConfig fields (flags above override it)')
    .option(
      '--checkpoint-every <n>',
      'also save checkpoints/ep-NNNN.json every n episodes (0: only the final one)',
      parseInteger(0),
      50,
    )
    .option('--no-progress', 'no progress bar; log a line every 10 episodes instead');
}

/** D3QN overrides from --config and the flags. */
export function configOverrides(o: TrainingOptions, fileConfig: Partial<D3qnConfig>): Partial<D3qnConfig> {
  return {
    ...fileConfig,
    ...(o.gamma !== undefined ? { gamma: o.gamma } : {}),
    ...(o.learningRate !== undefined ? { learningRate: o.learningRate } : {}),
    ...(o.hidden !== undefined ? { hiddenUnits: o.hidden } : {}),
    ...(o.trainFrequency !== undefined ? { trainFrequency: o.trainFrequency } : {}),
  };
}
