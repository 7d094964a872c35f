/**
 * The task stream of one episode, drawn in full at reset from the episode seed alone, so
 * every policy meets the same tasks at the same times (common random numbers).
 *
 * Arrivals are a Poisson process of rate λ over the episode (D2SAC eq. in VI-A; code
 * TaskGenerator: a Poisson count of sorted uniform times, the same process): a first task
 * at time 0 as in the code, then exponential gaps, times floored to whole seconds (the code
 * casts them to int64; its runtimes are minutes). A lab-calibrated profile (one with a
 * linear `runtime`) keeps the exact times: its tasks run for fractions of a second and
 * arrive many per second, so flooring would stack a whole second's arrivals on one instant
 * and overload every edge at once. Each task needs a number of steps drawn uniformly from
 * the profile's list and runs for taskRuntimeSeconds(profile, steps).
 */
import { createRng } from '@semaigc/root';
import { taskRuntimeSeconds, type AspProfile } from './profile';

export interface Task {
  index: number;
  arrival: number;
  steps: number;
  runtime: number;
}

export function drawTasks(profile: AspProfile, seed: number): Task[] {
  const rng = createRng(seed);
  const tasks: Task[] = [];
  let t = 0;
  while (t < profile.episodeSeconds) {
    const steps = profile.taskStepChoices[rng.int(profile.taskStepChoices.length)]!;
    tasks.push({
      index: tasks.length,
      arrival: profile.runtime ? t : Math.floor(t),
      steps,
      runtime: taskRuntimeSeconds(profile, steps),
    });
    // 1 − u keeps the logarithm finite.
    t += -Math.log(1 - rng.uniform()) / profile.arrivalRate;
  }
  return tasks;
}
