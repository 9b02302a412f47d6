import { afterEach, describe, expect, it } from 'vitest';
import { convertUiToApi } from '@shotfarm/workflows/import';
import { ComfyUIDouble } from '../../../../../render-worker/test/comfyui-double/index.ts';
import { graphShape, readFixtureJson } from '../../../../../workflows/test/import-fixtures.ts';
import { comfyObjectInfoSource } from './comfy-object-info.ts';

const spec = (url: string) => ({ url, name: url, gpu: undefined, fenPerHour: 0 });

describe('comfyObjectInfoSource (node definitions for workflow import)', () => {
  const doubles: ComfyUIDouble[] = [];
  afterEach(async () => {
    await Promise.all(doubles.splice(0).map((d) => d.close()));
  });

  it('joins what every answering server has, so a UI workflow converts to its API twin', async () => {
    // Neither server alone has every class the img2img workflow uses; one more server is down.
    const a = await ComfyUIDouble.start({ nodeClasses: ['CheckpointLoaderSimple', 'LoadImage', 'VAEEncode', 'CLIPTextEncode'] });
    const b = await ComfyUIDouble.start({ nodeClasses: ['KSampler', 'VAEDecode', 'SaveImage', 'CLIPTextEncode'] });
    doubles.push(a, b);
    const dead = await ComfyUIDouble.start();
    const deadUrl = dead.url;
    await dead.close();

    const info = await comfyObjectInfoSource([spec(a.url), spec(deadUrl), spec(b.url)], { requestTimeoutMs: 2000 })();
    expect(Object.keys(info ?? {}).sort()).toEqual(['CLIPTextEncode', 'CheckpointLoaderSimple', 'KSampler', 'LoadImage', 'SaveImage', 'VAEDecode', 'VAEEncode']);
    const { graph } = convertUiToApi(readFixtureJson('img2img/sd15-img2img.ui.json'), info);
    expect(graphShape(graph)).toEqual(graphShape(readFixtureJson('img2img/sd15-img2img.api.json')));
  });

  it('reads once per cache period', async () => {
    const a = await ComfyUIDouble.start({ nodeClasses: ['KSampler'] });
    const source = comfyObjectInfoSource([spec(a.url)], { cacheMs: 60_000 });
    const first = await source();
    await a.close();
    expect(await source()).toBe(first);
  });

  it('is undefined with no server configured, or none answering', async () => {
    expect(await comfyObjectInfoSource([])()).toBeUndefined();
    const dead = await ComfyUIDouble.start();
    const url = dead.url;
    await dead.close();
    expect(await comfyObjectInfoSource([spec(url)], { requestTimeoutMs: 2000 })()).toBeUndefined();
  });
});
