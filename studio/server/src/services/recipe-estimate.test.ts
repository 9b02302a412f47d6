import { describe, expect, it } from 'vitest';
import { loadConfig } from '@shotfarm/shared/config';
import type { BackendId } from '@shotfarm/workflows';
import { estimateMilliFenPerImage } from './recipe-estimate.ts';

const config = (env: Record<string, string>) => loadConfig({ DATA_DIR: '/tmp/shotfarm-estimate-test', URL_SIGNING_SECRET: 'x'.repeat(32), ...env });
const recipe = (backend: BackendId, seconds: number, countPerTask = 1) => ({ backend, estimateSecondsPerTask: seconds, outputs: { kind: 'image' as const, countPerTask } });

describe('estimateMilliFenPerImage', () => {
  it('prices ComfyUI GPU-seconds at the median hourly price of the priced servers', () => {
    // 36 s on a ¥2.50/h GPU: 250 fen × 36 / 3600 = 2.5 fen = 2500 milli-fen.
    const c = config({ COMFYUI_URLS: 'http://a:8188;fenPerHour=250,http://b:8188;fenPerHour=100,http://c:8188;fenPerHour=900,http://d:8188' });
    expect(estimateMilliFenPerImage(recipe('comfyui', 36), c)).toBe(2500);
    // Two images per run share the run's cost.
    expect(estimateMilliFenPerImage(recipe('comfyui', 36, 2), c)).toBe(1250);
  });

  it('is an integer even when the division is not exact', () => {
    const c = config({ COMFYUI_URLS: 'http://a:8188;fenPerHour=7' });
    const v = estimateMilliFenPerImage(recipe('comfyui', 13), c);
    expect(Number.isInteger(v)).toBe(true);
    expect(v).toBe(Math.round((13 * 7 * 1000) / 3600));
  });

  it('says null, not zero, when no price is configured', () => {
    expect(estimateMilliFenPerImage(recipe('comfyui', 36), config({ COMFYUI_URLS: 'http://a:8188' }))).toBeNull();
    expect(estimateMilliFenPerImage(recipe('replicate', 10), config({}))).toBeNull();
  });

  it('prices Replicate at REPLICATE_FEN_PER_HOUR and the local CPU at nothing', () => {
    expect(estimateMilliFenPerImage(recipe('replicate', 10), config({ REPLICATE_FEN_PER_HOUR: '3600' }))).toBe(10_000);
    expect(estimateMilliFenPerImage(recipe('local', 10), config({}))).toBe(0);
  });
});
