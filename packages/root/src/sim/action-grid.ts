/**
 * The agent's actions: a grid of edge-step counts a ∈ [0, T̂]. The paper's network has 10
 * outputs for T̂ = 20; `paper10` reads them as a = 2, 4, …, 20 (ten even splits, including
 * the Non-ROOT split 10/10 and the all-edge split 20/0). `full` is every a in 0..T̂.
 */
export type GridName = 'paper10' | 'full';
export const GRID_NAMES: readonly GridName[] = ['paper10', 'full'];

export function actionGrid(name: GridName, totalSteps: number): number[] {
  if (!Number.isInteger(totalSteps) || totalSteps < 1) {
    throw new TypeError(`actionGrid: totalSteps must be an integer >= 1, got ${totalSteps}`);
  }
  switch (name) {
    case 'full':
      return Array.from({ length: totalSteps + 1 }, (_, a) => a);
    case 'paper10': {
      // Ten evenly spaced splits ending at T̂: T̂/10, 2T̂/10, …, T̂ (rounded, deduplicated).
      const grid = Array.from({ length: 10 }, (_, k) => Math.round(((k + 1) * totalSteps) / 10));
      return [...new Set(grid)];
    }
    default:
      throw new TypeError(`actionGrid: name must be one of ${GRID_NAMES.join(', ')}, got ${String(name)}`);
  }
}

/** Validates a custom grid: distinct integers in [0, T̂], ascending. */
export function checkGrid(grid: readonly number[], totalSteps: number): void {
  if (grid.length < 1) throw new TypeError('action grid: at least one action is required');
  grid.forEach((a, i) => {
    if (!Number.isInteger(a) || a < 0 || a > totalSteps) {
      throw new TypeError(`action grid[${i}] must be an integer in [0, ${totalSteps}], got ${a}`);
    }
    if (i > 0 && a <= grid[i - 1]!) throw new TypeError('action grid must be strictly ascending');
  });
}
