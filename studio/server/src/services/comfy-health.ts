import { ComfyClient } from '@shotfarm/render-worker';
import type { ComfyServerHealth } from '@shotfarm/shared';
import type { ComfyServerSpec } from '@shotfarm/shared/config';
import { SharedReading } from './shared-reading.ts';

/** A server that takes longer is shown as down: the farm page must not hang on one dead GPU box. */
const defaultTimeoutMs = 2_000;
/** Several open farm pages polling share one reading. */
const defaultCacheMs = 5_000;

/** What a probe of the server itself tells; the blocklist comes from the render workers, through Redis. */
export type ComfyServerReading = Omit<ComfyServerHealth, 'blocklistedFor'>;

export interface ComfyHealthOptions {
  timeoutMs?: number;
  cacheMs?: number;
}

/**
 * The health of the configured ComfyUI servers for the farm page, read from each server's `/system_stats`
 * and `/queue`. It only looks: the render workers keep their own health checks and blocklist (see `comfy-blocklist.ts`).
 */
export class ComfyHealthProbe {
  readonly #reading: SharedReading<ComfyServerReading[]>;

  constructor(servers: readonly ComfyServerSpec[], opts: ComfyHealthOptions = {}) {
    const requestTimeoutMs = opts.timeoutMs ?? defaultTimeoutMs;
    const clients = servers.map((spec) => ({ spec, client: new ComfyClient({ url: spec.url, requestTimeoutMs }) }));
    this.#reading = new SharedReading(() => Promise.all(clients.map((s) => probe(s.spec, s.client))), opts.cacheMs ?? defaultCacheMs);
  }

  /** Every server's health, at most `cacheMs` old; concurrent callers share one round of requests. */
  read(now: number = Date.now()): Promise<ComfyServerReading[]> {
    return this.#reading.get(now);
  }
}

async function probe(spec: ComfyServerSpec, client: ComfyClient): Promise<ComfyServerReading> {
  const base = { name: spec.name, url: spec.url, configuredGpu: spec.gpu ?? null };
  try {
    const [stats, queue] = await Promise.all([client.systemStats(), client.queue()]);
    const d = stats.devices[0];
    return {
      ...base, state: 'up', error: null, checkedAt: new Date().toISOString(),
      device: d ? { name: d.name, vramTotalBytes: d.vram_total, vramFreeBytes: d.vram_free } : null,
      queueRemaining: queue.queue_running.length + queue.queue_pending.length,
    };
  } catch (e) {
    return { ...base, state: 'down', device: null, queueRemaining: null, error: (e as Error).message, checkedAt: new Date().toISOString() };
  }
}
