import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { extractFeatures } from './extract-features.ts';
import { FeatureExtractionError } from './feature-extraction-error.ts';
import { featureNames } from './feature-names.ts';
import { flatImage, rectsOnWhite, syntheticProduct } from './synthetic-images.ts';

function expectAllFinite(vector: Record<string, number>): void {
  for (const name of featureNames) expect(Number.isFinite(vector[name]), name).toBe(true);
  expect(Object.keys(vector).sort()).toEqual([...featureNames].sort());
}

describe('extractFeatures', () => {
  it('fills every canonical feature with a finite number, sizes in original pixels', async () => {
    const image = await sharp(await syntheticProduct('bottle', 1600)).resize(1600, 1200, { fit: 'fill' }).jpeg().toBuffer();
    const { vector, phash, mask } = await extractFeatures(image);
    expectAllFinite(vector);
    expect(vector).toMatchObject({ widthPx: 1600, heightPx: 1200, megapixels: 1.92, bytes: image.length });
    expect(vector.aspectRatio).toBeCloseTo(4 / 3);
    expect(vector.bboxWidthPx).toBeGreaterThan(500);
    expect(vector.bboxWidthPx).toBe(mask.bboxPx.width);
    expect(mask).toMatchObject({ widthPx: 512, heightPx: 384 });
    expect(phash).toMatch(/^[0-9a-f]{16}$/);
  });

  it('defaults text to 0 and fidelity to 1, and takes them when given', async () => {
    const image = await syntheticProduct('mug', 500);
    const plain = await extractFeatures(image);
    expect(plain.vector).toMatchObject({ textAreaRatio: 0, textBoxCount: 0, fidelitySsim: 1, fidelityPhashSimilarity: 1 });
    const withText = await extractFeatures(image, { textAreaRatio: 0.04, textBoxCount: 3, source: image });
    expect(withText.vector).toMatchObject({ textAreaRatio: 0.04, textBoxCount: 3, fidelitySsim: 1, fidelityPhashSimilarity: 1 });
  });

  it('reads a flat image as sharpness 0, no noise, no edges, no product', async () => {
    const { vector } = await extractFeatures(await flatImage(300, 200, '#808080'));
    expectAllFinite(vector);
    expect(vector).toMatchObject({
      sharpness: 0, sharpnessProduct: 0, edgeDensity: 0, noiseSigma: 0, jpegBlockiness: 1, productEdgeSharpness: 0,
      colourfulness: 0, productFound: 0, fillRatio: 0, subjectCount: 0, contrastRms: 0,
    });
  });

  it('reads a white-background shot: pure white border, one product, white background not clipped highlights', async () => {
    const { vector } = await extractFeatures(await rectsOnWhite(500, 500, [{ left: 150, top: 100, width: 200, height: 300, hex: '#3050a0' }]));
    expect(vector).toMatchObject({ borderPureWhiteRatio: 1, borderWhiteRatio: 1, productFound: 1, subjectCount: 1, clippedHighlights: 0 });
    expect(vector.fillRatio).toBeCloseTo(0.24);
    expect(vector.backgroundLuminance).toBeCloseTo(255);
  });

  it('gives defined features or a coded error for hostile inputs, never a crash', async () => {
    const base = sharp({ create: { width: 64, height: 48, channels: 3, background: '#c04020' } });
    const red = await flatImage(32, 32, '#ff0000');
    const green = await flatImage(32, 32, '#00ff00');
    const defined = [
      await flatImage(1, 1, '#ffffff'),
      await flatImage(20_000, 20, '#334455'),
      await flatImage(20, 20_000, '#334455'),
      await base.clone().toColourspace('cmyk').jpeg().toBuffer(),
      await base.clone().toColourspace('rgb16').png().toBuffer(),
      await sharp([red, green], { join: { animated: true } }).gif().toBuffer(),
      await sharp([red, green], { join: { animated: true } }).webp().toBuffer(),
    ];
    for (const image of defined) expectAllFinite((await extractFeatures(image)).vector);
    const jpeg = await base.clone().jpeg().toBuffer();
    for (const broken of [Buffer.from('GIF89a but not really'), jpeg.subarray(0, 100), Buffer.alloc(0)]) {
      await expect(extractFeatures(broken)).rejects.toBeInstanceOf(FeatureExtractionError);
    }
  });
});
