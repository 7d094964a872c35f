/**
 * Everything `root eval` measures, as plain rows (CSV and figures are drawn from these):
 *
 * - fig6: reward per training episode for ROOT (its training curve, from the checkpoint)
 *   and every baseline replayed on the same episodes (same seed: same requests and luck);
 * - snrSweep / shareSweep: each policy with the SNR (resp. the edge compute share) pinned
 *   at each grid value and every other condition drawn as in training (Fig. 7 and 9);
 * - heatmap: ROOT with both pinned (Fig. 8);
 * - overall: each policy on unpinned conditions.
 *
 * Satisfaction and latency are expectations over the quality gate (closed form), see
 * packages/root/src/evaluate.ts; the sampled figures are kept in the CSVs too.
 */
import {
  D3qnPolicy,
  baselinePolicies,
  convergence,
  episodeRewards,
  evaluateAt,
  trailingMean,
  type LoadedCheckpoint,
  type PolicySummary,
  type ServiceProfile,
  type SplitPolicy,
} from '@semaigc/root';

export const SNR_POINTS = [-6, -3, 0, 3, 6, 9, 12, 15];
export const SHARE_POINTS = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1];

/** The paper's names for the policies, used in figures. */
export const POLICY_LABELS: Record<string, string> = {
  root: 'SemAIGC (ROOT)',
  oracle: 'Oracle (upper bound)',
  'non-root': 'Non-ROOT SemAIGC',
  'non-fine-tuning': 'Non-fine-tuning AIGC',
  'edge-aigc': 'Edge AIGC',
  'local-aigc': 'Local AIGC',
  random: 'Random split',
  'deadline-greedy': 'Deadline-greedy hand rule',
};

export interface Fig6Row {
  episode: number;
  policy: string;
  reward: number;
  smoothed: number;
}

export type SweepRow = PolicySummary & { snrDb: number | null; edgeShare: number | null };

export interface EvaluationData {
  fig6: Fig6Row[];
  snrSweep: SweepRow[];
  shareSweep: SweepRow[];
  heatmap: SweepRow[];
  overall: SweepRow[];
  convergence: { finalReward: number; episodes: number | null; trainingEpisodes: number };
}

export interface EvaluationOptions {
  profile: ServiceProfile;
  checkpoint: LoadedCheckpoint;
  /** Seed of the evaluation requests (not the training seed). */
  seed: number;
  /** Sessions per sweep point. */
  episodes: number;
  log: (line: string) => void;
}

export function policiesFor(o: EvaluationOptions): SplitPolicy[] {
  const root = D3qnPolicy.fromCheckpoint(o.checkpoint);
  return [root, ...baselinePolicies(o.profile, o.checkpoint.grid, o.seed)];
}

function trainingCurve(ckpt: LoadedCheckpoint): number[] {
  const r = ckpt.meta.episodeRewards;
  return Array.isArray(r) && r.every((x): x is number => typeof x === 'number') ? r : [];
}

export function evaluate(o: EvaluationOptions): EvaluationData {
  const policies = policiesFor(o);
  const rootCurve = trainingCurve(o.checkpoint);
  const trainSeed = typeof o.checkpoint.meta.seed === 'number' ? o.checkpoint.meta.seed : 1;

  o.log(`Fig. 6: replaying ${rootCurve.length} training episodes (seed ${trainSeed}) with each baseline`);
  const fig6: Fig6Row[] = [];
  const addCurve = (policy: string, rewards: number[]): void => {
    const smooth = trailingMean(rewards, 10);
    rewards.forEach((reward, i) => fig6.push({ episode: i + 1, policy, reward, smoothed: smooth[i]! }));
  };
  if (rootCurve.length > 0) {
    addCurve('root', rootCurve);
    for (const p of baselinePolicies(o.profile, o.checkpoint.grid, trainSeed)) {
      addCurve(p.name, episodeRewards(o.profile, p, trainSeed, rootCurve.length));
    }
  } else {
    o.log('the checkpoint has no training curve (meta.episodeRewards): Fig. 6 is skipped');
  }

  const at = (pin: { snrDb?: number; edgeShare?: number }, list = policies): SweepRow[] =>
    evaluateAt(o.profile, list, { seed: o.seed, episodes: o.episodes, pin }).map((s) => ({
      ...s,
      snrDb: pin.snrDb ?? null,
      edgeShare: pin.edgeShare ?? null,
    }));

  o.log(
    `sweeps: ${SNR_POINTS.length} SNR points, ${SHARE_POINTS.length} compute shares, ${o.episodes} sessions each`,
  );
  const snrSweep = SNR_POINTS.flatMap((snrDb) => at({ snrDb }));
  const shareSweep = SHARE_POINTS.flatMap((edgeShare) => at({ edgeShare }));
  o.log('Fig. 8: satisfaction over SNR × compute share');
  const heatmap = SNR_POINTS.flatMap((snrDb) =>
    SHARE_POINTS.flatMap((edgeShare) => at({ snrDb, edgeShare }, [policies[0]!])),
  );
  const overall = at({});
  const conv = rootCurve.length > 0 ? convergence(rootCurve) : { finalReward: NaN, episodes: null };
  return {
    fig6,
    snrSweep,
    shareSweep,
    heatmap,
    overall,
    convergence: {
      finalReward: conv.finalReward,
      episodes: conv.episodes,
      trainingEpisodes: rootCurve.length,
    },
  };
}
