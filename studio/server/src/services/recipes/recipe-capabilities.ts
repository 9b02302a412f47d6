import type { RecipeCapability, RecipeManifest } from '@shotfarm/shared';
import type { ComfyServerSpec } from '@shotfarm/shared/config';
import { ComfyHttpClient } from '@shotfarm/shared/comfyui';
import { SharedReading } from '../farm/shared-reading.ts';

/** What one server has: its node classes and model files by ComfyUI folder; undefined when it did not answer. */
interface ServerInventory {
  name: string;
  have: { nodeClasses: Set<string>; models: Map<string, Set<string>> } | undefined;
}

/** Inventories are read this often at most: `/object_info` is slow on big installs. */
const inventoryCacheMs = 30_000;

/**
 * Which configured ComfyUI servers can run a recipe, and what each lacks (node classes, model files), for the Recipes
 * page. The same test the render pool applies before it sends a prompt (`ComfyPoolServer.missing`), read from the
 * studio so a designer sees it before submitting.
 */
export class RecipeCapabilities {
  readonly #reading: SharedReading<ServerInventory[]>;

  constructor(servers: readonly ComfyServerSpec[], opts: { requestTimeoutMs?: number } = {}) {
    const clients = servers.map((s) => ({ name: s.name, client: new ComfyHttpClient({ url: s.url, requestTimeoutMs: opts.requestTimeoutMs ?? 5_000 }) }));
    this.#reading = new SharedReading(() => Promise.all(clients.map(async ({ name, client }): Promise<ServerInventory> => {
      try {
        const nodeClasses = await client.nodeClasses();
        const models = new Map<string, Set<string>>();
        for (const folder of await client.modelFolders()) models.set(folder, new Set(await client.modelFiles(folder)));
        return { name, have: { nodeClasses, models } };
      } catch {
        return { name, have: undefined };
      }
    })), inventoryCacheMs);
  }

  /** Per server: can it run `manifest`, and if not, which classes and model files are missing there. Empty for non-ComfyUI recipes. */
  async of(manifest: RecipeManifest | undefined): Promise<RecipeCapability[]> {
    if (!manifest || manifest.backend !== 'comfyui') return [];
    return (await this.#reading.get()).map(({ name, have }) => {
      if (!have) return { server: name, canRun: null, missingNodeClasses: [], missingModels: [] };
      const missingNodeClasses = manifest.requirements.nodeClasses.filter((c) => !have.nodeClasses.has(c));
      const missingModels = manifest.requirements.models
        .filter((m) => m.folder && m.file && !have.models.get(m.folder)?.has(m.file)).map((m) => `${m.folder}/${m.file}`);
      return { server: name, canRun: missingNodeClasses.length === 0 && missingModels.length === 0, missingNodeClasses, missingModels };
    });
  }
}
