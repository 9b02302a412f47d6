import type { Redis } from 'ioredis';

/** What the API cannot work without. */
export type Dependency = 'redis' | 'database' | 'storage';
export const dependencies: readonly Dependency[] = ['redis', 'database', 'storage'];

export interface DependencyState {
  ok: boolean;
  /** Why it is down (the probe's error), when it is. */
  error?: string;
  /** When it last changed, ms since the epoch. */
  since: number;
}

export interface DependencyMonitorOptions {
  /** One probe per dependency: resolves when it answers. */
  probes: Record<Dependency, () => Promise<unknown>>;
  /** The API's Redis client: its connection state says "down" the moment the socket drops, before any probe. */
  redis?: Redis;
  /** Longest one probe may take. */
  timeoutMs: number;
  /** How often every dependency is probed in the background. @defaultValue 2000 */
  intervalMs?: number;
  onChange?: (name: Dependency, state: DependencyState) => void;
}

/** `p`, or a rejection after `ms` milliseconds: no caller waits longer than that on a dependency. */
export function withTimeout<T>(p: Promise<T>, ms: number, what = 'the call'): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
    timer.unref();
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Which dependencies answer right now. Requests consult it before they start (a request that needs a dependency known
 * to be down fails at once with 503 instead of hanging on it) and `/readyz` reports it. Redis is watched through the
 * client's connection events as well as probed, because ioredis queues commands while it reconnects: a probe alone
 * would hang until its timeout on every request.
 */
export class DependencyMonitor {
  readonly #state = new Map<Dependency, DependencyState>();
  #timer: NodeJS.Timeout | undefined;
  readonly #detach: (() => void)[] = [];

  constructor(private readonly opts: DependencyMonitorOptions) {
    for (const d of dependencies) this.#state.set(d, { ok: true, since: Date.now() });
    const redis = opts.redis;
    if (redis) {
      const down = (why: string) => () => this.#set('redis', { ok: false, error: why });
      const up = () => this.#set('redis', { ok: true });
      const handlers: [string, () => void][] = [
        ['close', down('connection closed')], ['reconnecting', down('reconnecting')], ['end', down('connection ended')], ['ready', up],
      ];
      for (const [event, fn] of handlers) redis.on(event, fn);
      this.#detach.push(() => { for (const [event, fn] of handlers) redis.off(event, fn); });
    }
  }

  start(): void {
    const interval = this.opts.intervalMs ?? 2000;
    this.#timer = setInterval(() => { void this.probeAll(); }, interval);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
    for (const d of this.#detach.splice(0)) d();
  }

  /** The last known state of each. */
  snapshot(): Record<Dependency, DependencyState> {
    return Object.fromEntries(dependencies.map((d) => [d, { ...this.#state.get(d)! }])) as Record<Dependency, DependencyState>;
  }

  /** Those of `needed` known to be down now, with why. */
  down(needed: readonly Dependency[]): { name: Dependency; error: string }[] {
    return needed.flatMap((name) => {
      const s = this.#state.get(name)!;
      if (s.ok && !(name === 'redis' && this.opts.redis && this.opts.redis.status !== 'ready')) return [];
      return [{ name, error: s.error ?? `connection ${this.opts.redis?.status ?? 'down'}` }];
    });
  }

  /** Probe one now (bounded by the timeout) and record the outcome. */
  async probe(name: Dependency): Promise<DependencyState> {
    try {
      await withTimeout(this.opts.probes[name](), this.opts.timeoutMs, name);
      if (name === 'redis' && this.opts.redis && this.opts.redis.status !== 'ready') throw new Error(`connection ${this.opts.redis.status}`);
      this.#set(name, { ok: true });
    } catch (e) {
      this.#set(name, { ok: false, error: e instanceof Error ? e.message : String(e) });
    }
    return { ...this.#state.get(name)! };
  }

  async probeAll(): Promise<Record<Dependency, DependencyState>> {
    await Promise.all(dependencies.map((d) => this.probe(d)));
    return this.snapshot();
  }

  #set(name: Dependency, next: { ok: boolean; error?: string }): void {
    const prev = this.#state.get(name)!;
    if (prev.ok === next.ok && prev.error === next.error) return;
    const state: DependencyState = { ...next, since: prev.ok === next.ok ? prev.since : Date.now() };
    this.#state.set(name, state);
    if (prev.ok !== next.ok) this.opts.onChange?.(name, state);
  }
}
