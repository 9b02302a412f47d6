import { TaskError } from '@shotfarm/shared';
import type { ComfyServerSpec } from '@shotfarm/shared/config';
import type { ComfyClientOptions } from './comfy-client.ts';
import { ComfyFailure } from '@shotfarm/shared/comfyui';
import { ComfyPoolServer, type ComfyRequirements } from './comfy-pool-server.ts';

export interface ComfyServerPoolOptions {
  servers: readonly ComfyServerSpec[];
  /** Prompts in flight per server; ComfyUI runs one at a time, so more only queues there. @defaultValue 1 */
  slotsPerServer?: number;
  /** How often every server is probed. @defaultValue 10_000 */
  healthIntervalMs?: number;
  /** A task that failed on this many different servers fails for good. @defaultValue 3 */
  maxServersPerTask?: number;
  /** A server that failed one recipe this often in a row is blocklisted for it. @defaultValue 3 */
  blocklistAfterFailures?: number;
  /** How long a blocklisting lasts (`COMFYUI_BLOCKLIST_S`); then the server gets the recipe again. @defaultValue 1_800_000 */
  blocklistMs?: number;
  /** Milliseconds of a monotonic clock, which blocklistings are timed by; tests move it. @defaultValue performance.now */
  now?: () => number;
  /** How long a task waits for a capable server to be free or to come back. @defaultValue 60_000 */
  waitForServerMs?: number;
  /** Passed to each server's client. */
  client?: Omit<ComfyClientOptions, 'url'>;
  /**
   * Told, synchronously, whenever a server's blocklisting for a recipe changes: when it is blocklisted, when a
   * task already running there fails it once more, and when it is lifted (time up, or a task already running
   * there succeeded). So the farm can show what only this process knows.
   */
  onBlocklistChange?: (change: ComfyBlocklistChange) => void;
}

/** A server's standing for one recipe, as `onBlocklistChange` reports it. */
export interface ComfyBlocklistChange {
  /** The server's name in `COMFYUI_URLS`. */
  server: string;
  url: string;
  recipeId: string;
  /** Failures of the recipe on the server in a row; 0 once lifted (the server starts clean). */
  failures: number;
  /** False: lifted, the server gets the recipe again. */
  blocklisted: boolean;
}

/** One task's request to the pool. */
export interface ComfyPoolJob<T> {
  recipeId: string;
  requirements: ComfyRequirements;
  /** Only this server (by its `COMFYUI_URLS` name): a designer's trial run on the server they chose. */
  onlyServer?: string;
  signal: AbortSignal;
  /** Run the task on `server`; throw a `ComfyFailure` to let the pool decide what happens next. */
  attempt(server: ComfyPoolServer): Promise<T>;
}

export interface ComfyPoolResult<T> {
  value: T;
  server: ComfyPoolServer;
  /** Servers tried, this one included. */
  attempts: number;
}

const defaultSlotsPerServer = 1;
const defaultHealthIntervalMs = 10_000;
const defaultMaxServersPerTask = 3;
const defaultBlocklistAfterFailures = 3;
const defaultBlocklistMs = 30 * 60_000;
const defaultWaitForServerMs = 60_000;

/**
 * The ComfyUI servers of this worker and the rules for using them: a task goes only to a healthy
 * server that has all its node classes and models, not blocklisted for its recipe, with a free slot.
 * A server that vanishes leaves rotation until a health check passes again; failures that another
 * server may not repeat (lost, stalled, OOM, node errors) move the task on, validation errors end it.
 *
 * Blocklisting, per (server, recipe): those failures count in a row, and a success of the recipe there
 * resets the count to 0 (rejected prompts and cancellations neither count nor reset). At
 * `blocklistAfterFailures` in a row the server gets no more tasks of the recipe for `blocklistMs`; then it
 * gets them again with its count at 0, so a flaky crash now and then never locks a recipe out for the
 * life of the worker, while a server that keeps failing it is retried only once per period. A task that
 * was already running there and succeeds lifts the blocklisting early: the server has just shown it can.
 * Lapsed blocklistings are lifted on every health round and before every pick, so `onBlocklistChange`
 * hears of a release within one health interval.
 */
