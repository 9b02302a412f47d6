// `@shotfarm/scorer/models`: the model files this release ships, for the manager's model registry. Reads files
// only: importing it does not load ONNX Runtime or any scoring code.
export { readShippedModels, shippedModelsDir, type ShippedModelFile } from './shipped-models.ts';
