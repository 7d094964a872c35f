/**
 * The state s = [s^T, s^A] (D2SAC section V-A a): the arriving task's steps T and estimated
 * runtime o, then each ASP's total capacity 𝒯_i and available capacity 𝒯̃_i, all in [0, 1].
 * Normalisers are the code's (env/task.py, env/service_provider.py): T / max T,
 * runtime / runtime(max T), 𝒯_i / max capacity, 𝒯̃_i / 𝒯_i. The code puts the ASPs first;
 * the order is the paper's here (the networks do not care).
 */
import { taskRuntimeSeconds, type AspProfile } from './profile';
import type { Task } from './tasks';
import type { Asp } from './world';

export function observation(
  profile: AspProfile,
  task: Task,
  asps: readonly Asp[],
  used: readonly number[],
): Float32Array {
  const maxSteps = Math.max(...profile.taskStepChoices);
  const maxCapacity = Math.max(...profile.capacityChoices);
  const x = new Float32Array(2 + 2 * asps.length);
  x[0] = task.steps / maxSteps;
  x[1] = task.runtime / taskRuntimeSeconds(profile, maxSteps);
  asps.forEach((a, i) => {
    x[2 + 2 * i] = a.capacity / maxCapacity;
    x[3 + 2 * i] = (a.capacity - used[i]!) / a.capacity;
  });
  return x;
}
