import { describe, expect, it } from 'vitest';
import { ComfyUIDouble } from '../../../../../render-worker/test/comfyui-double/index.ts';
import { ComfyHealthProbe } from './comfy-health.ts';

const spec = (url: string, name: string) => ({ url, name, gpu: undefined, fenPerHour: 0 });

describe('ComfyHealthProbe', () => {
  it('reuses a reading for cacheMs, then asks the servers again', async () => {
    const comfy = await ComfyUIDouble.start();
    const probe = new ComfyHealthProbe([spec(comfy.url, 'gpu-a')], { cacheMs: 5_000, timeoutMs: 1_000 });
    const t0 = Date.now();
    const first = await probe.read(t0);
    expect(first[0]).toMatchObject({ state: 'up', queueRemaining: 0, configuredGpu: null });
    await comfy.close();
    // Within the cache window the server is not asked: the reading stands even though it is gone now.
    expect(await probe.read(t0 + 4_000)).toBe(first);
    const later = await probe.read(t0 + 5_001);
    expect(later[0]).toMatchObject({ state: 'down', device: null, queueRemaining: null });
    expect(later[0]!.error).toEqual(expect.any(String));
  });

  it('gives up on a server that does not answer within the timeout', async () => {
    // A listening socket that never answers HTTP: accepted, then silence.
    const { createServer } = await import('node:net');
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as { port: number }).port;
    try {
      const started = Date.now();
      const [health] = await new ComfyHealthProbe([spec(`http://127.0.0.1:${port}`, 'hung')], { timeoutMs: 300 }).read();
      expect(health).toMatchObject({ name: 'hung', state: 'down' });
      expect(Date.now() - started).toBeLessThan(3_000);
    } finally {
      silent.close();
    }
  });
});
