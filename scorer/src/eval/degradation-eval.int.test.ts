import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syntheticProduct, syntheticProductKinds } from '../features/synthetic-images.ts';
import { evaluateDegradations, listImages, requiredDegradationAccuracy, type DegradationAccuracy } from './degradation-eval.ts';
import { degradationNames, type DegradationName } from './degradations.ts';

function expectAccuracy(result: Record<DegradationName, DegradationAccuracy>, atLeast: number): void {
  for (const name of degradationNames) {
    const r = result[name];
    expect(r.accuracy, `${name}: ${r.wins}/${r.pairs}; lost on ${r.losses.map((p) => path.basename(p)).join(', ')}`)
      .toBeGreaterThanOrEqual(atLeast);
  }
}

describe('quality score against synthetic degradations', () => {
  it('ranks every fixture photo above its blurred, over-exposed, JPEG-10, noisy and cropped copies', async () => {
    const images = await listImages();
    expect(images.length).toBeGreaterThanOrEqual(20);
    expectAccuracy(await evaluateDegradations(images), requiredDegradationAccuracy);
  }, 600_000);

  describe('on product shots drawn here, which no threshold could have been tuned to', () => {
    let dir = '';
    beforeAll(async () => {
      dir = await mkdtemp(path.join(os.tmpdir(), 'shotfarm-degradations-'));
      for (const kind of syntheticProductKinds) {
        for (const sidePx of [700, 1500]) await writeFile(path.join(dir, `${kind}-${sidePx}.jpg`), await syntheticProduct(kind, sidePx));
      }
    });
    afterAll(async () => {
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    it('ranks them above their degradations too', async () => {
      const result = await evaluateDegradations(await listImages(dir));
      // Twelve images: one loss per degradation would already be 92 %, so this asks for one loss at most.
      expectAccuracy(result, 11 / 12);
    }, 300_000);
  });
});
