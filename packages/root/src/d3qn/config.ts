/**
 * Every hyperparameter of the D3QN agent and its training loop, in one place (CleanRL
 * style). The architecture, batch size and discount are the paper's (section V); the rest
 * the paper does not give and were chosen by the measurements in README.md.
 */

export interface D3qnConfig {
  /** Hidden layer widths of the shared trunk, ReLU after each (paper: two of 256). */
  hiddenUnits: number[];
  /** Discount rate λ of eq. 26 (paper: 0.99). */
  gamma: number;
  /** Adam step size η of eq. 27. */
  learningRate: number;
  /** Minibatch m_D (paper: 64). */
  batchSize: number;
  /** Replay buffer capacity, transitions (oldest overwritten). */
  bufferSize: number;
  /** Environment steps taken with ε = 1 before the first gradient step. */
  learningStarts: number;
  /** One gradient step every this many environment steps. */
  trainFrequency: number;
  /** Target network update every this many environment steps … */
  targetUpdateFrequency: number;
  /** … as θ̄ ← τ·θ + (1 − τ)·θ̄ (τ = 1: hard copy). */
  tau: number;
  /** ε decays linearly from `epsilonStart` to `epsilonEnd` … */
  epsilonStart: number;
  epsilonEnd: number;
  /** … over this fraction of the training's environment steps, then stays at `epsilonEnd`. */
  explorationFraction: number;
  /** Regression loss on the TD error: 'mse' (eq. 27) or 'huber' (δ = 1). */
  loss: 'mse' | 'huber';
}

export const DEFAULT_D3QN_CONFIG: Readonly<D3qnConfig> = Object.freeze({
  hiddenUnits: [256, 256],
  gamma: 0,
  learningRate: 5e-4,
  batchSize: 64,
  bufferSize: 20_000,
  learningStarts: 256,
  trainFrequency: 2,
  targetUpdateFrequency: 100,
  tau: 1,
  epsilonStart: 1,
  epsilonEnd: 0.02,
  explorationFraction: 0.3,
  loss: 'mse',
});

/** Fills defaults and validates; TypeError names the field. */
export function resolveD3qnConfig(partial: Partial<D3qnConfig> = {}): D3qnConfig {
  const c: D3qnConfig = {
    ...DEFAULT_D3QN_CONFIG,
    ...partial,
    hiddenUnits: [...(partial.hiddenUnits ?? DEFAULT_D3QN_CONFIG.hiddenUnits)],
  };
  const int = (k: keyof D3qnConfig, min: number): void => {
    const v = c[k] as number;
    if (!Number.isInteger(v) || v < min)
      throw new TypeError(`D3qnConfig.${k} must be an integer >= ${min}, got ${v}`);
  };
  const inUnit = (k: keyof D3qnConfig): void => {
    const v = c[k] as number;
    if (!(v >= 0 && v <= 1)) throw new TypeError(`D3qnConfig.${k} must be in [0, 1], got ${v}`);
  };
  if (c.hiddenUnits.length < 1 || c.hiddenUnits.some((u) => !Number.isInteger(u) || u < 1)) {
    throw new TypeError(
      `D3qnConfig.hiddenUnits must be a non-empty list of integers >= 1, got [${c.hiddenUnits.join(', ')}]`,
    );
  }
  inUnit('gamma');
  if (!(c.learningRate > 0))
    throw new TypeError(`D3qnConfig.learningRate must be > 0, got ${c.learningRate}`);
  int('batchSize', 1);
  int('bufferSize', 1);
  int('learningStarts', 0);
  int('trainFrequency', 1);
  int('targetUpdateFrequency', 1);
  if (!(c.tau > 0 && c.tau <= 1)) throw new TypeError(`D3qnConfig.tau must be in (0, 1], got ${c.tau}`);
  inUnit('epsilonStart');
  inUnit('epsilonEnd');
  inUnit('explorationFraction');
  if (c.loss !== 'mse' && c.loss !== 'huber') {
    throw new TypeError(`D3qnConfig.loss must be 'mse' or 'huber', got ${String(c.loss)}`);
  }
  return c;
}
