import type { RenderBackend } from '../interfaces/index.ts';
import { LocalBackend } from './local/local-backend.ts';
import { ComfyUIBackend, type ComfyUIBackendOptions } from './comfyui/index.ts';
import { ReplicateBackend, type ReplicateBackendOptions } from './replicate/index.ts';

/** Per-backend settings, plain objects from config (e.g. `config.comfyui`); a backend reads only its own. */
export interface BackendOptions {
  comfyui?: ComfyUIBackendOptions;
  replicate?: ReplicateBackendOptions;
}

function createComfyUIBackend(opts: BackendOptions): RenderBackend {
  if (!opts.comfyui || opts.comfyui.servers.length === 0) throw new Error('render backend "comfyui" needs COMFYUI_URLS (at least one server)');
  return new ComfyUIBackend(opts.comfyui);
}

function createReplicateBackend(opts: BackendOptions): RenderBackend {
  if (!opts.replicate?.token) throw new Error('render backend "replicate" needs REPLICATE_API_TOKEN');
  return new ReplicateBackend(opts.replicate);
}

/** Backend id → factory: a registry, not a switch, so the farm page can list what is configured. */
const backendFactories: ReadonlyMap<string, (opts: BackendOptions) => RenderBackend> = new Map<string, (opts: BackendOptions) => RenderBackend>([
  ['local', () => new LocalBackend()],
  ['comfyui', createComfyUIBackend],
  ['replicate', createReplicateBackend],
]);

export const knownBackendIds = (): string[] => [...backendFactories.keys()];

/** Build the backends a worker offers (RENDER_BACKENDS); an unknown id stops the worker at start-up. */
export function createBackends(ids: readonly string[], opts: BackendOptions = {}): ReadonlyMap<string, RenderBackend> {
  const backends = new Map<string, RenderBackend>();
  for (const id of ids) {
    const factory = backendFactories.get(id);
    if (!factory) throw new Error(`unknown render backend "${id}" (known: ${knownBackendIds().join(', ')})`);
    backends.set(id, factory(opts));
  }
  return backends;
}

export { LocalBackend } from './local/local-backend.ts';
export { ComfyUIBackend, type ComfyUIBackendOptions } from './comfyui/index.ts';
export { ReplicateBackend, type ReplicateBackendOptions } from './replicate/index.ts';
