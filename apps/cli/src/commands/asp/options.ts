/** Options of `asp train` and `asp eval`, and their parsers. */
import { InvalidArgumentError } from 'commander';
import {
  LEARNER_NAMES,
  PAPER_CONFIG,
  QUICK_BUDGET,
  SMALL_BUDGET,
  type AspTrainConfig,
  type LearnerName,
} from '@semaigc/asp';

export function parseIntList(min: number) {
  return (value: string): number[] => {
    const list = value.split(',').map((s) => Number(s.trim()));
    if (list.length === 0 || list.some((n) => !Number.isInteger(n) || n < min))
      throw new InvalidArgumentError(`must be comma-separated integers >= ${min}`);
    return list;
  };
}

export function parseNumberList(value: string): number[] {
  const list = value.split(',').map((s) => Number(s.trim()));
  if (list.length === 0 || list.some((n) => !(Number.isFinite(n) && n > 0)))
    throw new InvalidArgumentError('must be comma-separated positive numbers');
  return list;
}

export function parseLearners(value: string): LearnerName[] {
  const list = value.split(',').map((s) => s.trim());
  const bad = list.filter((p) => !(LEARNER_NAMES as readonly string[]).includes(p));
  if (bad.length > 0)
    throw new InvalidArgumentError(`unknown learner(s) ${bad.join(', ')}; use ${LEARNER_NAMES.join(', ')}`);
  return list as LearnerName[];
}

export const BUDGETS: Readonly<Record<string, Partial<AspTrainConfig>>> = {
  paper: {},
  small: SMALL_BUDGET,
  quick: QUICK_BUDGET,
};

export interface BudgetOptions {
  budget: string;
  quick?: boolean;
  epochs?: number;
  stepsPerEpoch?: number;
  updatesPerEpoch?: number;
  batchSize?: number;
  denoisingSteps?: number;
}

/** The preset (paper, small or quick; --quick wins) with the flags on top. */
export function budgetConfig(o: BudgetOptions): Partial<AspTrainConfig> {
  const name = o.quick ? 'quick' : o.budget;
  const preset = BUDGETS[name];
  if (!preset) throw new InvalidArgumentError(`--budget must be one of ${Object.keys(BUDGETS).join(', ')}`);
  return {
    ...preset,
    ...(o.epochs !== undefined ? { epochs: o.epochs } : {}),
    ...(o.stepsPerEpoch !== undefined ? { stepsPerEpoch: o.stepsPerEpoch } : {}),
    ...(o.updatesPerEpoch !== undefined ? { updatesPerEpoch: o.updatesPerEpoch } : {}),
    ...(o.batchSize !== undefined ? { batchSize: o.batchSize } : {}),
    ...(o.denoisingSteps !== undefined ? { denoisingSteps: o.denoisingSteps } : {}),
  };
}

/** A one-line description of a budget against the paper's. */
export function describeBudget(c: AspTrainConfig): string {
  const p = PAPER_CONFIG;
  return (
    `${c.epochs} training steps × ${c.stepsPerEpoch} transitions, ${c.updatesPerEpoch} updates of batch ${c.batchSize} each ` +
    `(paper: ${p.epochs} × ${p.stepsPerEpoch}, ${p.updatesPerEpoch} of ${p.batchSize})`
  );
}

/** checkpoints/<policy>-seed<s>.json, or d2sac-T<k>-seed<s>.json for the denoising sweep. */
export function checkpointName(policy: LearnerName, seed: number, denoisingSweep?: number): string {
  return denoisingSweep !== undefined
    ? `d2sac-T${denoisingSweep}-seed${seed}.json`
    : `${policy}-seed${seed}.json`;
}
