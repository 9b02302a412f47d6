import type { ComfyServerSpec } from '@shotfarm/shared/config';
import { ComfyClient, type ComfyClientOptions } from './comfy-client.ts';

/** What a recipe needs from a server: every node class of its graph and every model file it loads. */
export interface ComfyRequirements {
  nodeClasses: readonly string[];
  models: readonly { folder: string; file: string }[];
}

/** One recipe's record on one server: the current streak of failures and since when it is blocklisted. */
interface RecipeStanding {
  failures: number;
  /** On the pool's clock; undefined while the recipe may run here. */
  blocklistedAt: number | undefined;
}

/** Capabilities are re-read this often even while a server stays healthy (models get installed). */
const capabilitiesMaxAgeMs = 5 * 60_000;

/**
 * One server as the pool sees it: health, capabilities, busy slots, per-recipe failure streaks and blocklistings.
 * The pool owns the rules; this only keeps the facts.
 */
export class ComfyPoolServer {
  readonly spec: ComfyServerSpec;
  readonly client: ComfyClient;
  readonly slots: number;
  /** In rotation: the last health check passed and nothing since showed it gone. */
  healthy = false;
  busy = 0;
  vramFreeBytes = 0;
  #nodeClasses: Set<string> | undefined;
  #models = new Map<string, Set<string>>();
  #capabilitiesAt = 0;
  readonly #recipes = new Map<string, RecipeStanding>();

  constructor(spec: ComfyServerSpec, slots: number, clientOpts: Omit<ComfyClientOptions, 'url'> = {}) {
    this.spec = spec;
    this.slots = slots;
    this.client = new ComfyClient({ ...clientOpts, url: spec.url });
  }

  get name(): string {
    return this.spec.name;
  }

  /** `/system_stats` (the cheap probe, §1.9), then capabilities when they are stale or the server was out. */
  async check(): Promise<void> {
    try {
      const stats = await this.client.systemStats();
      this.vramFreeBytes = stats.devices.reduce((max, d) => Math.max(max, d.vram_free), 0);
      if (!this.healthy || performance.now() - this.#capabilitiesAt > capabilitiesMaxAgeMs || !this.#nodeClasses) {
        await this.#readCapabilities();
      }
      this.healthy = true;
    } catch {
      this.healthy = false;
    }
  }

  async #readCapabilities(): Promise<void> {
    const nodeClasses = await this.client.nodeClasses();
    const models = new Map<string, Set<string>>();
    for (const folder of await this.client.modelFolders()) models.set(folder, new Set(await this.client.modelFiles(folder)));
    this.#nodeClasses = nodeClasses;
    this.#models = models;
    this.#capabilitiesAt = performance.now();
  }

  /** What it lacks of `req`, or `undefined` before its capabilities were ever read. */
  missing(req: ComfyRequirements): string[] | undefined {
    if (!this.#nodeClasses) return undefined;
    const classes = req.nodeClasses.filter((c) => !this.#nodeClasses!.has(c)).map((c) => `node class ${c}`);
    const models = req.models.filter((m) => !this.#models.get(m.folder)?.has(m.file)).map((m) => `model ${m.folder}/${m.file}`);
    return [...classes, ...models];
  }

  /** Failures of `recipeId` here since its last success or release. */
  failuresOf(recipeId: string): number {
    return this.#recipes.get(recipeId)?.failures ?? 0;
  }

  /** When `recipeId` was blocklisted here (pool clock), or undefined while it is not. */
  blocklistedAt(recipeId: string): number | undefined {
    return this.#recipes.get(recipeId)?.blocklistedAt;
  }

  /** Every recipe blocklisted here, with when it was. */
  blocklistings(): [recipeId: string, at: number][] {
    return [...this.#recipes].flatMap(([id, r]) => (r.blocklistedAt === undefined ? [] : [[id, r.blocklistedAt] as [string, number]]));
  }

  /** Counts one more failure of `recipeId` here and returns the new count. */
  recordFailure(recipeId: string): number {
    const standing = this.#recipes.get(recipeId) ?? { failures: 0, blocklistedAt: undefined };
    standing.failures++;
    this.#recipes.set(recipeId, standing);
    return standing.failures;
  }

  /** Marks `recipeId` blocklisted here from `at` on, unless it already is (its start stays). */
  blocklist(recipeId: string, at: number): void {
    const standing = this.#recipes.get(recipeId) ?? { failures: 0, blocklistedAt: undefined };
    standing.blocklistedAt ??= at;
    this.#recipes.set(recipeId, standing);
  }

  /** Forgets the failures and any blocklisting of `recipeId` here: it starts clean. */
  clear(recipeId: string): void {
    this.#recipes.delete(recipeId);
  }
}
