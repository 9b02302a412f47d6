import { InferenceSession, Tensor } from 'onnxruntime-node';
import { TaskError } from '@shotfarm/shared';
import { modelVersionOf } from './logistic-ctr-model.ts';
import { type CtrOnnxContents, importCtrOnnx } from './onnx-import.ts';
import { ctrOnnxNames } from './onnx-export.ts';
import { featureValue, predictLogistic } from './predict-logistic.ts';

/**
 * A CTR model served from its ONNX file by onnxruntime-node (CPU). Holds one inference session; load a new
 * instance to switch versions and `close` the old one when its last task is done.
 *
 * `predict` answers what the API calls `ctr.predicted`: σ(bias + w·z), the CTR an image would get in a typical
 * training product. Rank candidates of one product by it; do not read it as that product's CTR.
 */
export class CtrModel {
  readonly name: string;
  readonly version: number;
  /** What score rows record, e.g. `ctr-v1`. */
  readonly modelVersion: string;
  readonly featureNames: readonly string[];
  readonly trainedAt: string;
  readonly #session: InferenceSession;
  readonly #params: CtrOnnxContents;

  private constructor(session: InferenceSession, params: CtrOnnxContents) {
    this.#session = session;
    this.#params = params;
    this.name = params.name;
    this.version = params.version;
    this.modelVersion = modelVersionOf(params);
    this.featureNames = params.featureNames;
    this.trainedAt = params.trainedAt;
  }

  /** Load a graph written by `exportCtrOnnx`; fails with SF_SCORE_FAILED on anything else. */
  static async load(onnxBytes: Uint8Array): Promise<CtrModel> {
    const params = importCtrOnnx(onnxBytes);
    try {
      // One thread: a [N, ~50] matrix product is far below the cost of waking a pool, and workers scale by process.
      const session = await InferenceSession.create(onnxBytes, { intraOpNumThreads: 1, interOpNumThreads: 1 });
      return new CtrModel(session, params);
    } catch (cause) {
      throw new TaskError('SF_SCORE_FAILED', `onnxruntime could not load ${modelVersionOf(params)}`, { cause });
    }
  }

  /** Predicted CTR per vector of raw features (by canonical name; extra names are ignored), by onnxruntime. */
  async predict(vectors: readonly Readonly<Record<string, number>>[]): Promise<number[]> {
    if (vectors.length === 0) return [];
    const f = this.featureNames.length;
    const input = new Float32Array(vectors.length * f);
    vectors.forEach((v, i) => this.featureNames.forEach((name, j) => {
      input[i * f + j] = featureValue(v, name, i);
    }));
    const out = await this.#session.run({ [ctrOnnxNames.input]: new Tensor('float32', input, [vectors.length, f]) });
    const ctr = out[ctrOnnxNames.output];
    if (!ctr) throw new TaskError('SF_SCORE_FAILED', `${this.modelVersion} returned no ${ctrOnnxNames.output} output`);
    return Array.from(ctr.data as Float32Array);
  }

  /** The same prediction by the TypeScript forward pass over the parameters read from the same file. */
  predictTs(vectors: readonly Readonly<Record<string, number>>[]): number[] {
    return predictLogistic(this.#params, vectors);
  }

  async close(): Promise<void> {
    await this.#session.release();
  }
}
