import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { multipartFile, plainProductPhoto, startFarm, type Farm } from '../../test/harness.ts';

describe('what the studio\'s second pass asks of the API', () => {
  let farm: Farm;
  beforeAll(async () => { farm = await startFarm(); });
  afterAll(() => farm?.close());

  const pathOf = (url: string): string => { const u = new URL(url); return u.pathname + u.search; };

  it('lists each recipe with its parameter words in both languages, and why a GPU recipe cannot run here', async () => {
    const items = (await farm.inject({ method: 'GET', url: '/api/recipes' })).json().items as {
      id: string; backend: string; available: boolean; unavailableReasons: string[]; paramText: Record<string, { label: Record<string, string>; options?: Record<string, Record<string, string>> }>;
    }[];
    const slideshow = items.find((r) => r.id === 'short-video/slideshow-local')!;
    expect(slideshow).toMatchObject({ available: true, unavailableReasons: [] });
    expect(slideshow.paramText.fps).toMatchObject({ label: { 'zh-CN': '帧率', en: 'Frame rate' }, options: { 25: { en: '25 fps' } } });
    const comfy = items.find((r) => r.backend === 'comfyui')!;
    // The embedded default runs the local backend only, with no ComfyUI server configured.
    expect(comfy).toMatchObject({ available: false, unavailableReasons: ['backend-not-enabled', 'no-comfyui-servers'] });
    expect(items.find((r) => r.backend === 'replicate')!.unavailableReasons).toEqual(['backend-not-enabled', 'no-replicate-token']);
    const vton = items.find((r) => r.id === 'model-swap/replicate-idm-vton')!;
    expect(vton.paramText.category!.options!.upper_body).toEqual({ 'zh-CN': '上装', en: 'Upper body' });
  });

  it('hands out one signed URL for a file across calls (the browser cache keeps it), serves byte ranges and a download name', async () => {
    const upload = (await farm.inject({ method: 'POST', url: '/api/assets', ...multipartFile(await readFile(plainProductPhoto()), 'vase.jpg', 'image/jpeg') })).json();
    const again = (await farm.inject({ method: 'GET', url: `/api/assets/${upload.id}` })).json();
    expect(again.url).toBe(upload.url);
    expect(again.thumbnailUrl).toBe(upload.thumbnailUrl);

    const whole = await farm.app.inject({ method: 'GET', url: pathOf(upload.url) });
    expect(whole.headers['accept-ranges']).toBe('bytes');
    const size = whole.rawPayload.length;
    const part = await farm.app.inject({ method: 'GET', url: pathOf(upload.url), headers: { range: 'bytes=10-19' } });
    expect(part.statusCode).toBe(206);
    expect(part.headers['content-range']).toBe(`bytes 10-19/${size}`);
    expect(part.rawPayload).toEqual(whole.rawPayload.subarray(10, 20));
    const tail = await farm.app.inject({ method: 'GET', url: pathOf(upload.url), headers: { range: 'bytes=-5' } });
    expect(tail.rawPayload).toEqual(whole.rawPayload.subarray(size - 5));
    expect((await farm.app.inject({ method: 'GET', url: pathOf(upload.url), headers: { range: `bytes=${size}-` } })).statusCode).toBe(416);

    const named = await farm.app.inject({ method: 'GET', url: `${pathOf(upload.url)}&download=${encodeURIComponent('春季-studio-local-1.jpg')}` });
    expect(named.statusCode).toBe(200);
    expect(named.headers['content-disposition']).toBe(`attachment; filename="__-studio-local-1.jpg"; filename*=UTF-8''${encodeURIComponent('春季')}-studio-local-1.jpg`);
    // The name cannot break out of the header or name a path.
    const hostile = await farm.app.inject({ method: 'GET', url: `${pathOf(upload.url)}&download=${encodeURIComponent('../a"b\r\nx.jpg')}` });
    expect(hostile.headers['content-disposition']).toBe('attachment; filename=".._a_b__x.jpg"; filename*=UTF-8\'\'.._a_b__x.jpg');
  });
});
