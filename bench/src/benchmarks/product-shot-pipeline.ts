import sharp from 'sharp';
import { renderProductShot } from '@shotfarm/render-worker';
import { ProductShotStudioParams } from '@shotfarm/workflows';
import { interleave, timeBatch, type Benchmark, type BenchmarkResult } from '../measure.ts';
import { makeProductPhoto } from '../product-photo.ts';

/** Options of {@link runProductShotPipeline}. */
export interface ProductShotPipelineOptions {
  /** Images in each timed batch, pipeline and bare sharp alike. @defaultValue 10 */
  imagesPerRound?: number;
  /** Paired rounds. @defaultValue 7 */
  rounds?: number;
  /** Untimed images of each before the rounds. @defaultValue 2 */
  warmUpImages?: number;
  /** Side of the product photo. @defaultValue 1200 */
  photoSidePx?: number;
}

const defaultImagesPerRound = 10;
const defaultRounds = 7;
const defaultWarmUpImages = 2;
const defaultPhotoSidePx = 1200;

/** The taobao-800 canvas and its encoding (quality 90, no mozjpeg), so both sides write the same JPEG. */
const canvasSidePx = 800;
const jpegQuality = 90;
const backdropColour = '#f4efe6';

/**
 * Images per second of the local product-shot pipeline (cut-out, scene, shadow, harmony, fit, encode) against
 * the least any product shot costs: resize the photo into the canvas, lay it on a solid colour, encode.
 * One image at a time, the same photo every time; the ratio is what the cut-out and the styling cost.
 */
export async function runProductShotPipeline(opts: ProductShotPipelineOptions = {}): Promise<BenchmarkResult> {
  const imagesPerRound = opts.imagesPerRound ?? defaultImagesPerRound;
  const photo = await makeProductPhoto(opts.photoSidePx ?? defaultPhotoSidePx);
  const params = ProductShotStudioParams.parse({ preset: 'taobao-800' });

  // The segmentation's share of the pipeline's time: from the start of a render to the end of its cut-out stage.
  let segmentationMs = 0;
  let pipelineMs = 0;
  const pipeline = async (images: number) => {
    for (let i = 0; i < images; i++) {
      const started = performance.now();
      await renderProductShot({
        product: photo, params, variantIndex: 0, seed: 1,
        onProgress: (_fraction, stage) => { if (stage === 'cutout') segmentationMs += performance.now() - started; },
      });
      pipelineMs += performance.now() - started;
    }
  };
  const bare = async (images: number) => {
    for (let i = 0; i < images; i++) await bareComposite(photo);
  };
  const warmUpImages = opts.warmUpImages ?? defaultWarmUpImages;
  const comparison = await interleave({
    rounds: opts.rounds ?? defaultRounds,
    warmUp: async () => { await bare(warmUpImages); await pipeline(warmUpImages); },
    baseline: () => timeBatch(imagesPerRound, () => bare(imagesPerRound)),
    subject: () => timeBatch(imagesPerRound, () => pipeline(imagesPerRound)),
  });
  console.log(`product-shot-pipeline: segmentation (cut-out stage) ${((100 * segmentationMs) / pipelineMs).toFixed(0)}% of the pipeline's time`);
  return {
    name: productShotPipeline.name, comparison, itemNoun: 'images', itemsPerRound: imagesPerRound,
    baselineLabel: 'bare sharp resize+composite',
  };
}

export const productShotPipeline: Benchmark = { name: 'product-shot-pipeline', run: () => runProductShotPipeline() };

/** Fit the photo inside the canvas, centre it on a solid backdrop, JPEG out. Pixels stay raw in between. */
async function bareComposite(photo: Buffer): Promise<Buffer> {
  const { data, info } = await sharp(photo)
    .resize(canvasSidePx, canvasSidePx, { fit: 'inside' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  return sharp({ create: { width: canvasSidePx, height: canvasSidePx, channels: 3, background: backdropColour } })
    .composite([{ input: data, raw: { width: info.width, height: info.height, channels: info.channels }, gravity: 'centre' }])
    .jpeg({ quality: jpegQuality })
    .toBuffer();
}
