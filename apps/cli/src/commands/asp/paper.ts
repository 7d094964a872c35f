/**
 * The D2SAC paper's reported numbers (Table III: test reward after 1000 training steps;
 * Table V: finished rate, obtained utility, crashed rate, lost utility), for the
 * side-by-side tables. Only the policies this package implements.
 */
export interface PaperRow {
  trainReward: number | null;
  testReward: number;
  finishRate: number;
  utility: number;
  crashRate: number;
  lostUtility: number;
}

export const PAPER: Readonly<Record<string, PaperRow>> = {
  random: {
    trainReward: -21,
    testReward: -35,
    finishRate: 0.702,
    utility: 215,
    crashRate: 0.277,
    lostUtility: 93,
  },
  'round-robin': {
    trainReward: 273,
    testReward: 280,
    finishRate: 0.903,
    utility: 309,
    crashRate: 0.076,
    lostUtility: 32,
  },
  'crash-avoid': {
    trainReward: 389,
    testReward: 400,
    finishRate: 0.977,
    utility: 357,
    crashRate: 0,
    lostUtility: 0,
  },
  prophet: {
    trainReward: 604,
    testReward: 596,
    finishRate: 0.977,
    utility: 548,
    crashRate: 0,
    lostUtility: 0,
  },
  dqn: { trainReward: 418, testReward: 503, finishRate: 0.977, utility: 479, crashRate: 0, lostUtility: 0 },
  sac: {
    trainReward: 418,
    testReward: 436,
    finishRate: 0.943,
    utility: 412,
    crashRate: 0.035,
    lostUtility: 11,
  },
  d2sac: {
    trainReward: 528,
    testReward: 537,
    finishRate: 0.966,
    utility: 494,
    crashRate: 0.011,
    lostUtility: 5,
  },
};

export const POLICY_ORDER = ['random', 'round-robin', 'crash-avoid', 'prophet', 'dqn', 'sac', 'd2sac'];

export const POLICY_LABELS: Readonly<Record<string, string>> = {
  random: 'Random',
  'round-robin': 'Round Robin',
  'crash-avoid': 'Crash Avoid',
  prophet: 'Prophet (upper bound)',
  dqn: 'DQN',
  sac: 'SAC',
  d2sac: 'D2SAC',
};
