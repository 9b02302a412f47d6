import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { composition } from './composition.ts';
import { productMask } from '@shotfarm/shared/images';
import { rectsOnWhite } from './synthetic-images.ts';
import { readWorkingCopy } from './working-copy.ts';

async function compose(image: Buffer) {
  const wc = await readWorkingCopy(image);
  const mask = productMask(wc.rgb, { alpha: wc.alpha });
  return { mask, ...composition(mask, wc.original) };
}

describe('productMask and composition', () => {
  it('give exact fill, box and centroid for a black square centred on white', async () => {
    const { mask, features, bboxPx } = await compose(await rectsOnWhite(400, 400, [{ left: 150, top: 150, width: 100, height: 100 }]));
    expect(mask.method).toBe('border-flood');
    expect(features).toMatchObject({
      productFound: 1, fillRatio: 0.0625, bboxFill: 0.25, bboxAreaRatio: 0.0625, bboxWidthPx: 100, bboxHeightPx: 100,
      centroidX: 0.5, centroidY: 0.5, centroidOffset: 0, subjectCount: 1, productTouchesEdge: 0,
    });
    expect(features.thirdsDistance).toBeCloseTo(Math.hypot(1 / 6, 1 / 6) / Math.SQRT1_2);
    expect(bboxPx).toEqual({ left: 150, top: 150, width: 100, height: 100 });
  });

  it('reports sizes in original pixels when the working copy is smaller', async () => {
    const { features, bboxPx } = await compose(await rectsOnWhite(2048, 1024, [{ left: 512, top: 256, width: 1024, height: 512 }]));
    // The working copy is 4× smaller; its resampled edge adds at most one working pixel (4 original ones) a side.
    expect(bboxPx.left).toBeGreaterThanOrEqual(508);
    expect(bboxPx.left).toBeLessThanOrEqual(512);
    expect(bboxPx.width).toBeGreaterThanOrEqual(1024);
    expect(bboxPx.width).toBeLessThanOrEqual(1032);
    expect(features.bboxHeightPx).toBeGreaterThanOrEqual(512);
    expect(features.bboxHeightPx).toBeLessThanOrEqual(520);
    expect(features.fillRatio).toBeCloseTo(0.25, 1);
    expect(features.centroidX).toBeCloseTo(0.5, 3);
  });

  it('counts two separate shapes as two subjects and ignores specks', async () => {
    const { features } = await compose(await rectsOnWhite(400, 300, [
      { left: 40, top: 100, width: 120, height: 100 }, { left: 240, top: 100, width: 120, height: 100 },
      { left: 10, top: 10, width: 2, height: 2 }, // dust
    ]));
    expect(features.subjectCount).toBe(2);
    expect(features.centroidX).toBeCloseTo(0.5, 2);
  });

  it('flags a product cut by the frame and measures its offset', async () => {
    const { features } = await compose(await rectsOnWhite(400, 400, [{ left: 300, top: 150, width: 100, height: 100 }]));
    expect(features.productTouchesEdge).toBe(1);
    expect(features.centroidX).toBeCloseTo(0.875);
    expect(features.centroidOffset).toBeCloseTo(0.375 / Math.SQRT1_2);
  });

  it('uses the alpha channel of a cut-out', async () => {
    const cutout = await sharp({ create: { width: 200, height: 200, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } })
      .composite([{ input: { create: { width: 50, height: 80, channels: 4, background: { r: 255, g: 255, b: 255, alpha: 1 } } }, left: 20, top: 60 }])
      .png().toBuffer();
    const { mask, features } = await compose(cutout);
    expect(mask.method).toBe('alpha'); // a white product on transparency: colour alone could not find it
    expect(features).toMatchObject({ fillRatio: 0.1, bboxWidthPx: 50, bboxHeightPx: 80 });
  });

  it('finds no product on a blank frame, and treats a busy frame as one whole subject', async () => {
    expect((await compose(await rectsOnWhite(100, 100, []))).features).toMatchObject({ productFound: 0, fillRatio: 0, subjectCount: 0 });
    // Four colour bands: no colour describes the border, so no background can be told from a product.
    const bands = await rectsOnWhite(200, 100, ['#d02020', '#20a040', '#2040d0', '#e0c020'].map((hex, i) => ({
      left: i * 50, top: 0, width: 50, height: 100, hex,
    })));
    const busy = await compose(bands);
    expect(busy.mask.method).toBe('whole-frame');
    expect(busy.features).toMatchObject({ productFound: 0, fillRatio: 1, productTouchesEdge: 1, subjectCount: 1 });
  });
});
