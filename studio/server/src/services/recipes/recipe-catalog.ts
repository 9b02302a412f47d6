import { and, asc, eq, max } from 'drizzle-orm';
import { RecipeManifest, recipeVersionKey, type RecipeRef, type RecipeVersionDetail, type RecipeVersionSummary } from '@shotfarm/shared';
import { tables, type Db } from '@shotfarm/shared/db';
import type { Storage } from '@shotfarm/shared/storage';
import { recipeFromManifest, type Recipe } from '@shotfarm/workflows';
import { RecipeVersionDeprecatedError, RecipeVersionNotFoundError } from '../../errors.ts';
import { manifestBytes, sha256Hex } from './manifest-bytes.ts';

type VersionRow = typeof tables.recipeVersions.$inferSelect;

export interface RecipeCatalogOptions {
  /** Every recipe this release ships (TypeScript CPU recipes and the JSON GPU manifests), by id. */
  shipped: ReadonlyMap<string, Recipe>;
  log: { info: (o: object, msg: string) => void; warn: (o: object, msg: string) => void; error: (o: object, msg: string) => void };
}

const summaryOf = (r: VersionRow): RecipeVersionSummary => ({
  id: r.recipeId, version: r.version, type: r.type, backend: r.backend, title: r.title, status: r.status, source: r.source,
  manifestSha256: r.manifestSha256, publishedBy: r.publishedBy, publishedAt: r.publishedAt.toISOString(),
  deprecatedAt: r.deprecatedAt?.toISOString() ?? null,
});

const isUniqueViolation = (e: unknown): boolean => {
  for (let c: unknown = e; c; c = (c as { cause?: unknown }).cause) if ((c as { code?: string }).code === '23505') return true;
  return false;
};

/**
 * Recipes as data (issue 13). Each published `recipe@version` is a row (who, when, status) and an immutable manifest
 * in storage (`recipeVersionKey`); shipped manifests are seeded as the version they carry (1). `recipes` is the live
 * map every farm service reads (submission, routing, estimates, the list): per id the newest version that is not
 * deprecated, updated in place on publish and deprecate, and re-read on a timer so other API replicas follow.
 * A job pins the version it was compiled with; `recipeAt` finds any version, deprecated ones included, for old jobs.
 */
export class RecipeCatalog {
  /** id → the version offered for new jobs. Mutated in place: the farm's services hold this very map. */
  readonly recipes = new Map<string, Recipe>();
  readonly #db: Db;
  readonly #storage: Storage;
  readonly #opts: RecipeCatalogOptions;
  /** `id@version` → compiled recipe: versions never change, so nothing here goes stale. */
  readonly #byVersion = new Map<string, Promise<Recipe>>();
  #timer: NodeJS.Timeout | undefined;

  constructor(db: Db, storage: Storage, opts: RecipeCatalogOptions) {
    this.#db = db;
    this.#storage = storage;
    this.#opts = opts;
    // Usable before `start` (routes registered, tests that never start the farm): the shipped recipes.
    for (const [id, r] of opts.shipped) this.recipes.set(id, r);
  }

