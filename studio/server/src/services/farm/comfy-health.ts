import { ComfyHttpClient, readComfyServerHealth, type ComfyServerReading } from '@shotfarm/shared/comfyui';
import type { ComfyServerSpec } from '@shotfarm/shared/config';
import { SharedReading } from './shared-reading.ts';

/** A server that takes longer is shown as down: the farm page must not hang on one dead GPU box. */
const defaultTimeoutMs = 2_000;
/** Several open farm pages polling share one reading. */
const defaultCacheMs = 5_000;

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
    const clients = servers.map((spec) => ({ spec, client: new ComfyHttpClient({ url: spec.url, requestTimeoutMs }) }));
    this.#reading = new SharedReading(() => Promise.all(clients.map((s) => readComfyServerHealth(s.spec, s.client))), opts.cacheMs ?? defaultCacheMs);
  }

  /** Every server's health, at most `cacheMs` old; concurrent callers share one round of requests. */
  read(now: number = Date.now()): Promise<ComfyServerReading[]> {
    return this.#reading.get(now);
  }
}
