import { describe, expect, it } from 'vitest';
import { shippedPriceBook } from '@shotfarm/shared/costs';
import { loadConfig } from '@shotfarm/shared/config';
import { overridesFrom, pricingFrom } from '../recipes/recipe-estimate.ts';
import { chargeAttempt, type FinishedAttempt } from './attempt-charge.ts';

const book = shippedPriceBook();
const config = (env: Record<string, string> = {}) => loadConfig({ DATA_DIR: '/tmp/shotfarm-charge-test', URL_SIGNING_SECRET: 'x'.repeat(32), SESSION_SECRET: 'y'.repeat(32), ...env });
const charge = (a: Partial<FinishedAttempt>, env: Record<string, string> = {}) => {
  const c = config(env);
  return chargeAttempt({ outcome: 'succeeded', backend: 'comfyui', recipe: undefined, usage: null, renderMs: null, startedAt: null, finishedAt: null, images: 1, ...a },
    book, pricingFrom(book, c), overridesFrom(c));
};
const t0 = new Date('2026-03-01T10:00:00Z');
const after = (ms: number) => new Date(t0.getTime() + ms);

describe('pricing one attempt', () => {
  it('charges ComfyUI execution seconds at the server price: its fenPerHour, else its GPU in the book', () => {
    expect(charge({ usage: { provider: 'comfyui', gpuSeconds: 36, server: 'gpu-a', fenPerHour: 250 } })).toMatchObject({ kind: 'gpu-seconds', quantityMilli: 36_000, amountMilliFen: 2500, server: 'gpu-a' });
    expect(charge({ usage: { provider: 'comfyui', gpuSeconds: 3600, server: 'gpu-b', gpu: 'A100-80GB' } })).toMatchObject({ amountMilliFen: 698_000, gpu: 'A100-80GB' });
  });

  it('charges Replicate per output for models the book prices that way, else predict_time at the hardware price', () => {
    const qwen = { backend: 'replicate' as const, estimateSecondsPerTask: 10, outputs: { kind: 'image' as const, countPerTask: 1 }, manifest: { replicate: { model: 'qwen/qwen-image-edit' } } };
    expect(charge({ backend: 'replicate', recipe: qwen, usage: { provider: 'replicate', gpuSeconds: 7.5 }, images: 2 })).toMatchObject({ kind: 'api-call', quantityMilli: 2000, amountMilliFen: 42_600 });
    const vton = { ...qwen, manifest: { replicate: { model: 'cuuupid/idm-vton' } } };
    expect(charge({ backend: 'replicate', recipe: vton, usage: { provider: 'replicate', gpuSeconds: 10 } })).toMatchObject({ kind: 'gpu-seconds', amountMilliFen: 6923 });
    // A failed per-output prediction delivered nothing and is billed nothing.
    expect(charge({ outcome: 'failed', backend: 'replicate', recipe: qwen, startedAt: t0, finishedAt: after(30_000), images: 0 })).toMatchObject({ quantityMilli: 30_000, amountMilliFen: 0 });
  });

  it('charges local renders their render time × cores, and a failed GPU run its wall time at the backend rate', () => {
    expect(charge({ backend: 'local', renderMs: 30_000 })).toMatchObject({ kind: 'cpu-seconds', quantityMilli: 30_000, amountMilliFen: 100 });
    expect(charge({ outcome: 'failed', backend: 'comfyui', startedAt: t0, finishedAt: after(60_000), images: 0 }, { COMFYUI_URLS: 'http://a:8188;fenPerHour=360' }))
      .toMatchObject({ kind: 'gpu-seconds', quantityMilli: 60_000, amountMilliFen: 6000 });
    expect(charge({ outcome: 'canceled', backend: 'local', startedAt: null, finishedAt: t0, images: 0 })).toMatchObject({ quantityMilli: 0, amountMilliFen: 0 });
  });
});
