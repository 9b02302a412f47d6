// The scorer worker, for the launcher and for tests that run a farm in one process. Other entry points:
// `./main` (the worker process), `./models` (the shipped model files, read without loading ONNX Runtime),
// `./scoring` (features, gates, quality, CTR, text), `./training`, `./simulation` and `./evaluation`.
// Ranking lives in `@shotfarm/shared/ranking`: the API ranks without loading the scorer.
export { ScoreWorker, type ScoreWorkerOptions } from './score-worker.ts';
export { TrainWorker, type TrainWorkerOptions } from './training/train-worker.ts';
export { readShippedModels, shippedModelsDir, type ShippedModelFile } from './models/shipped-models.ts';
