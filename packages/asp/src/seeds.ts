/**
 * Where every random number of a replicate comes from. Replicate seed s fixes its world
 * (the 20 ASPs), the training episodes, the validation episodes behind the test-reward
 * curve, and the held-out evaluation episodes of the tables; the three episode streams
 * never share a seed, and every policy of a replicate meets the same world and the same
 * evaluation episodes.
 */
import { mixSeed } from '@semaigc/root';

const WORLD = 1;
const TRAIN = 2;
const VALIDATION = 3;
const EVALUATION = 4;

export const worldSeed = (s: number): number => mixSeed(s, WORLD);
export const trainEpisodeSeed = (s: number, episode: number): number => mixSeed(s, TRAIN, episode);
export const validationEpisodeSeed = (s: number, k: number): number => mixSeed(s, VALIDATION, k);
export const evaluationEpisodeSeed = (s: number, k: number): number => mixSeed(s, EVALUATION, k);

/** Streams of the learner itself: initial weights, exploration, replay sampling, diffusion noise. */
export const learnerSeed = (s: number, stream: 'init' | 'explore' | 'replay' | 'noise'): number =>
  mixSeed(s, 10 + ['init', 'explore', 'replay', 'noise'].indexOf(stream));
