// The render worker, for the launcher and for tests and benchmarks that run a farm in one process; `./main` is the
// worker process. Nothing else is public: what the studio shares with the backends (ComfyUI and Replicate
// protocols, the webhook check) lives in `@shotfarm/shared/comfyui` and `@shotfarm/shared/replicate`.
export { RenderWorker, type RenderWorkerOptions } from './render-worker.ts';
export { createBackends } from './backends/index.ts';
export { replicateOptionsFromConfig } from './backends/replicate/index.ts';
export type { RenderBackend, RenderContext } from './interfaces/index.ts';
/** The CPU product shot on its own, for the pipeline benchmark. */
export { renderProductShot } from './backends/local/product-shot/index.ts';
