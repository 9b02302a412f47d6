import type { ComfyServerSpec } from '../config/comfyui-servers.ts';
import type { ComfyServerHealth } from '../schemas/farm-status.ts';
import type { ComfyHttpClient } from './comfy-http-client.ts';

/** What a probe of the server itself tells; the blocklist comes from the render workers, through Redis. */
export type ComfyServerReading = Omit<ComfyServerHealth, 'blocklistedFor'>;

/**
 * One server's health from its `/system_stats` and `/queue` (protocol §1.9, §1.3): `up` with its first device and
 * queue length, or `down` with the reason. Never throws: a dead server is a reading, not an error.
 */
export async function readComfyServerHealth(spec: ComfyServerSpec, client: ComfyHttpClient): Promise<ComfyServerReading> {
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
