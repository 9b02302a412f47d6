import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

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
}

const tsxLoader = import.meta.resolve('tsx');
/** A worker that dies is started again after this long, doubling up to `maxRestartDelayMs` while it keeps dying. */
const restartDelayMs = 500;
const maxRestartDelayMs = 30_000;

/**
 * Worker processes that `npm start` runs beside the API (render workers, scorer workers), each a separate
 * Node process exactly as on a GPU or CPU host: they share only Redis and storage with the API.
 * A worker that exits is restarted.
 */
export class WorkerPool {
  readonly #children = new Set<ChildProcess>();
  #stopping = false;

  constructor(private readonly opts: WorkerPoolOptions) {}

  start(): void {
    for (let i = 0; i < this.opts.count; i++) this.#spawn(i, restartDelayMs);
  }

  get pids(): number[] {
    return [...this.#children].map((c) => c.pid).filter((p): p is number => p !== undefined);
  }

  #spawn(slot: number, delayMs: number): void {
    const entry = fileURLToPath(import.meta.resolve(this.opts.entry));
    const child = spawn(process.execPath, ['--import', tsxLoader, entry], {
      env: { ...process.env, ...this.opts.env }, stdio: ['ignore', 'inherit', 'inherit'],
    });
    const startedAt = Date.now();
    this.#children.add(child);
    child.once('exit', (code, signal) => {
      this.#children.delete(child);
      if (this.#stopping) return;
      const next = Date.now() - startedAt > 60_000 ? restartDelayMs : Math.min(delayMs * 2, maxRestartDelayMs);
      console.error(`[studio] ${this.opts.label} ${slot} exited (${signal ?? code}); restarting in ${next} ms`);
      setTimeout(() => { if (!this.#stopping) this.#spawn(slot, next); }, next).unref();
    });
  }

  /** SIGTERM each worker (they finish running tasks), then wait for all to exit. */
  async stop(): Promise<void> {
    this.#stopping = true;
    await Promise.all([...this.#children].map(async (child) => {
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(timer);
    }));
  }
}
