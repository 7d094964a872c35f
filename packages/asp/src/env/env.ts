/**
 * The ASP-selection environment (D2SAC section V-A; the code's SwarmManager and
 * ServiceProvider), one task per step:
 *
 *   observe   the arriving task (its steps and estimated runtime) and every ASP's total and
 *             available capacity, normalised (features.ts);
 *   act       pick an ASP;
 *   reward    the task fits (steps ≤ available): it is admitted and the reward is its quality
 *             reward r^R = u_i(T) − A_y, given at once as in the code;
 *             it does not fit: the ASP crashes, every task running on it is interrupted, the
 *             arriving task is dropped, and the reward is −(r̂_F + Σ r̂_F·(1 − progress_j))
 *             over the interrupted tasks j (eq. 18; code assign_task);
 *   advance   to the next arrival; tasks whose runtime has elapsed by then finish and free
 *             their steps (code check_finished, run at each arrival).
 *
 * The episode ends after the last task of the stream; tasks still running then count as
 * in flight (neither finished nor crashed), which is why even a crash-free policy finishes
 * ≈ 97.7% in the D2SAC paper's Table V.
 */
import { observation } from './features';
import type { AspProfile } from './profile';
import { qualityReward } from './quality';
import { drawTasks, type Task } from './tasks';
import type { Asp } from './world';

interface Running {
  task: Task;
  reward: number;
}

export interface StepResult {
  reward: number;
  /** True after the last task of the episode. */
  done: boolean;
  /** The task was admitted (false: it overflowed the ASP and crashed it). */
  admitted: boolean;
  /** Running tasks interrupted by this step's crash. */
  interrupted: number;
}

export interface EpisodeStats {
  tasks: number;
  finished: number;
  /** Running tasks interrupted by crashes. */
  crashed: number;
  /** Arriving tasks that overflowed their ASP (each caused one crash). */
  crashEvents: number;
  /** Still running when the episode ended. */
  inFlight: number;
  /** Sum of the step rewards: the papers' "test reward". */
  reward: number;
  /** Sum of r^R over finished tasks: Table V's "obtained utility". */
  utility: number;
  /** Sum of r^R over interrupted tasks: Table V's "lost utility". */
  lostUtility: number;
}

export class AspEnv {
  private tasks: Task[] = [];
  private cursor = 0;
  private running: Running[][];
  private used: number[];
  private stats: EpisodeStats = emptyStats(0);

  constructor(
    readonly profile: AspProfile,
    readonly asps: readonly Asp[],
  ) {
    if (asps.length !== profile.nAsps) {
      throw new TypeError(`AspEnv: ${asps.length} ASPs given, profile ${profile.name} has ${profile.nAsps}`);
    }
    this.running = asps.map(() => []);
    this.used = asps.map(() => 0);
  }

  get nAsps(): number {
    return this.asps.length;
  }

  /** Features per observation: 2 for the task, 2 per ASP. */
  get nFeatures(): number {
    return 2 + 2 * this.asps.length;
  }

  /** Starts an episode whose task stream is drawn from `episodeSeed`; returns s_0. */
  reset(episodeSeed: number): Float32Array {
    return this.start(drawTasks(this.profile, episodeSeed));
  }

  /** Starts an episode on a given task stream (sorted by arrival); returns s_0. */
  start(tasks: readonly Task[]): Float32Array {
    if (tasks.length === 0) throw new TypeError('AspEnv.start: the task stream is empty');
    for (let i = 1; i < tasks.length; i++) {
      if (tasks[i]!.arrival < tasks[i - 1]!.arrival)
        throw new TypeError(`AspEnv.start: task ${i} arrives before task ${i - 1}`);
    }
    this.tasks = [...tasks];
    this.cursor = 0;
    this.running = this.asps.map(() => []);
    this.used = this.asps.map(() => 0);
    this.stats = emptyStats(this.tasks.length);
    return this.observe();
  }

  /** The task waiting for a decision. */
  get task(): Task {
    const t = this.tasks[this.cursor];
    if (!t) throw new TypeError('AspEnv: no current task (call reset(), or the episode is over)');
    return t;
  }

  /** Steps ASP i can still take (𝒯̃_i). */
  available(i: number): number {
    return this.asps[i]!.capacity - this.used[i]!;
  }

  /** The reward ASP i would give the current task if it fits (what only the prophet may read). */
  rewardIfAdmitted(i: number): number {
    return qualityReward(this.asps[i]!.curve, this.task.steps);
  }

  observe(): Float32Array {
    return observation(this.profile, this.task, this.asps, this.used);
  }

  step(action: number): StepResult {
    if (!Number.isInteger(action) || action < 0 || action >= this.asps.length) {
      throw new TypeError(
        `AspEnv.step: action must be an integer in [0, ${this.asps.length}), got ${action}`,
      );
    }
    const task = this.task;
    const now = task.arrival;
    let reward: number;
    let interrupted = 0;
    const admitted = task.steps <= this.available(action);
    if (admitted) {
      reward = this.rewardIfAdmitted(action);
      this.running[action]!.push({ task, reward });
      this.used[action]! += task.steps;
    } else {
      let penalty = this.profile.crashPenalty;
      for (const r of this.running[action]!) {
        const progress = (now - r.task.arrival) / r.task.runtime;
        penalty += this.profile.crashPenalty * (1 - progress);
        this.stats.lostUtility += r.reward;
        interrupted++;
      }
      this.stats.crashed += interrupted;
      this.stats.crashEvents++;
      this.running[action] = [];
      this.used[action] = 0;
      reward = -penalty;
    }
    this.stats.reward += reward;
    this.cursor++;
    const done = this.cursor >= this.tasks.length;
    if (done) {
      this.stats.inFlight = this.running.reduce((s, list) => s + list.length, 0);
    } else {
      this.release(this.tasks[this.cursor]!.arrival);
    }
    return { reward, done, admitted, interrupted };
  }

  /** The episode's counters so far (a copy). */
  episodeStats(): EpisodeStats {
    return { ...this.stats };
  }

  /** Finishes every running task whose runtime has elapsed by `now`, freeing its steps. */
  private release(now: number): void {
    this.running.forEach((list, i) => {
      const keep: Running[] = [];
      for (const r of list) {
        if (now >= r.task.arrival + r.task.runtime) {
          this.stats.finished++;
          this.stats.utility += r.reward;
          this.used[i]! -= r.task.steps;
        } else keep.push(r);
      }
      this.running[i] = keep;
    });
  }
}

function emptyStats(tasks: number): EpisodeStats {
  return {
    tasks,
    finished: 0,
    crashed: 0,
    crashEvents: 0,
    inFlight: 0,
    reward: 0,
    utility: 0,
    lostUtility: 0,
  };
}
