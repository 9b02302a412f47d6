/**
 * When to start a dead child again, and when its deaths have become a crash loop that an operator must hear about.
 * The delay doubles from `initialDelayMs` up to `maxDelayMs` while the child keeps dying soon after a start; a child
 * that ran for `stableAfterMs` starts over at the initial delay. `crashLoopRestarts` restarts within `crashLoopWindowMs`
 * are a crash loop: still restarted (at the longest delay), but reported once per loop instead of hidden in the log.
 */
export interface RestartPolicyOptions {
  initialDelayMs?: number;
  maxDelayMs?: number;
  stableAfterMs?: number;
  crashLoopRestarts?: number;
  crashLoopWindowMs?: number;
}

export interface RestartDecision {
  delayMs: number;
  /** Restarts within the crash-loop window, this one included. */
  recentRestarts: number;
  /** True the first time the recent restarts reach the crash-loop count (once per loop). */
  crashLoopStarted: boolean;
  /** True while the child is in a crash loop. */
  inCrashLoop: boolean;
}

export class RestartPolicy {
  readonly #initial: number;
  readonly #max: number;
  readonly #stableAfter: number;
  readonly #loopRestarts: number;
  readonly #loopWindow: number;
  #delay: number;
  #restarts: number[] = [];
  #inLoop = false;

  constructor(opts: RestartPolicyOptions = {}) {
    this.#initial = opts.initialDelayMs ?? 500;
    this.#max = opts.maxDelayMs ?? 30_000;
    this.#stableAfter = opts.stableAfterMs ?? 60_000;
    this.#loopRestarts = opts.crashLoopRestarts ?? 5;
    this.#loopWindow = opts.crashLoopWindowMs ?? 120_000;
    this.#delay = this.#initial;
  }

  /** A child that was started at `startedAt` exited at `now`: how long to wait before starting it again. */
  onExit(startedAt: number, now = Date.now()): RestartDecision {
    const ranStably = now - startedAt >= this.#stableAfter;
    const delayMs = ranStably ? this.#initial : this.#delay;
    this.#delay = Math.min((ranStably ? this.#initial : this.#delay) * 2, this.#max);
    this.#restarts = [...this.#restarts.filter((t) => now - t < this.#loopWindow), now];
    const recentRestarts = this.#restarts.length;
    const inCrashLoop = recentRestarts >= this.#loopRestarts;
    const crashLoopStarted = inCrashLoop && !this.#inLoop;
    this.#inLoop = inCrashLoop;
    return { delayMs, recentRestarts, crashLoopStarted, inCrashLoop };
  }
}
