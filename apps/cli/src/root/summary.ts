/**
 * The evaluation summary: convergence (episodes to 95% of the final reward), ROOT against
 * the oracle and every baseline per SNR point and per compute share, and the project's
 * targets checked (≥ 97% of the oracle and ≥ every baseline at every SNR point).
 */
import { POLICY_LABELS, type EvaluationData, type SweepRow } from './evaluation';

export const ORACLE_FRACTION_TARGET = 0.97;

export interface BucketSummary {
  bucket: string;
  /** Mean expected satisfaction per policy. */
  satisfaction: Record<string, number>;
  rootOverOracle: number;
  /** The best baseline other than the oracle, and whether ROOT is at least as good. */
  bestBaseline: string;
  beatsBaselines: boolean;
}

export interface Summary {
  convergence: EvaluationData['convergence'];
  snr: BucketSummary[];
  share: BucketSummary[];
  overall: BucketSummary;
  targets: {
    minRootOverOracleBySnr: number;
    rootAtLeast97PctOfOracleEverySnr: boolean;
    rootBeatsEveryBaselineEverySnr: boolean;
  };
}

function bucket(name: string, rows: readonly SweepRow[]): BucketSummary {
  const satisfaction: Record<string, number> = {};
  for (const r of rows) satisfaction[r.policy] = r.satisfaction;
  const root = satisfaction.root ?? NaN;
  const others = Object.entries(satisfaction).filter(([p]) => p !== 'root' && p !== 'oracle');
  const [bestBaseline, best] = others.reduce((a, b) => (b[1] > a[1] ? b : a), ['none', -Infinity] as [
    string,
    number,
  ]);
  return {
    bucket: name,
    satisfaction,
    rootOverOracle: root / (satisfaction.oracle ?? NaN),
    bestBaseline,
    // 1e-9: equal expectations (e.g. both 1) count as "at least as good".
    beatsBaselines: root >= best - 1e-9,
  };
}

function groupBy(rows: readonly SweepRow[], key: 'snrDb' | 'edgeShare', unit: string): BucketSummary[] {
  const values = [...new Set(rows.map((r) => r[key]))];
  return values.map((v) =>
    bucket(
      `${v} ${unit}`,
      rows.filter((r) => r[key] === v),
    ),
  );
}

export function summarise(d: EvaluationData): Summary {
  const snr = groupBy(d.snrSweep, 'snrDb', 'dB');
  const share = groupBy(d.shareSweep, 'edgeShare', 'share');
  const minRatio = Math.min(...snr.map((b) => b.rootOverOracle));
  return {
    convergence: d.convergence,
    snr,
    share,
    overall: bucket('all', d.overall),
    targets: {
      minRootOverOracleBySnr: minRatio,
      rootAtLeast97PctOfOracleEverySnr: minRatio >= ORACLE_FRACTION_TARGET,
      rootBeatsEveryBaselineEverySnr: snr.every((b) => b.beatsBaselines),
    },
  };
}

const POLICIES = ['root', 'oracle', 'non-root', 'non-fine-tuning', 'edge-aigc', 'local-aigc', 'random'];

function table(rows: readonly BucketSummary[]): string {
  const head = ['bucket', ...POLICIES.map((p) => POLICY_LABELS[p] ?? p), 'ROOT / oracle', 'ROOT ≥ baselines'];
  const lines = [`| ${head.join(' | ')} |`, `|${head.map(() => ' --- ').join('|')}|`];
  for (const b of rows) {
    const cells = POLICIES.map((p) => (b.satisfaction[p] !== undefined ? b.satisfaction[p].toFixed(3) : '-'));
    lines.push(
      `| ${b.bucket} | ${cells.join(' | ')} | ${(b.rootOverOracle * 100).toFixed(1)}% | ${b.beatsBaselines ? 'yes' : `no (${b.bestBaseline})`} |`,
    );
  }
  return lines.join('\n');
}

export function summaryMarkdown(s: Summary, context: string): string {
  const c = s.convergence;
  return [
    '# ROOT evaluation summary',
    '',
    context,
    '',
    `Convergence: final training reward ${c.finalReward.toFixed(3)} (mean of the last 20 episodes); ` +
      `95% of it reached after ${c.episodes ?? 'never'} of ${c.trainingEpisodes} episodes (10-episode trailing mean).`,
    '',
    `Targets: ROOT ≥ ${ORACLE_FRACTION_TARGET * 100}% of the oracle at every SNR point: ` +
      `${s.targets.rootAtLeast97PctOfOracleEverySnr ? 'yes' : 'no'} (lowest ${(s.targets.minRootOverOracleBySnr * 100).toFixed(1)}%); ` +
      `ROOT ≥ every baseline at every SNR point: ${s.targets.rootBeatsEveryBaselineEverySnr ? 'yes' : 'no'}.`,
    '',
    'Mean expected satisfaction per SNR point (other conditions drawn as in training):',
    '',
    table(s.snr),
    '',
    'Per edge compute share (SNR drawn as in training):',
    '',
    table(s.share),
    '',
    'All conditions drawn as in training:',
    '',
    table([s.overall]),
    '',
  ].join('\n');
}
