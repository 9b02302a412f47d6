import type { RenderBackend } from '../interfaces/index.ts';
import { LocalBackend } from './local/local-backend.ts';

/** Backend id → factory: a registry, not a switch, so the farm page can list what is configured. */
const backendFactories: ReadonlyMap<string, () => RenderBackend> = new Map([
  ['local', () => new LocalBackend()],
]);

export const knownBackendIds = (): string[] => [...backendFactories.keys()];

/** Build the backends a worker offers (RENDER_BACKENDS); an unknown id stops the worker at start-up. */
export function createBackends(ids: readonly string[]): ReadonlyMap<string, RenderBackend> {
  const backends = new Map<string, RenderBackend>();
  for (const id of ids) {
    const factory = backendFactories.get(id);
    if (!factory) throw new Error(`unknown render backend "${id}" (known: ${knownBackendIds().join(', ')})`);
    backends.set(id, factory());
  }
  return backends;
}

export { LocalBackend } from './local/local-backend.ts';
