/** @semaigc/receiver-node: headless receivers (`semaigc receiver --count N`). */
export * from './receiver';
