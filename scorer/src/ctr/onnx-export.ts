import pkg from 'onnx-proto';
import type { LogisticCtrModel } from './logistic-ctr-model.ts';

// onnx-proto is CommonJS: its namespace comes off the default export (../shared/ENVIRONMENT.md).
const { onnx } = pkg;

/** ONNX 1.10's IR, the newest onnx-proto 8 describes; onnxruntime-node 1.30 reads it. */
const irVersion = 8;
/** Every operator in the graph exists unchanged since opset 13; a low opset keeps older runtimes able to load it. */
const opsetVersion = 13;
export const ctrOnnxProducer = 'shotfarm-scorer';

/** Names inside the graph: the reader (onnx-import.ts) finds the parameters by them. */
export const ctrOnnxNames = {
  input: 'features',
  output: 'ctr',
  mean: 'mean',
  std: 'std',
  weights: 'weights',
  bias: 'bias',
} as const;

/**
 * Write a logistic CTR model as an ONNX graph, with our own code and no Python in the loop:
 *
 *   features [N, F] (raw, float32) → Sub(mean) → Div(std) → MatMul(weights [F, 1]) → Add(bias) → Sigmoid → ctr [N, 1]
 *
 * Raw features go in because standardising is part of the model: a scorer that forgot it, or used another
 * version's mean, would score nonsense without noticing. The feature order, name, version and cut-off travel in
 * the file's metadata, so the file alone is enough to serve it. The output is σ(bias + w·z): relative
 * attractiveness on the CTR scale, with the training products' mean offset as intercept (see
 * `LogisticCtrModel.bias`). Deterministic: the same model gives the same bytes.
 */
export function exportCtrOnnx(model: LogisticCtrModel): Uint8Array {
  const f = model.featureNames.length;
  const n = ctrOnnxNames;
  const tensor = (name: string, dims: number[], values: readonly number[]) =>
    onnx.TensorProto.create({ name, dataType: onnx.TensorProto.DataType.FLOAT, dims, floatData: [...values] });
  const floatMatrix = (name: string, second: number) => onnx.ValueInfoProto.create({
    name,
    type: onnx.TypeProto.create({
      tensorType: onnx.TypeProto.Tensor.create({
        elemType: onnx.TensorProto.DataType.FLOAT,
        shape: onnx.TensorShapeProto.create({ dim: [{ dimParam: 'N' }, { dimValue: second }] }),
      }),
    }),
  });
  const node = (opType: string, input: string[], output: string) => onnx.NodeProto.create({ name: `${output}_${opType}`, opType, input, output: [output] });

  const graph = onnx.GraphProto.create({
    name: `${model.name}-v${model.version}`,
    docString: 'Logistic CTR model: standardise raw features, linear score, sigmoid. Output = relative CTR (see metadata ctr_meaning).',
    input: [floatMatrix(n.input, f)],
    output: [floatMatrix(n.output, 1)],
    initializer: [
      tensor(n.mean, [f], model.mean),
      tensor(n.std, [f], model.std),
      tensor(n.weights, [f, 1], model.weights),
      tensor(n.bias, [1], [model.bias]),
    ],
    node: [
      node('Sub', [n.input, n.mean], 'centred'),
      node('Div', ['centred', n.std], 'standardised'),
      node('MatMul', ['standardised', n.weights], 'image_logit'),
      node('Add', ['image_logit', n.bias], 'logit'),
      node('Sigmoid', ['logit'], n.output),
    ],
  });
  const metadata: Record<string, string> = {
    name: model.name,
    version: String(model.version),
    kind: model.kind,
    feature_names: JSON.stringify(model.featureNames),
    trained_at: model.trainedAt,
    ctr_meaning: 'sigmoid(mean training-product offset + w·z): relative attractiveness on the CTR scale; compare between candidates of one product',
  };
  const proto = onnx.ModelProto.create({
    irVersion,
    opsetImport: [{ domain: '', version: opsetVersion }],
    producerName: ctrOnnxProducer,
    producerVersion: String(model.version),
    domain: 'com.shotfarm',
    modelVersion: model.version,
    docString: `${model.name}-v${model.version}, trained on: ${model.training.data}`,
    graph,
    metadataProps: Object.entries(metadata).map(([key, value]) => ({ key, value })),
  });
  return onnx.ModelProto.encode(proto).finish();
}
