import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { childCrashLoops, childRestarts } from './child-metrics.ts';
import { RestartPolicy, type RestartPolicyOptions } from './restart-policy.ts';

export interface WorkerPoolOptions {
  /** Which worker: a package entry point such as `@shotfarm/render-worker/main`. */
  entry: string;
  /** Shown in logs: `render worker`, `scorer worker`. */
  label: string;
  /** Processes to keep running. */
  count: number;
  /** Environment of each worker: how to reach Redis and storage (never the database). */
  env: Record<string, string>;
  /** Where worker output goes. @defaultValue inherited stdio */
  log?: (line: string) => void;
  /** Back-off and crash-loop thresholds. @defaultValue RestartPolicy's (0.5 s doubling to 30 s; 5 restarts in 2 min is a loop) */
  restart?: RestartPolicyOptions;
  /** Told of every restart and crash loop (the launcher logs them). @defaultValue console.error */
  report?: (line: string) => void;
}

const tsxLoader = import.meta.resolve('tsx');

/**
 * Worker processes that `npm start` runs beside the API (render workers, scorer workers), each a separate
 * Node process exactly as on a GPU or CPU host: they share only Redis and storage with the API.
 * A worker that exits is restarted with back-off (RestartPolicy), counted in `shotfarm_child_restarts_total`, and a
 * crash loop is reported once and shown on `shotfarm_child_crash_loop`.
 */
export class WorkerPool {
  readonly #children = new Set<ChildProcess>();
  #stopping = false;

  constructor(private readonly opts: WorkerPoolOptions) {}

  readonly #policies = new Map<number, RestartPolicy>();
  readonly #timers = new Set<NodeJS.Timeout>();

  start(): void {
    for (let i = 0; i < this.opts.count; i++) this.#spawn(i);
  }

  /** Restarts so far (all slots): what a test of supervision reads. */
  restarts = 0;

  get pids(): number[] {
    return [...this.#children].map((c) => c.pid).filter((p): p is number => p !== undefined);
  }

  #spawn(slot: number): void {
    const entry = fileURLToPath(import.meta.resolve(this.opts.entry));
    const child = spawn(process.execPath, ['--import', tsxLoader, entry], {
      env: { ...process.env, ...this.opts.env }, stdio: ['ignore', 'inherit', 'inherit'],
    });
    const startedAt = Date.now();
    this.#children.add(child);
    child.once('exit', (code, signal) => {
      this.#children.delete(child);
      if (this.#stopping) return;
      const policy = this.#policies.get(slot) ?? new RestartPolicy(this.opts.restart);
      this.#policies.set(slot, policy);
      const next = policy.onExit(startedAt);
      const report = this.opts.report ?? ((line: string) => console.error(line));
      const label = this.opts.label.replaceAll(' ', '-');
      this.restarts++;
      childRestarts.inc({ child: label });
      childCrashLoops.set({ child: label }, next.inCrashLoop ? 1 : 0);
      report(`[studio] ${this.opts.label} ${slot} exited (${signal ?? code}); restarting in ${next.delayMs} ms`);
      if (next.crashLoopStarted) {
        report(`[studio] CRASH LOOP: ${this.opts.label} ${slot} died ${next.recentRestarts} times within minutes; still restarting every ${next.delayMs} ms or more — read its log above`);
      }
      const timer = setTimeout(() => { this.#timers.delete(timer); if (!this.#stopping) this.#spawn(slot); }, next.delayMs);
      timer.unref();
      this.#timers.add(timer);
    });
  }

  /** SIGTERM each worker (they finish running tasks), then wait for all to exit. */
  async stop(): Promise<void> {
    this.#stopping = true;
    for (const t of this.#timers) clearTimeout(t);
    await Promise.all([...this.#children].map(async (child) => {
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(timer);
    }));
  }

  /** The forced exit: SIGKILL every worker now, synchronously (BullMQ hands their tasks to another worker as stalled). */
  killNow(): void {
    this.#stopping = true;
    for (const t of this.#timers) clearTimeout(t);
    for (const child of this.#children) {
      try { child.kill('SIGKILL'); } catch { /* already gone */ }
    }
  }
}