export class ComfyServerPool {
  readonly #servers: ComfyPoolServer[];
  readonly #healthIntervalMs: number;
  readonly #maxServersPerTask: number;
  readonly #blocklistAfter: number;
  readonly #blocklistMs: number;
  readonly #now: () => number;
  readonly #waitForServerMs: number;
  readonly #onBlocklistChange: ((change: ComfyBlocklistChange) => void) | undefined;
  readonly #waiters = new Set<() => void>();
  #timer: NodeJS.Timeout | undefined;
  #checking: Promise<void> | undefined;

  constructor(opts: ComfyServerPoolOptions) {
    const slots = opts.slotsPerServer ?? defaultSlotsPerServer;
    this.#servers = opts.servers.map((s) => new ComfyPoolServer(s, slots, opts.client));
    this.#healthIntervalMs = opts.healthIntervalMs ?? defaultHealthIntervalMs;
    this.#maxServersPerTask = opts.maxServersPerTask ?? defaultMaxServersPerTask;
    this.#blocklistAfter = opts.blocklistAfterFailures ?? defaultBlocklistAfterFailures;
    this.#blocklistMs = opts.blocklistMs ?? defaultBlocklistMs;
    this.#now = opts.now ?? (() => performance.now());
    this.#waitForServerMs = opts.waitForServerMs ?? defaultWaitForServerMs;
    this.#onBlocklistChange = opts.onBlocklistChange;
  }

  get servers(): readonly ComfyPoolServer[] {
    return this.#servers;
  }

