import { createHash } from 'node:crypto';
import { RecipeManifest, recipeTrialKey, recipeVersionKey, TaskError, type RecipeRef } from '@shotfarm/shared';
import { StorageObjectNotFoundError, type Storage } from '@shotfarm/shared/storage';

/** A recipe as a backend needs it: its id and its validated manifest (absent for the TypeScript CPU recipes). */
export interface ResolvedRecipe {
  id: string;
  /** The version it is (a shipped `Recipe` says so itself); else the manifest's. */
  version?: number;
  manifest?: RecipeManifest;
  /** What a run makes (a shipped `Recipe` carries it; a stored one has it in its manifest). */
  outputs?: { kind: 'image' | 'video'; countPerTask: number };
}

export interface RecipeResolverOptions {
  /** Recipes this release ships, by id; used when the task names the version shipped (no storage read). */
  shipped: ReadonlyMap<string, ResolvedRecipe>;
  /** Versions kept in memory; each is immutable, so a cached one never goes stale. @defaultValue 256 */
  cacheSize?: number;
}

const defaultCacheSize = 256;

/**
 * Finds the manifest of the `recipe@version` a task names, without the database (workers never open it): the shipped
 * copy when the task names the version this release ships, else the published manifest in object storage
 * (`recipeVersionKey`), parsed once and cached. So a worker that has never seen a recipe runs it, and a recipe
 * published after the worker started needs no redeploy. Concurrent tasks of one new version share one read.
 */
export class RecipeResolver {
  readonly #shipped: ReadonlyMap<string, ResolvedRecipe>;
  readonly #cacheSize: number;
  readonly #cache = new Map<string, Promise<ResolvedRecipe>>();

  constructor(opts: RecipeResolverOptions) {
    this.#shipped = opts.shipped;
    this.#cacheSize = opts.cacheSize ?? defaultCacheSize;
  }

  /** The recipe of `ref`; a non-retryable `SF_RENDER_RECIPE_UNAVAILABLE` when storage has no such version. */
  async resolve(ref: RecipeRef, storage: Storage): Promise<ResolvedRecipe> {
    if (ref.trial !== undefined) return this.#cached(`${ref.id}#${ref.trial}`, () => this.#readTrial(ref.id, ref.trial!, storage));
    const shipped = this.#shipped.get(ref.id);
    // A TypeScript recipe has no manifest and one version; a shipped manifest is seeded as exactly the version it says.
    if (shipped && (shipped.manifest === undefined || (shipped.version ?? shipped.manifest.version) === ref.version)) return shipped;
    return this.#cached(`${ref.id}@${ref.version}`, () => this.#read(ref, storage));
  }

  /** One read per key in flight or cached (most recently used kept); a failed read is forgotten. */
  #cached(cacheKey: string, read: () => Promise<ResolvedRecipe>): Promise<ResolvedRecipe> {
    const hit = this.#cache.get(cacheKey);
    if (hit) {
      // Refreshed as most recently used.
      this.#cache.delete(cacheKey);
      this.#cache.set(cacheKey, hit);
      return hit;
    }
    const reading = read();
    this.#cache.set(cacheKey, reading);
    // A failed read is not remembered: the next task asks storage again.
    reading.catch(() => this.#cache.delete(cacheKey));
    while (this.#cache.size > this.#cacheSize) this.#cache.delete(this.#cache.keys().next().value!);
    return reading;
  }

  /** How many versions are held in memory (for tests and the farm page). */
  get cached(): number {
    return this.#cache.size;
  }

  /** A draft's trial snapshot: content-addressed, so its bytes must hash to the name the task gives. */
  async #readTrial(id: string, sha256: string, storage: Storage): Promise<ResolvedRecipe> {
    const key = recipeTrialKey(id, sha256);
    let bytes: Buffer;
    try {
      bytes = await storage.get(key);
    } catch (e) {
      if (e instanceof StorageObjectNotFoundError) throw new TaskError('SF_RENDER_RECIPE_UNAVAILABLE', `the trial manifest of ${id} is not in storage (${key})`);
      throw new TaskError('SF_RENDER_RECIPE_UNAVAILABLE', `the trial manifest of ${id} could not be read: ${(e as Error).message}`, { retryable: true, cause: e });
    }
    const parsed = RecipeManifest.safeParse(JSON.parse(bytes.toString('utf8')));
    if (createHash('sha256').update(bytes).digest('hex') !== sha256 || !parsed.success || parsed.data.id !== id) {
      throw new TaskError('SF_RENDER_RECIPE_UNAVAILABLE', `the stored trial manifest at ${key} is not the draft snapshot the task names`);
    }
    return { id, version: 0, manifest: parsed.data };
  }

  async #read(ref: RecipeRef, storage: Storage): Promise<ResolvedRecipe> {
    const key = recipeVersionKey(ref);
    let bytes: Buffer;
    try {
      bytes = await storage.get(key);
    } catch (e) {
      if (e instanceof StorageObjectNotFoundError) {
        throw new TaskError('SF_RENDER_RECIPE_UNAVAILABLE', `recipe ${ref.id}@${ref.version} is not published in storage (${key})`);
      }
      // Storage trouble may pass: BullMQ retries the task.
      throw new TaskError('SF_RENDER_RECIPE_UNAVAILABLE', `recipe ${ref.id}@${ref.version} could not be read: ${(e as Error).message}`, { retryable: true, cause: e });
    }
    const parsed = RecipeManifest.safeParse(JSON.parse(bytes.toString('utf8')));
    if (!parsed.success || parsed.data.id !== ref.id || parsed.data.version !== ref.version) {
      throw new TaskError('SF_RENDER_RECIPE_UNAVAILABLE', `the stored manifest at ${key} is not a valid ${ref.id}@${ref.version}`);
    }
    return { id: ref.id, manifest: parsed.data };
  }
}
