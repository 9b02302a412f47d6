import type { ComfyServerSpec } from '@shotfarm/shared/config';
import { ComfyHttpClient, type ObjectInfo } from '@shotfarm/shared/comfyui';
import { SharedReading } from './shared-reading.ts';

/** `/object_info` is slow on big installs (comfyui.md §1.10): read it once a while, not per import. */
const defaultCacheMs = 5 * 60_000;

export interface ComfyObjectInfoOptions {
  /** How long one reading is reused. @defaultValue 5 minutes */
  cacheMs?: number;
  requestTimeoutMs?: number;
}

/**
 * The node definitions of the farm's ComfyUI servers, for converting UI-format workflows on import: the union
 * over every server that answers (a graph may use a class only some servers have; import only needs to know
 * its inputs). Undefined when no server is configured or none answers: import then says how to export API format.
 */
export function comfyObjectInfoSource(servers: readonly ComfyServerSpec[], opts: ComfyObjectInfoOptions = {}): () => Promise<ObjectInfo | undefined> {
  const clients = servers.map((s) => new ComfyHttpClient({ url: s.url, ...(opts.requestTimeoutMs !== undefined && { requestTimeoutMs: opts.requestTimeoutMs }) }));
  const read = async (): Promise<ObjectInfo | undefined> => {
    const answers = await Promise.allSettled(clients.map((c) => c.objectInfo()));
    const infos = answers.flatMap((a) => (a.status === 'fulfilled' ? [a.value] : []));
    if (infos.length === 0) {
      reading.forget(); // nobody answered: ask again next time rather than remember the silence
      return undefined;
    }
    // The first server listed wins where two define a class differently.
    return Object.assign({}, ...infos.reverse()) as ObjectInfo;
  };
  // Concurrent imports share one round of requests.
  const reading = new SharedReading(read, opts.cacheMs ?? defaultCacheMs);
  return () => (clients.length === 0 ? Promise.resolve(undefined) : reading.get());
}
