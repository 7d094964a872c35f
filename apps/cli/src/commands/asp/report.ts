/**
 * Table III / Table V side by side with the paper's numbers: mean and 95% interval over
 * replicate seeds (each seed's value is its mean over the evaluation episodes), the issue's
 * targets checked, as markdown, a terminal table and JSON.
 */
import Table from 'cli-table3';
import { interval95, type Interval } from '@semaigc/asp';
import type { ResultRow } from './evaluation';
import { PAPER, POLICY_LABELS, POLICY_ORDER } from './paper';

const METRICS = ['testReward', 'finishRate', 'crashRate', 'utility', 'lostUtility', 'decisionMsP99'] as const;
type Metric = (typeof METRICS)[number];

export interface PolicySummary {
  policy: string;
  n: number;
  metrics: Record<Metric, Interval>;
  /** testReward / prophet's testReward per seed (same draws), as an interval. */
  overProphet: Interval;
}

export interface Targets {
  d2sacReward: number | null;
  d2sacAtLeastPaper537: boolean | null;
  d2sacOverProphet: number | null;
  d2sacAtLeast90PctOfProphet: boolean | null;
  d2sacCrashRate: number | null;
  d2sacCrashAtMost1p1Pct: boolean | null;
  /** Per heuristic: (ours − paper) / |paper| of the test reward. */
  heuristicsVsPaper: Record<string, number>;
}

export function summarise(rows: readonly ResultRow[]): PolicySummary[] {
  const present = POLICY_ORDER.filter((p) => rows.some((r) => r.policy === p));
  const prophet = new Map(rows.filter((r) => r.policy === 'prophet').map((r) => [r.seed, r.testReward]));
  return present.map((policy) => {
    const mine = rows.filter((r) => r.policy === policy);
    const metrics = Object.fromEntries(METRICS.map((m) => [m, interval95(mine.map((r) => r[m]))])) as Record<
      Metric,
      Interval
    >;
    const ratios = mine.filter((r) => prophet.has(r.seed)).map((r) => r.testReward / prophet.get(r.seed)!);
    return { policy, n: mine.length, metrics, overProphet: interval95(ratios) };
  });
}

export function targets(s: readonly PolicySummary[]): Targets {
  const d = s.find((p) => p.policy === 'd2sac');
  const heuristicsVsPaper: Record<string, number> = {};
  for (const p of s) {
    if (['random', 'round-robin', 'crash-avoid', 'prophet'].includes(p.policy)) {
      const paper = PAPER[p.policy]!.testReward;
      heuristicsVsPaper[p.policy] = (p.metrics.testReward.mean - paper) / Math.abs(paper);
    }
  }
  return {
    d2sacReward: d ? d.metrics.testReward.mean : null,
    d2sacAtLeastPaper537: d ? d.metrics.testReward.mean >= PAPER.d2sac!.testReward : null,
    d2sacOverProphet: d ? d.overProphet.mean : null,
    d2sacAtLeast90PctOfProphet: d ? d.overProphet.mean >= 0.9 : null,
    d2sacCrashRate: d ? d.metrics.crashRate.mean : null,
    d2sacCrashAtMost1p1Pct: d ? d.metrics.crashRate.mean <= 0.011 : null,
    heuristicsVsPaper,
  };
}

const fmt = (i: Interval, digits = 0, scale = 1): string =>
  Number.isNaN(i.half)
    ? (i.mean * scale).toFixed(digits)
    : `${(i.mean * scale).toFixed(digits)} ± ${(i.half * scale).toFixed(digits)}`;

function markdownTable(head: string[], rows: string[][]): string {
  return [
    `| ${head.join(' | ')} |`,
    `|${head.map(() => ' --- ').join('|')}|`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
}

export function table3Markdown(s: readonly PolicySummary[]): string {
  return markdownTable(
    ['policy', 'test reward (ours)', 'paper', 'ours / prophet', 'paper / prophet', 'n seeds'],
    s.map((p) => [
      POLICY_LABELS[p.policy] ?? p.policy,
      fmt(p.metrics.testReward),
      String(PAPER[p.policy]?.testReward ?? '-'),
      fmt(p.overProphet, 1, 100) + '%',
      `${((100 * (PAPER[p.policy]?.testReward ?? NaN)) / PAPER.prophet!.testReward).toFixed(1)}%`,
      String(p.n),
    ]),
  );
}

export function table5Markdown(s: readonly PolicySummary[]): string {
  const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;
  return markdownTable(
    [
      'policy',
      'finished (ours)',
      'paper',
      'crashed (ours)',
      'paper',
      'utility (ours)',
      'paper',
      'lost utility (ours)',
      'paper',
    ],
    s.map((p) => {
      const q = PAPER[p.policy];
      return [
        POLICY_LABELS[p.policy] ?? p.policy,
        fmt(p.metrics.finishRate, 1, 100) + '%',
        q ? pct(q.finishRate) : '-',
        fmt(p.metrics.crashRate, 1, 100) + '%',
        q ? pct(q.crashRate) : '-',
        fmt(p.metrics.utility),
        String(q?.utility ?? '-'),
        fmt(p.metrics.lostUtility),
        String(q?.lostUtility ?? '-'),
      ];
    }),
  );
}

export function terminalTable(s: readonly PolicySummary[]): string {
  const t = new Table({
    head: [
      'policy',
      'test reward',
      'paper',
      '/ prophet',
      'finished',
      'crashed',
      'utility',
      'decision p99 ms',
      'n',
    ],
  });
  for (const p of s) {
    t.push([
      p.policy,
      fmt(p.metrics.testReward),
      String(PAPER[p.policy]?.testReward ?? '-'),
      fmt(p.overProphet, 1, 100) + '%',
      fmt(p.metrics.finishRate, 1, 100) + '%',
      fmt(p.metrics.crashRate, 1, 100) + '%',
      fmt(p.metrics.utility),
      p.metrics.decisionMsP99.mean.toFixed(3),
      String(p.n),
    ]);
  }
  return t.toString();
}

export function summaryMarkdown(s: readonly PolicySummary[], t: Targets, context: string[]): string {
  const yes = (b: boolean | null): string => (b === null ? 'n/a' : b ? 'yes' : 'no');
  return [
    '# ASP selection: evaluation summary',
    '',
    ...context,
    '',
    'Values are mean ± 95% interval (Student t) over replicate seeds; each seed is its mean over the held-out evaluation episodes. Paper: the D2SAC paper, one run.',
    '',
    '## Table III (test reward)',
    '',
    table3Markdown(s),
    '',
    '## Table V (task outcomes)',
    '',
    table5Markdown(s),
    '',
    '## Targets',
    '',
    `- D2SAC test reward ≥ 537 (paper): ${yes(t.d2sacAtLeastPaper537)} (${t.d2sacReward?.toFixed(0) ?? '-'})`,
    `- D2SAC ≥ 90% of the prophet on the same draws: ${yes(t.d2sacAtLeast90PctOfProphet)} (${t.d2sacOverProphet !== null ? (t.d2sacOverProphet * 100).toFixed(1) + '%' : '-'})`,
    `- D2SAC crash rate ≤ 1.1%: ${yes(t.d2sacCrashAtMost1p1Pct)} (${t.d2sacCrashRate !== null ? (t.d2sacCrashRate * 100).toFixed(2) + '%' : '-'})`,
    `- Heuristics, test reward (ours − paper) / |paper|: ${Object.entries(t.heuristicsVsPaper)
      .map(([k, v]) => `${k} ${v >= 0 ? '+' : ''}${(v * 100).toFixed(0)}%`)
      .join(', ')}`,
    '',
  ].join('\n');
}
