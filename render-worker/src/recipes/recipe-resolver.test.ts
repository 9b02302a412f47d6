import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { recipeTrialKey, recipeVersionKey, TaskError } from '@shotfarm/shared';
import { FolderStorage, UrlSigner, type Storage } from '@shotfarm/shared/storage';
import { testRecipe } from '../../test/comfyui-double/test-recipe.ts';
import { RecipeResolver } from './recipe-resolver.ts';

/** A storage that counts reads, so the cache can be seen to work. */
function counting(storage: Storage): Storage & { gets: number } {
  const wrapped: Storage & { gets: number } = {
    kind: storage.kind, gets: 0,
    get: async (key) => { wrapped.gets++; return storage.get(key); },
    put: (key, body, opts) => storage.put(key, body, opts), head: (key) => storage.head(key), delete: (key) => storage.delete(key),
    list: (prefix) => storage.list(prefix), signedUrl: (key, opts) => storage.signedUrl(key, opts), ping: () => storage.ping(), close: () => storage.close(),
  };
  return wrapped;
}

describe('RecipeResolver: a task\'s recipe@version without the database', () => {
  let root: string;
  let storage: Storage & { gets: number };
  beforeEach(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'sf-resolver-'));
    storage = counting(new FolderStorage({ root, publicBaseUrl: 'http://127.0.0.1', signer: new UrlSigner('s'.repeat(32)), defaultTtlS: 60 }));
  });
  afterEach(async () => { await rm(root, { recursive: true, force: true }); });

  const shipped = testRecipe({ id: 'model-swap/double-test' });
  const publish = async (version: number, steps: number) => {
    const manifest = { ...shipped.manifest, version, inputs: shipped.manifest.inputs.map((i) => (i.name === 'steps' ? { ...i, default: steps } : i)) };
    await storage.put(recipeVersionKey({ id: manifest.id, version }), Buffer.from(JSON.stringify(manifest)), { contentType: 'application/json' });
  };

  it('uses the shipped copy for the version this release ships, without reading storage', async () => {
    const resolver = new RecipeResolver({ shipped: new Map([[shipped.id, shipped]]) });
    expect(await resolver.resolve({ id: shipped.id, version: 1 }, storage)).toBe(shipped);
    expect(storage.gets).toBe(0);
  });

  it('reads a version it has never seen from storage once, then from memory', async () => {
    await publish(2, 9);
    const resolver = new RecipeResolver({ shipped: new Map([[shipped.id, shipped]]) });
    const [a, b] = await Promise.all([resolver.resolve({ id: shipped.id, version: 2 }, storage), resolver.resolve({ id: shipped.id, version: 2 }, storage)]);
    expect(a.manifest!.version).toBe(2);
    expect(a.manifest!.inputs.find((i) => i.name === 'steps')).toMatchObject({ default: 9 });
    expect(b).toBe(a);
    await resolver.resolve({ id: shipped.id, version: 2 }, storage);
    expect(storage.gets).toBe(1);
  });

  it('runs a recipe no release shipped at all', async () => {
    const other = testRecipe({ id: 'product-shot/published-later' });
    await storage.put(recipeVersionKey({ id: other.id, version: 1 }), Buffer.from(JSON.stringify(other.manifest)), { contentType: 'application/json' });
    const resolver = new RecipeResolver({ shipped: new Map() });
    expect((await resolver.resolve({ id: other.id, version: 1 }, storage)).manifest).toEqual(other.manifest);
  });

  it('refuses a version storage does not hold, and one whose stored manifest names another version, without caching the failure', async () => {
    const resolver = new RecipeResolver({ shipped: new Map([[shipped.id, shipped]]) });
    const missing = resolver.resolve({ id: shipped.id, version: 3 }, storage);
    await expect(missing).rejects.toBeInstanceOf(TaskError);
    await expect(missing).rejects.toMatchObject({ code: 'SF_RENDER_RECIPE_UNAVAILABLE', retryable: false });
    await storage.put(recipeVersionKey({ id: shipped.id, version: 4 }), Buffer.from(JSON.stringify(shipped.manifest)), { contentType: 'application/json' });
    await expect(resolver.resolve({ id: shipped.id, version: 4 }, storage)).rejects.toMatchObject({ code: 'SF_RENDER_RECIPE_UNAVAILABLE' });
    await publish(3, 7);
    expect((await resolver.resolve({ id: shipped.id, version: 3 }, storage)).manifest!.version).toBe(3);
    expect(resolver.cached).toBe(1);
  });

  it('keeps at most cacheSize versions in memory', async () => {
    for (const v of [2, 3, 4]) await publish(v, v);
    const resolver = new RecipeResolver({ shipped: new Map(), cacheSize: 2 });
    for (const v of [2, 3, 4]) await resolver.resolve({ id: shipped.id, version: v }, storage);
    expect(resolver.cached).toBe(2);
  });

  it('reads a draft\'s trial snapshot by its hash, and refuses bytes that do not hash to the name the task gives', async () => {
    const resolver = new RecipeResolver({ shipped: new Map() });
    const bytes = Buffer.from(JSON.stringify({ ...shipped.manifest, id: 'model-swap/draft-test' }));
    const sha = createHash('sha256').update(bytes).digest('hex');
    await storage.put(recipeTrialKey('model-swap/draft-test', sha), bytes, { contentType: 'application/json' });
    const resolved = await resolver.resolve({ id: 'model-swap/draft-test', version: 0, trial: sha }, storage);
    expect(resolved).toMatchObject({ id: 'model-swap/draft-test', version: 0, manifest: { id: 'model-swap/draft-test' } });

    const tampered = 'f'.repeat(64);
    await storage.put(recipeTrialKey('model-swap/draft-test', tampered), bytes, { contentType: 'application/json' });
    const error = await resolver.resolve({ id: 'model-swap/draft-test', version: 0, trial: tampered }, storage).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TaskError);
    expect((error as TaskError).code).toBe('SF_RENDER_RECIPE_UNAVAILABLE');
    const missing = await resolver.resolve({ id: 'model-swap/draft-test', version: 0, trial: 'e'.repeat(64) }, storage).catch((e: unknown) => e);
    expect((missing as TaskError).retryable).toBe(false);
  });
});
