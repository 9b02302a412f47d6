import sharp from 'sharp';
import type { Redis } from 'ioredis';
import type { ImageScore } from '@shotfarm/shared';
import type { Storage } from '@shotfarm/shared/storage';
import { CtrModel } from './ctr/ctr-model.ts';
import { extractFeatures } from './features/extract-features.ts';
import { FeatureExtractionError } from './features/feature-extraction-error.ts';
import { minFidelityPhashSimilarity, minFidelitySsim } from './features/fidelity.ts';
import { evaluateAllGates, type ImageFormat } from './gates/index.ts';
import { ActiveModel } from './models/active-model.ts';
import { qualityScore } from './quality/quality-score.ts';
import { TextDetector } from './text/index.ts';

/**
 * Scores one image end to end: text detection → features (with text and, for generated images, product
 * fidelity) → marketplace gates → quality (the transparent composite, or the learned head when one is active) →
 * predicted CTR from the active ONNX model.
 */
export class ImageScorer {
  private constructor(
    private readonly text: TextDetector, private readonly ctr: ActiveModel<CtrModel>, private readonly shadowCtr: ActiveModel<CtrModel>,
    private readonly qualityHead: ActiveModel<CtrModel>,
  ) {}

  static async create(opts: { redis: Redis; prefix: string; storage: Storage }): Promise<ImageScorer> {
    const text = await TextDetector.create();
    const ctr = new ActiveModel<CtrModel>({
      name: 'ctr', redis: opts.redis, prefix: opts.prefix, storage: opts.storage,
      // No dispose on switch: a task running beside the switch may still hold the old session, and a
      // logistic model's session is a few kilobytes.
      load: (onnx) => CtrModel.load(onnx),
    });
    // A candidate in shadow scores the same images beside the active model; its prediction is stored, never served.
    const shadowCtr = new ActiveModel<CtrModel>({ name: 'ctr', shadow: true, redis: opts.redis, prefix: opts.prefix, storage: opts.storage, load: (onnx) => CtrModel.load(onnx) });
    // A learned quality head (issue 17), published only once one beat the composite on designers' labels (or an admin
    // overrode): the same logistic ONNX and the same pointer path as the CTR model. Until then the composite is the score.
    const qualityHead = new ActiveModel<CtrModel>({ name: 'quality', redis: opts.redis, prefix: opts.prefix, storage: opts.storage, load: (onnx) => CtrModel.load(onnx) });
    return new ImageScorer(text, ctr, shadowCtr, qualityHead);
  }

  async score(image: Buffer, opts: { source?: Buffer } = {}): Promise<ImageScore> {
    const format = await imageFormat(image);
    // Text detection runs on onnxruntime's thread while the features take the JS thread and sharp's pool: the two
    // overlap, and the text's two numbers join the vector afterwards (nothing else in it depends on them).
    const [text, extracted] = await Promise.all([this.text.detect(image), extractFeatures(image, { source: opts.source })]);
    const { phash } = extracted;
    const vector = { ...extracted.vector, textAreaRatio: text.textAreaRatio, textBoxCount: text.boxes.length };
    const gate = evaluateAllGates({ format, bytes: image.length, features: vector, text });
    const { model, version } = await this.ctr.current();
    const [predicted] = await model.predict([vector]);
    const shadow = await this.shadowCtr.published();
    const shadowPredicted = shadow && shadow.version !== version ? (await shadow.model.predict([vector]))[0] : undefined;
    const composite = qualityScore(vector);
    const head = await this.qualityHead.published();
    const learned = head ? (await head.model.predict([vector]))[0] : undefined;
    const quality = head && learned !== undefined && Number.isFinite(learned)
      ? { score: learned, parts: composite.parts, modelVersion: head.version, composite: composite.score }
      : composite;
    return {
      gate, features: { ...vector }, phash, text, quality,
      ctr: { predicted: predicted!, modelVersion: version, ...(shadow && shadowPredicted !== undefined ? { shadow: { predicted: shadowPredicted, modelVersion: shadow.version } } : {}) },
      ...(opts.source ? { fidelity: {
        ssim: vector.fidelitySsim, phashSimilarity: vector.fidelityPhashSimilarity,
        flagged: vector.fidelitySsim < minFidelitySsim || vector.fidelityPhashSimilarity < minFidelityPhashSimilarity,
      } } : {}),
    };
  }

  async close(): Promise<void> {
    await this.text.close();
  }
}

async function imageFormat(image: Buffer): Promise<ImageFormat> {
  try {
    const { format } = await sharp(image).metadata();
    return format as ImageFormat;
  } catch (cause) {
    throw new FeatureExtractionError('SF_SCORE_IMAGE_UNREADABLE', `cannot read the image header: ${cause instanceof Error ? cause.message : String(cause)}`);
  }
}