  /** Open the websockets, probe every server once, then keep probing. */
  async start(): Promise<void> {
    for (const s of this.#servers) s.client.connect();
    await this.checkHealth();
    this.#timer = setInterval(() => void this.checkHealth(), this.#healthIntervalMs);
    this.#timer.unref();
  }

  /** Probe every server now (the timer calls this) and lift lapsed blocklistings; overlapping calls share one round. */
  checkHealth(): Promise<void> {
    this.#liftLapsed();
    this.#checking ??= Promise.all(this.#servers.map((s) => s.check())).then(() => {
      this.#checking = undefined;
      this.#wake();
    });
    return this.#checking;
  }

  async close(): Promise<void> {
    clearInterval(this.#timer);
    for (const s of this.#servers) s.client.close();
    this.#wake();
  }

  /** Run one task, moving it between servers as the failure rules say. Throws `TaskError` only. */
  async run<T>(job: ComfyPoolJob<T>): Promise<ComfyPoolResult<T>> {
    const tried = new Set<ComfyPoolServer>();
    const failures: string[] = [];
    let preferMoreVram = false;
    for (;;) {
      const server = await this.#acquire(job, tried, preferMoreVram, failures);
      tried.add(server);
      try {
        const value = await job.attempt(server);
        this.#recordSuccess(server, job.recipeId);
        return { value, server, attempts: tried.size };
      } catch (e) {
        if (!(e instanceof ComfyFailure)) throw e;
        if (e.kind === 'canceled' || job.signal.aborted) throw new TaskError('SF_RENDER_CANCELED', 'canceled while rendering', { cause: e });
        if (e.kind === 'rejected') throw new TaskError('SF_RENDER_COMFY_PROMPT_INVALID', `${server.name}: ${e.message}`, { cause: e });
        // §5: a lost or hung server stops getting work until a health check passes again.
        if (e.kind === 'lost' || e.kind === 'stalled') server.healthy = false;
        if (e.kind === 'oom') { preferMoreVram = true; server.vramFreeBytes = 0; }
        this.#recordFailure(server, job.recipeId);
        failures.push(`${server.name}: ${e.message}`);
        if (tried.size >= this.#maxServersPerTask) {
          throw new TaskError('SF_RENDER_COMFY_EXHAUSTED', `failed on ${tried.size} servers: ${failures.join(' | ')}`, { cause: e });
        }
      } finally {
        server.busy--;
        this.#wake();
      }
    }
  }

  #recordFailure(server: ComfyPoolServer, recipeId: string): void {
    const failures = server.recordFailure(recipeId);
    if (failures < this.#blocklistAfter) return;
    // A failure of a task that was already running there tells the board the count, but does not extend the period.
    server.blocklist(recipeId, this.#now());
    this.#tell({ server: server.name, url: server.spec.url, recipeId, failures, blocklisted: true });
  }

  #recordSuccess(server: ComfyPoolServer, recipeId: string): void {
    const wasBlocklisted = server.blocklistedAt(recipeId) !== undefined;
    server.clear(recipeId);
    if (wasBlocklisted) this.#lifted(server, recipeId);
  }

  /** Give every server back the recipes whose blocklisting has run its time. */
  #liftLapsed(): void {
    const now = this.#now();
    for (const server of this.#servers) {
      for (const [recipeId, at] of server.blocklistings()) {
        if (now - at < this.#blocklistMs) continue;
        server.clear(recipeId);
        this.#lifted(server, recipeId);
      }
    }
  }

  #lifted(server: ComfyPoolServer, recipeId: string): void {
    this.#tell({ server: server.name, url: server.spec.url, recipeId, failures: 0, blocklisted: false });
    this.#wake();
  }

  #tell(change: ComfyBlocklistChange): void {
    try {
      this.#onBlocklistChange?.(change);
    } catch {
      // Only an observer: its failure must never change how this task fails over.
    }
  }

  /** Wait for the best eligible server and take one of its slots. */
  async #acquire<T>(job: ComfyPoolJob<T>, tried: ReadonlySet<ComfyPoolServer>, preferMoreVram: boolean, failures: readonly string[]): Promise<ComfyPoolServer> {
    const deadline = performance.now() + this.#waitForServerMs;
    for (;;) {
      if (job.signal.aborted) throw new TaskError('SF_RENDER_CANCELED', 'canceled while waiting for a ComfyUI server');
      this.#liftLapsed();
      const capable = this.#servers.filter((s) => !tried.has(s)
        && (job.onlyServer === undefined || s.name === job.onlyServer)
        && s.blocklistedAt(job.recipeId) === undefined
        && (s.missing(job.requirements)?.length ?? 0) === 0);
      if (capable.length === 0) throw this.#noServer(job, tried, failures);
      const free = capable.filter((s) => s.healthy && s.busy < s.slots);
      if (free.length > 0) {
        const best = free.reduce((a, b) => (better(b, a, preferMoreVram) ? b : a));
        best.busy++;
        return best;
      }
      const left = deadline - performance.now();
      if (left <= 0) throw this.#noServer(job, tried, failures, 'none of them was free and healthy in time');
      await this.#waitForChange(left, job.signal);
    }
  }

  #waitForChange(timeoutMs: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => { clearTimeout(timer); this.#waiters.delete(done); signal.removeEventListener('abort', done); resolve(); };
      const timer = setTimeout(done, timeoutMs);
      this.#waiters.add(done);
      signal.addEventListener('abort', done, { once: true });
    });
  }

  #wake(): void {
    for (const w of [...this.#waiters]) w();
  }

  /** Retryable: a later attempt may find a server back, installed or un-busy. The message says why each one was out. */
  #noServer<T>(job: ComfyPoolJob<T>, tried: ReadonlySet<ComfyPoolServer>, failures: readonly string[], extra?: string): TaskError {
    const why = this.#servers.map((s) => {
      if (job.onlyServer !== undefined && s.name !== job.onlyServer) return `${s.name}: not the chosen server`;
      if (tried.has(s)) return `${s.name}: already tried`;
      const at = s.blocklistedAt(job.recipeId);
      if (at !== undefined) return `${s.name}: blocklisted for ${job.recipeId} (${Math.ceil((at + this.#blocklistMs - this.#now()) / 1000)} s left)`;
      const missing = s.missing(job.requirements);
      if (missing === undefined) return `${s.name}: never answered`;
      if (missing.length > 0) return `${s.name}: lacks ${missing.join(', ')}`;
      return `${s.name}: ${s.healthy ? 'busy' : 'down'}`;
    });
    const text = [`no ComfyUI server can run ${job.recipeId}`, extra, why.join('; '), ...failures].filter(Boolean).join(' — ');
    return new TaskError('SF_RENDER_COMFY_NO_SERVER', text, { retryable: true });
  }
}

/** Least busy first (spreads load); after an OOM, most free VRAM first. */
function better(a: ComfyPoolServer, b: ComfyPoolServer, preferMoreVram: boolean): boolean {
  if (preferMoreVram && a.vramFreeBytes !== b.vramFreeBytes) return a.vramFreeBytes > b.vramFreeBytes;
  return a.busy / a.slots < b.busy / b.slots;
}
