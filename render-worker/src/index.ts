export { RenderWorker, type RenderWorkerOptions } from './render-worker.ts';
export { createBackends, knownBackendIds, LocalBackend, ComfyUIBackend, ReplicateBackend } from './backends/index.ts';
export { ComfyClient } from './backends/comfyui/index.ts';
export type { RenderBackend, RenderContext } from './interfaces/index.ts';
export { storeImageOutput } from './outputs/store-output.ts';
export { renderProductShot } from './backends/local/product-shot/index.ts';
