/**
 * When did training converge? The summary's "episodes to 95% of the final reward": the
 * final reward is the mean episode reward over the last `finalWindow` episodes; the curve
 * is smoothed by a trailing mean over `window` episodes; the answer is the first episode
 * (1-based count) at which the smoothed curve reaches `fraction` × final.
 */

export interface ConvergenceOptions {
  fraction?: number;
  window?: number;
  finalWindow?: number;
}

export const DEFAULT_CONVERGENCE: Required<ConvergenceOptions> = {
  fraction: 0.95,
  window: 10,
  finalWindow: 20,
};

export interface Convergence {
  /** Mean reward of the last finalWindow episodes. */
  finalReward: number;
  /** Episodes needed to reach fraction × final (null: never). */
  episodes: number | null;
  /** The smoothed curve (trailing mean), one value per episode. */
  smoothed: number[];
}

export function trailingMean(values: readonly number[], window: number): number[] {
  if (!Number.isInteger(window) || window < 1)
    throw new TypeError(`trailingMean: window must be an integer >= 1`);
  // Summed afresh per point (not a running sum) so that no rounding drift accumulates.
  const out: number[] = [];
  for (let i = 0; i < values.length; i++) {
    const from = Math.max(0, i - window + 1);
    let sum = 0;
    for (let k = from; k <= i; k++) sum += values[k]!;
    out.push(sum / (i - from + 1));
  }
  return out;
}

export function convergence(rewards: readonly number[], options: ConvergenceOptions = {}): Convergence {
  const { fraction, window, finalWindow } = { ...DEFAULT_CONVERGENCE, ...options };
  if (rewards.length === 0) throw new TypeError('convergence: no episodes');
  if (!(fraction > 0 && fraction <= 1))
    throw new TypeError(`convergence: fraction must be in (0, 1], got ${fraction}`);
  const tail = rewards.slice(-finalWindow);
  const finalReward = tail.reduce((s, r) => s + r, 0) / tail.length;
  const smoothed = trailingMean(rewards, window);
  // The first `window − 1` points average fewer episodes; they count only once the window is full.
  const start = Math.min(window, rewards.length) - 1;
  let episodes: number | null = null;
  for (let i = start; i < smoothed.length; i++) {
    if (smoothed[i]! >= fraction * finalReward) {
      episodes = i + 1;
      break;
    }
  }
  return { finalReward, episodes, smoothed };
}
