import { TaskError } from '@shotfarm/shared';
import pkg from 'onnx-proto';
import type { LogisticParams } from './logistic-ctr-model.ts';
import { ctrOnnxNames } from './onnx-export.ts';

const { onnx } = pkg;

/** A logistic CTR graph read back from its ONNX bytes: parameters as the runtime sees them (float32). */
export interface CtrOnnxContents extends LogisticParams {
  name: string;
  version: number;
  trainedAt: string;
}

/** The operators {@link exportCtrOnnx} writes, in order; anything else is not a graph we know how to mirror. */
const expectedOps = ['Sub', 'Div', 'MatMul', 'Add', 'Sigmoid'];

/**
 * Read the parameters and metadata out of a CTR graph written by `exportCtrOnnx`, so the TypeScript forward pass
 * can check the runtime on the very file being served. Fails with SF_SCORE_FAILED on any other graph.
 */
export function importCtrOnnx(bytes: Uint8Array): CtrOnnxContents {
  const fail = (why: string, cause?: unknown): never => {
    throw new TaskError('SF_SCORE_FAILED', `not a Shotfarm logistic CTR graph: ${why}`, { cause });
  };
  let model: ReturnType<typeof onnx.ModelProto.decode>;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (cause) {
    return fail('the bytes are not an ONNX model', cause);
  }
  const graph = model.graph ?? fail('no graph');
  const ops = (graph.node ?? []).map((nd) => nd.opType);
  if (ops.join(',') !== expectedOps.join(',')) fail(`operators ${ops.join(',')}`);
  const meta = new Map((model.metadataProps ?? []).map((p) => [p.key ?? '', p.value ?? '']));
  let featureNames: unknown;
  try {
    featureNames = JSON.parse(meta.get('feature_names') ?? 'null');
  } catch (cause) {
    fail('feature_names metadata is not JSON', cause);
  }
  if (!Array.isArray(featureNames) || !featureNames.every((x) => typeof x === 'string')) return fail('no feature_names metadata');
  const f = featureNames.length;
  const values = (name: string, size: number): number[] => {
    const t = (graph.initializer ?? []).find((i) => i.name === name) ?? fail(`no initializer ${name}`);
    if (t.dataType !== onnx.TensorProto.DataType.FLOAT) fail(`${name} is not float32`);
    const raw = t.rawData ?? new Uint8Array(0);
    // Our exporter writes float_data; raw_data (little-endian float32) is what other writers use for the same tensor.
    const v = t.floatData && t.floatData.length > 0 ? [...t.floatData] : [...new Float32Array(Uint8Array.from(raw).buffer)];
    if (v.length !== size) fail(`${name} has ${v.length} values, expected ${size}`);
    return v;
  };
  const version = Number(meta.get('version'));
  if (!Number.isInteger(version) || version <= 0) fail('no version metadata');
  return {
    name: meta.get('name') ?? fail('no name metadata'),
    version,
    trainedAt: meta.get('trained_at') ?? '',
    featureNames: featureNames as string[],
    mean: values(ctrOnnxNames.mean, f),
    std: values(ctrOnnxNames.std, f),
    weights: values(ctrOnnxNames.weights, f),
    bias: values(ctrOnnxNames.bias, 1)[0]!,
  };
}