  /** Seeds the shipped manifests as their versions, then loads what is published. */
  async start(reloadIntervalMs?: number): Promise<void> {
    await this.seedShipped();
    await this.reload();
    if (reloadIntervalMs) {
      this.#timer = setInterval(() => { this.reload().catch((err: unknown) => this.#opts.log.error({ err }, 'reloading recipes failed')); }, reloadIntervalMs);
      this.#timer.unref();
    }
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  /** Every shipped manifest not yet recorded becomes its version (1), written to storage as any published one is. */
  async seedShipped(): Promise<void> {
    const rows = await this.#db.select().from(tables.recipeVersions).where(eq(tables.recipeVersions.source, 'shipped'));
    const have = new Map(rows.map((r) => [`${r.recipeId}@${r.version}`, r]));
    for (const recipe of this.#opts.shipped.values()) {
      const manifest = recipe.manifest;
      if (!manifest) continue; // TypeScript CPU recipes live in code, one version each
      const bytes = manifestBytes(manifest);
      const sha = sha256Hex(bytes);
      const row = have.get(`${manifest.id}@${manifest.version}`);
      if (row) {
        if (row.manifestSha256 !== sha) this.#opts.log.warn({ recipe: manifest.id, version: manifest.version }, 'a shipped recipe changed without a new version; the published one is kept');
        continue;
      }
      const ref = { id: manifest.id, version: manifest.version };
      await this.#storage.put(recipeVersionKey(ref), bytes, { contentType: 'application/json' });
      await this.#db.insert(tables.recipeVersions).values({
        recipeId: manifest.id, version: manifest.version, type: manifest.type, backend: manifest.backend, title: manifest.title,
        status: 'published', source: 'shipped', manifestKey: recipeVersionKey(ref), manifestSha256: sha,
      }).onConflictDoNothing();
    }
  }

  /** Re-reads the rows and rebuilds `recipes`: per id the newest published version; ids all deprecated drop out. */
  async reload(): Promise<void> {
    const rows = await this.#db.select().from(tables.recipeVersions).where(eq(tables.recipeVersions.status, 'published'))
      .orderBy(asc(tables.recipeVersions.recipeId), asc(tables.recipeVersions.version));
    const newest = new Map<string, VersionRow>();
    for (const r of rows) newest.set(r.recipeId, r);
    const recordedIds = new Set((await this.#db.select({ id: tables.recipeVersions.recipeId }).from(tables.recipeVersions)).map((r) => r.id));
    const next = new Map<string, Recipe>();
    for (const [id, r] of this.#opts.shipped) {
      // A TypeScript recipe is always offered; a recorded manifest only through its newest published version (below).
      if (!r.manifest || !recordedIds.has(id)) next.set(id, r);
    }
    for (const [id, row] of newest) {
      try {
        next.set(id, await this.recipeAt({ id, version: row.version }));
      } catch (err) {
        this.#opts.log.error({ err, recipe: id, version: row.version }, 'a published recipe could not be loaded; it is not offered');
        next.delete(id);
      }
    }
    // Swapped in one synchronous step, so no reader sees a half-built map.
    this.recipes.clear();
    for (const [id, r] of next) this.recipes.set(id, r);
  }

  /** The recipe of any recorded version (deprecated too: old jobs keep theirs). */
  recipeAt(ref: RecipeRef): Promise<Recipe> {
    const shipped = this.#opts.shipped.get(ref.id);
    if (shipped && (shipped.manifest?.version ?? 1) === ref.version) return Promise.resolve(shipped);
    const key = `${ref.id}@${ref.version}`;
    let compiled = this.#byVersion.get(key);
    if (!compiled) {
      compiled = this.manifestAt(ref).then(recipeFromManifest);
      this.#byVersion.set(key, compiled);
      compiled.catch(() => this.#byVersion.delete(key));
    }
    return compiled;
  }

  /** The stored manifest of a version; SF_RECIPE_VERSION_NOT_FOUND when none was published. */
  async manifestAt(ref: RecipeRef): Promise<RecipeManifest> {
    const row = await this.#row(ref);
    if (!row) throw new RecipeVersionNotFoundError(`${ref.id}@${ref.version}`);
    return RecipeManifest.parse(JSON.parse((await this.#storage.get(row.manifestKey)).toString('utf8')));
  }

  /** The recipe a new job may pin: a published version (SF_RECIPE_VERSION_DEPRECATED for a deprecated one). */
  async forNewJob(ref: RecipeRef): Promise<Recipe> {
    const row = await this.#row(ref);
    const shipped = this.#opts.shipped.get(ref.id);
    if (!row) {
      if (shipped && !shipped.manifest && ref.version === shipped.version) return shipped;
      throw new RecipeVersionNotFoundError(`${ref.id}@${ref.version}`);
    }
    if (row.status === 'deprecated') throw new RecipeVersionDeprecatedError(`${ref.id}@${ref.version} is deprecated: choose a newer version`);
    return this.recipeAt(ref);
  }

  async versions(id: string): Promise<RecipeVersionSummary[]> {
    const rows = await this.#db.select().from(tables.recipeVersions).where(eq(tables.recipeVersions.recipeId, id)).orderBy(asc(tables.recipeVersions.version));
    return rows.map(summaryOf);
  }

  async allVersions(): Promise<RecipeVersionSummary[]> {
    const rows = await this.#db.select().from(tables.recipeVersions).orderBy(asc(tables.recipeVersions.recipeId), asc(tables.recipeVersions.version));
    return rows.map(summaryOf);
  }

  async detail(ref: RecipeRef): Promise<RecipeVersionDetail> {
    const row = await this.#row(ref);
    if (!row) throw new RecipeVersionNotFoundError(`${ref.id}@${ref.version}`);
    return { ...summaryOf(row), manifest: await this.manifestAt(ref) };
  }

  /**
   * Publishes `manifest` as the next version of its id: written to storage first (a new key, never overwritten),
   * then its row. Two publishes racing for one number: the loser takes the next. Returns the version.
   */
  async publish(manifest: RecipeManifest, by: { userId: string | null; draftId: string | null }): Promise<RecipeRef> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const [{ n } = { n: null }] = await this.#db.select({ n: max(tables.recipeVersions.version) }).from(tables.recipeVersions)
        .where(eq(tables.recipeVersions.recipeId, manifest.id));
      const version = (n ?? 0) + 1;
      const published = RecipeManifest.parse({ ...manifest, version, status: 'published' });
      const ref = { id: published.id, version };
      const key = recipeVersionKey(ref);
      const bytes = manifestBytes(published);
      // Immutable: an object already at this key belongs to a version someone else is publishing; take the next number.
      if (await this.#storage.head(key)) {
        const existing = await this.#row(ref);
        if (existing) continue;
      }
      await this.#storage.put(key, bytes, { contentType: 'application/json' });
      try {
        await this.#db.insert(tables.recipeVersions).values({
          recipeId: ref.id, version, type: published.type, backend: published.backend, title: published.title,
          status: 'published', source: 'import', manifestKey: key, manifestSha256: sha256Hex(bytes),
          draftId: by.draftId, publishedBy: by.userId,
        });
      } catch (e) {
        if (isUniqueViolation(e)) continue;
        throw e;
      }
      await this.reload();
      return ref;
    }
    throw new Error(`publishing ${manifest.id} kept colliding with other publishes`);
  }

  /** Hides a version from new jobs; old jobs keep viewing and re-running it. Idempotent. */
  async deprecate(ref: RecipeRef, by: { userId: string | null }): Promise<RecipeVersionSummary> {
    const row = await this.#row(ref);
    if (!row) throw new RecipeVersionNotFoundError(`${ref.id}@${ref.version}`);
    if (row.status !== 'deprecated') {
      await this.#db.update(tables.recipeVersions).set({ status: 'deprecated', deprecatedAt: new Date(), deprecatedBy: by.userId })
        .where(and(eq(tables.recipeVersions.recipeId, ref.id), eq(tables.recipeVersions.version, ref.version)));
      await this.reload();
    }
    return summaryOf((await this.#row(ref))!);
  }

  async #row(ref: RecipeRef): Promise<VersionRow | undefined> {
    const [row] = await this.#db.select().from(tables.recipeVersions)
      .where(and(eq(tables.recipeVersions.recipeId, ref.id), eq(tables.recipeVersions.version, ref.version)));
    return row;
  }
}

/** The manifest as stored: pretty JSON, so an operator can read it in the bucket. */
