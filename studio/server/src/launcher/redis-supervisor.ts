import { EmbeddedRedis, type EmbeddedRedisOptions } from '@shotfarm/shared/queue';
import { childCrashLoops, childRestarts } from './child-metrics.ts';
import { RestartPolicy, type RestartPolicyOptions } from './restart-policy.ts';

export interface RedisSupervisorOptions extends EmbeddedRedisOptions {
  restart?: RestartPolicyOptions;
  /** Told of every death, restart and crash loop. @defaultValue console.error */
  report?: (line: string) => void;
}

/**
 * The embedded redis-server, kept alive: when it dies it is started again on the same port and the same AOF folder
 * (so every client reconnects to the same URL and finds its queues), with back-off, counted and crash-loop-reported
 * like the workers. BullMQ's stalled-job check and the reconciler then pick up what was running.
 */
export class RedisSupervisor {
  #current: EmbeddedRedis;
  #stopping = false;
  #timer: NodeJS.Timeout | undefined;
  readonly #policy: RestartPolicy;
  readonly #report: (line: string) => void;
  /** Restarts so far. */
  restarts = 0;

  private constructor(first: EmbeddedRedis, private readonly opts: RedisSupervisorOptions) {
    this.#current = first;
    this.#policy = new RestartPolicy(opts.restart);
    this.#report = opts.report ?? ((line) => console.error(line));
    this.#watch(first, Date.now());
  }

  static async start(opts: RedisSupervisorOptions): Promise<RedisSupervisor> {
    return new RedisSupervisor(await EmbeddedRedis.start(opts), opts);
  }

  get url(): string { return this.#current.url; }
  get port(): number { return this.#current.port; }
  /** The process running now (it changes after a restart). */
  get pid(): number | undefined { return this.#current.pid; }

  #watch(redis: EmbeddedRedis, startedAt: number): void {
    void redis.exited.then(({ code, signal }) => {
      if (this.#stopping || redis !== this.#current) return;
      const next = this.#policy.onExit(startedAt);
      childRestarts.inc({ child: 'redis' });
      childCrashLoops.set({ child: 'redis' }, next.inCrashLoop ? 1 : 0);
      this.#report(`[studio] embedded redis-server exited (${signal ?? code}); restarting on port ${redis.port} in ${next.delayMs} ms`);
      if (next.crashLoopStarted) this.#report(`[studio] CRASH LOOP: embedded redis-server died ${next.recentRestarts} times within minutes; still restarting — check its data folder ${this.opts.dataDir} and free disk`);
      this.#schedule(next.delayMs, redis.port);
    });
  }

  #schedule(delayMs: number, port: number): void {
    this.#timer = setTimeout(() => {
      if (this.#stopping) return;
      const startedAt = Date.now();
      EmbeddedRedis.start({ ...this.opts, port }).then((redis) => {
        if (this.#stopping) { void redis.stop(); return; }
        this.#current = redis;
        this.restarts++;
        this.#report(`[studio] embedded redis-server is back on ${redis.url} (pid ${redis.pid ?? '?'})`);
        this.#watch(redis, startedAt);
      }, (e: unknown) => {
        const next = this.#policy.onExit(startedAt);
        this.#report(`[studio] restarting the embedded redis-server failed (${e instanceof Error ? e.message : String(e)}); trying again in ${next.delayMs} ms`);
        childCrashLoops.set({ child: 'redis' }, next.inCrashLoop ? 1 : 0);
        this.#schedule(next.delayMs, port);
      });
    }, delayMs);
    this.#timer.unref();
  }

  /** Stop supervising and stop the server (it writes its AOF). */
  async stop(): Promise<void> {
    this.#stopping = true;
    clearTimeout(this.#timer);
    await this.#current.stop();
  }

  /** The forced exit: SIGTERM the server's process group now, without waiting. */
  killNow(): void {
    this.#stopping = true;
    clearTimeout(this.#timer);
    this.#current.killNow();
  }
}
