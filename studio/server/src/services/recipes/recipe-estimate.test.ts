import { describe, expect, it } from 'vitest';
import { shippedPriceBook } from '@shotfarm/shared/costs';
import { loadConfig } from '@shotfarm/shared/config';
import type { BackendId } from '@shotfarm/workflows';
import { estimateMilliFenPerImage, estimateMilliFenPerTask, pricingFrom } from './recipe-estimate.ts';

const config = (env: Record<string, string>) => loadConfig({ DATA_DIR: '/tmp/shotfarm-estimate-test', URL_SIGNING_SECRET: 'x'.repeat(32), SESSION_SECRET: 'y'.repeat(32), ...env });
const pricing = (env: Record<string, string>) => pricingFrom(shippedPriceBook(), config(env));
const recipe = (backend: BackendId, seconds: number, countPerTask = 1, model?: string) => ({
  backend, estimateSecondsPerTask: seconds, outputs: { kind: 'image' as const, countPerTask }, ...(model ? { manifest: { replicate: { model } } } : {}),
});

describe('estimates from the price book', () => {
  it('prices ComfyUI GPU-seconds at the median of the configured servers, fenPerHour overriding the book', () => {
    // 36 s on a ¥2.50/h GPU: 250 fen × 36 / 3600 = 2.5 fen = 2500 milli-fen. Server d has no price: the book's default (¥1.98/h).
    const p = pricing({ COMFYUI_URLS: 'http://a:8188;fenPerHour=250,http://b:8188;fenPerHour=100,http://c:8188;fenPerHour=900' });
    expect(estimateMilliFenPerImage(recipe('comfyui', 36), p)).toBe(2500);
    expect(estimateMilliFenPerImage(recipe('comfyui', 36, 2), p)).toBe(1250);
  });

  it('uses the book for a server without a price: by GPU type, else the default', () => {
    expect(estimateMilliFenPerTask(recipe('comfyui', 3600), pricing({ COMFYUI_URLS: 'http://a:8188;gpu=A100-80GB' }))).toBe(698_000);
    expect(estimateMilliFenPerTask(recipe('comfyui', 3600), pricing({ COMFYUI_URLS: 'http://a:8188' }))).toBe(198_000);
  });

  it('is an integer even when the division is not exact', () => {
    const v = estimateMilliFenPerImage(recipe('comfyui', 13), pricing({ COMFYUI_URLS: 'http://a:8188;fenPerHour=7' }));
    expect(v).toBe(25); // 13 × 7000 / 3600 = 25.28
  });

  it('prices Replicate per output where the book says so, else per hour (REPLICATE_FEN_PER_HOUR wins), and local per core-hour', () => {
    expect(estimateMilliFenPerImage(recipe('replicate', 10, 1, 'qwen/qwen-image-edit'), pricing({}))).toBe(21_300);
    expect(estimateMilliFenPerImage(recipe('replicate', 10, 1, 'cuuupid/idm-vton'), pricing({}))).toBe(6923); // L40S ¥24.921/h × 10 s
    expect(estimateMilliFenPerImage(recipe('replicate', 10, 1, 'cuuupid/idm-vton'), pricing({ REPLICATE_FEN_PER_HOUR: '3600' }))).toBe(10_000);
    expect(estimateMilliFenPerImage(recipe('local', 30), pricing({}))).toBe(100); // ¥0.12/core-hour × 30 s
  });

  it('prefers the measured running median to the recipe estimate', () => {
    expect(estimateMilliFenPerTask(recipe('local', 30), pricing({}), 60)).toBe(200);
  });
});
