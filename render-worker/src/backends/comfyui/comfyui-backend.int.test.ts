import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import { TaskError } from '@shotfarm/shared';
import { ComfyUIDouble, memoryStorage, testContext, testRecipe, testTask, type ComfyDoubleOptions } from '../../../test/comfyui-double/index.ts';
import { ComfyUIBackend, type ComfyUIBackendOptions } from './comfyui-backend.ts';
import type { ComfyBlocklistChange } from './comfy-server-pool.ts';

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const garmentPath = path.resolve(repoRoot, '../shared/fixtures/images/garments/cc0-dress-35f157d0.jpg');

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => { for (const c of cleanups.splice(0).reverse()) await c(); });

async function doubles(...opts: ComfyDoubleOptions[]): Promise<ComfyUIDouble[]> {
  const ds = await Promise.all(opts.map((o) => ComfyUIDouble.start(o)));
  cleanups.push(async () => { await Promise.all(ds.map((d) => d.close())); });
  return ds;
}

async function backendFor(ds: ComfyUIDouble[], opts: Partial<ComfyUIBackendOptions> = {}, recipe = testRecipe()): Promise<ComfyUIBackend> {
  const backend = new ComfyUIBackend({
    servers: ds.map((d, i) => ({ url: d.url, name: String.fromCharCode(97 + i), gpu: 'Fake 24GB', fenPerHour: 300 })),
    healthIntervalMs: 100, pollIntervalMs: 100, watchdogS: 5, waitForServerMs: 5000, requestTimeoutMs: 1000,
    recipes: new Map([[recipe.id, recipe]]), ...opts,
  });
  cleanups.push(() => backend.close());
  await backend.ready();
  return backend;
}

async function storageWithGarment() {
  return memoryStorage({ 'uploads/ga/garment.jpg': await readFile(garmentPath) });
}

async function until(cond: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function failureOf(p: Promise<unknown>): Promise<TaskError> {
  const e = await p.then(() => undefined, (err: unknown) => err);
  expect(e).toBeInstanceOf(TaskError);
  return e as TaskError;
}

describe('ComfyUIBackend against the protocol double', () => {
  it('reports progress with cached nodes and previews, stores real PNGs, and records the server and GPU time', async () => {
    const [a] = await doubles({ renderMs: 200, steps: 4 });
    const backend = await backendFor([a!]);
    const storage = await storageWithGarment();

    const first = testContext(storage);
    const [out] = await backend.render(testTask({ seed: 1 }), first.ctx);
    expect(out).toMatchObject({ mime: 'image/png', width: 64, height: 64, params: { comfyServer: 'a', comfyGpu: 'Fake 24GB', fenPerHour: 300, seed: 1, comfyAttempts: 1 } });
    expect(out!.params.gpuSeconds).toBeGreaterThan(0.1);
    expect(first.usage).toEqual([{ provider: 'comfyui', gpuSeconds: out!.params.gpuSeconds, server: 'a', gpu: 'Fake 24GB', fenPerHour: 300 }]);
    expect((await sharp(storage.objects.get(out!.key)!).metadata()).format).toBe('png');
    expect(storage.objects.has(out!.thumbKey)).toBe(true);
    expect(first.updates.some((u) => /^node 3 step 2\/4$/.test(u.stage))).toBe(true);
    const preview = first.updates.find((u) => u.preview);
    expect(preview?.preview?.mime).toBe('image/jpeg');
    expect((await sharp(Buffer.from(preview!.preview!.base64, 'base64')).metadata()).width).toBe(16);
    const fractions = first.updates.map((u) => u.fraction);
    expect(fractions).toEqual([...fractions].sort((x, y) => x - y));
    expect(fractions.at(-1)).toBe(1);

    // Another seed: loaders, the uploaded image and the text encoders come from the cache.
    const second = testContext(storage);
    await backend.render(testTask({ seed: 2 }), second.ctx);
    const cached = second.updates.find((u) => u.stage.startsWith('cached'));
    expect(cached?.stage).toBe('cached 5 nodes');
    expect(a!.received).toHaveLength(2);
  });

  it('stores MP4 outputs of SaveVideo (under `images`) and VideoHelperSuite (under `gifs`)', async () => {
    const [a] = await doubles({ renderMs: 20 });
    for (const saveNode of ['SaveVideo', 'VHS_VideoCombine'] as const) {
      const recipe = testRecipe({ id: `short-video/double-${saveNode.toLowerCase().replaceAll('_', '-')}`, saveNode });
      const backend = await backendFor([a!], {}, recipe);
      const storage = await storageWithGarment();
      const [out] = await backend.render(testTask({ recipeId: recipe.id }), testContext(storage).ctx);
      expect(out).toMatchObject({ mime: 'video/mp4', width: 64, height: 64 });
      expect(out!.key).toMatch(/\.mp4$/);
      expect(storage.objects.has(out!.thumbKey)).toBe(true);
    }
  });

  it('a retried task stores under the same key: no duplicate output', async () => {
    const [a] = await doubles({ renderMs: 40 });
    const backend = await backendFor([a!]);
    const storage = await storageWithGarment();
    const task = testTask({ seed: 5 });
    const [one] = await backend.render(task, testContext(storage).ctx);
    const [two] = await backend.render(task, testContext(storage).ctx);
    expect(two!.key).toBe(one!.key);
    expect([...storage.objects.keys()].filter((k) => k.startsWith('outputs/'))).toHaveLength(1);
  });

  it('finishes on another server when its server dies mid-prompt, and takes the dead one out of rotation', async () => {
    const [a, b] = await doubles({ renderMs: 300 }, { renderMs: 100 });
    a!.failNext('die');
    const backend = await backendFor([a!, b!]);
    const [out] = await backend.render(testTask(), testContext(await storageWithGarment()).ctx);
    expect(out!.params).toMatchObject({ comfyServer: 'b', comfyAttempts: 2 });
    expect(a!.received).toHaveLength(1);
    expect(backend.pool.servers[0]!.healthy).toBe(false);
  });

  it('notices a restarted server (prompt in neither queue nor history) and resubmits elsewhere', async () => {
    const [a, b] = await doubles({ renderMs: 300 }, { renderMs: 100 });
    a!.failNext('restart');
    const backend = await backendFor([a!, b!]);
    const [out] = await backend.render(testTask(), testContext(await storageWithGarment()).ctx);
    expect(out!.params).toMatchObject({ comfyServer: 'b', comfyAttempts: 2 });
    expect(a!.received).toHaveLength(1);
  });

  it('finishes a prompt whose websocket dropped mid-run (history poll + reconnect)', async () => {
    const [a] = await doubles({ renderMs: 600, steps: 6 });
    const backend = await backendFor([a!]);
    const done = backend.render(testTask(), testContext(await storageWithGarment()).ctx);
    await until(() => a!.busy);
    a!.dropSockets();
    const [out] = await done;
    expect(out!.params).toMatchObject({ comfyServer: 'a', comfyAttempts: 1 });
  });

  it('treats a 200 with node_errors (some outputs invalid) as a rejection and removes the partial prompt', async () => {
    const [a] = await doubles({ renderMs: 1000 });
    const recipe = testRecipe();
    const graph = recipe.manifest.comfyui!.graph as Record<string, unknown>;
    graph['20'] = { class_type: 'CheckpointLoaderSimple', inputs: { ckpt_name: 'gone.safetensors' } };
    graph['21'] = { class_type: 'VAEDecode', inputs: { samples: ['3', 0], vae: ['20', 2] } };
    graph['22'] = { class_type: 'SaveImage', inputs: { filename_prefix: 'extra', images: ['21', 0] } };
    const backend = await backendFor([a!], {}, recipe);
    const e = await failureOf(backend.render(testTask(), testContext(await storageWithGarment()).ctx));
    expect(e.code).toBe('SF_RENDER_COMFY_PROMPT_INVALID');
    expect(e.message).toContain('node 20 (CheckpointLoaderSimple)');
    expect(a!.received).toHaveLength(1);
    await until(() => a!.executions[0]?.outcome !== undefined);
    expect(a!.executions[0]!.outcome).toBe('execution_interrupted');
  });

  it('fails at once on node_errors, naming the node, and never tries another server', async () => {
    const [a, b] = await doubles({}, {});
    // The manifest claims a model the servers have, the graph loads another: validation (400) catches it.
    const recipe = testRecipe({ ckpt: 'missing.safetensors', requiredCkpt: 'sdxl.safetensors' });
    const backend = await backendFor([a!, b!], {}, recipe);
    const e = await failureOf(backend.render(testTask(), testContext(await storageWithGarment()).ctx));
    expect(e.code).toBe('SF_RENDER_COMFY_PROMPT_INVALID');
    expect(e.retryable).toBe(false);
    expect(e.message).toContain('node 4 (CheckpointLoaderSimple "Load Checkpoint")');
    expect(e.message).toContain("ckpt_name: 'missing.safetensors' not in");
    expect(a!.received.length + b!.received.length).toBe(0);
  });

  it('blocklists a server that failed one recipe three times', async () => {
    const [a, b] = await doubles({ renderMs: 40 }, { renderMs: 40 });
    a!.failAlways('error');
    const backend = await backendFor([a!, b!]);
    const storage = await storageWithGarment();
    const attempts: unknown[] = [];
    for (let i = 0; i < 4; i++) attempts.push((await backend.render(testTask({ seed: 10 + i }), testContext(storage).ctx))[0]!.params.comfyAttempts);
    expect(attempts).toEqual([2, 2, 2, 1]);
    expect(a!.received).toHaveLength(3);
    expect(b!.received).toHaveLength(4);
  });

  it('tells onBlocklistChange when a server is blocklisted for a recipe, and not for failures below the limit', async () => {
    const [a, b] = await doubles({ renderMs: 40 }, { renderMs: 40 });
    a!.failAlways('error');
    const changes: ComfyBlocklistChange[] = [];
    const backend = await backendFor([a!, b!], { onBlocklistChange: (c) => changes.push(c) });
    const storage = await storageWithGarment();
    for (let i = 0; i < 2; i++) await backend.render(testTask({ seed: 20 + i }), testContext(storage).ctx);
    expect(changes).toEqual([]);
    await backend.render(testTask({ seed: 22 }), testContext(storage).ctx);
    expect(changes).toEqual([{ server: 'a', url: a!.url, recipeId: 'model-swap/double-test', failures: 3, blocklisted: true }]);
    // Blocklisted: no further attempt there, so nothing more to tell.
    await backend.render(testTask({ seed: 23 }), testContext(storage).ctx);
    expect(changes).toHaveLength(1);
    expect(a!.received).toHaveLength(3);
  });

  it('counts failures in a row: a success of the recipe on the server resets the streak', async () => {
    const [a, b] = await doubles({ renderMs: 40 }, { renderMs: 40 });
    const changes: ComfyBlocklistChange[] = [];
    const backend = await backendFor([a!, b!], { onBlocklistChange: (c) => changes.push(c) });
    const storage = await storageWithGarment();
    const servers: unknown[] = [];
    const render = async (seed: number) => { servers.push((await backend.render(testTask({ seed }), testContext(storage).ctx))[0]!.params.comfyServer); };
    a!.failNext('error', 2);
    for (const seed of [40, 41, 42]) await render(seed);
    a!.failNext('error', 2);
    for (const seed of [43, 44, 45]) await render(seed);
    expect(servers).toEqual(['b', 'b', 'a', 'b', 'b', 'a']);
    expect(changes).toEqual([]);
    expect(a!.received).toHaveLength(6);
  });

  it('lifts a blocklisting after blocklistS from the health loop, telling onBlocklistChange, and uses the server again', async () => {
    const [a, b] = await doubles({ renderMs: 40 }, { renderMs: 40 });
    a!.failAlways('error');
    const clock = { ms: 0 };
    const changes: ComfyBlocklistChange[] = [];
    const backend = await backendFor([a!, b!], { blocklistS: 60, now: () => clock.ms, onBlocklistChange: (c) => changes.push(c) });
    const storage = await storageWithGarment();
    const serverOf = async (seed: number) => (await backend.render(testTask({ seed }), testContext(storage).ctx))[0]!.params.comfyServer;
    for (let i = 0; i < 3; i++) await serverOf(50 + i);
    expect(changes).toEqual([{ server: 'a', url: a!.url, recipeId: 'model-swap/double-test', failures: 3, blocklisted: true }]);

    a!.failAlways(undefined);
    clock.ms = 59_999;
    await backend.pool.checkHealth();
    expect(await serverOf(53)).toBe('b');
    expect(changes).toHaveLength(1);

    // No task needs to come by: the health round (every 100 ms here) lifts it, so the farm board hears at once.
    clock.ms = 60_000;
    await until(() => changes.length === 2);
    expect(changes[1]).toEqual({ server: 'a', url: a!.url, recipeId: 'model-swap/double-test', failures: 0, blocklisted: false });
    expect(await serverOf(54)).toBe('a');
    expect(a!.received).toHaveLength(4);
  });

  it('a listener that throws changes nothing about how a task fails over', async () => {
    const [a, b] = await doubles({ renderMs: 40 }, { renderMs: 40 });
    a!.failAlways('error');
    const backend = await backendFor([a!, b!], { onBlocklistChange: () => { throw new Error('observer broke'); } });
    const storage = await storageWithGarment();
    const servers: unknown[] = [];
    for (let i = 0; i < 4; i++) servers.push((await backend.render(testTask({ seed: 30 + i }), testContext(storage).ctx))[0]!.params.comfyServer);
    expect(servers).toEqual(['b', 'b', 'b', 'b']);
    expect(a!.received).toHaveLength(3);
  });

  it('readmits a dead server once a health check passes', async () => {
    const [a, b] = await doubles({ renderMs: 40 }, { renderMs: 40 });
    const backend = await backendFor([a!, b!]);
    const storage = await storageWithGarment();
    await a!.die();
    await until(() => !backend.pool.servers[0]!.healthy);
    expect((await backend.render(testTask(), testContext(storage).ctx))[0]!.params.comfyServer).toBe('b');
    await a!.revive();
    await until(() => backend.pool.servers[0]!.healthy);
    expect((await backend.render(testTask(), testContext(storage).ctx))[0]!.params.comfyServer).toBe('a');
  });

  it('never sends a task to a server that lacks one of its models', async () => {
    const [a, b] = await doubles({ renderMs: 40, models: { checkpoints: ['other.safetensors'] } }, { renderMs: 40 });
    const backend = await backendFor([a!, b!]);
    const storage = await storageWithGarment();
    const outs = await Promise.all([1, 2, 3].map((s) => backend.render(testTask({ seed: s }), testContext(storage).ctx)));
    expect(outs.map((o) => o[0]!.params.comfyServer)).toEqual(['b', 'b', 'b']);
    expect(a!.received).toHaveLength(0);
  });

  it('fails with SF_RENDER_COMFY_NO_SERVER (retryable) when no server has the models', async () => {
    const [a] = await doubles({ models: { checkpoints: [] } });
    const backend = await backendFor([a!]);
    const e = await failureOf(backend.render(testTask(), testContext(await storageWithGarment()).ctx));
    expect(e.code).toBe('SF_RENDER_COMFY_NO_SERVER');
    expect(e.retryable).toBe(true);
    expect(e.message).toContain('a: lacks model checkpoints/sdxl.safetensors');
  });

  it('runs two tasks at once on a two-server pool', async () => {
    const [a, b] = await doubles({ renderMs: 400 }, { renderMs: 400 });
    const backend = await backendFor([a!, b!]);
    const storage = await storageWithGarment();
    let bothBusy = false;
    const watcher = setInterval(() => { if (a!.busy && b!.busy) bothBusy = true; }, 5);
    await Promise.all([1, 2].map((s) => backend.render(testTask({ seed: s }), testContext(storage).ctx)));
    clearInterval(watcher);
    expect(bothBusy).toBe(true);
    expect([a!.received.length, b!.received.length]).toEqual([1, 1]);
  });

  it('after an out-of-memory error, retries on the server with the most free VRAM', async () => {
    const gib = 2 ** 30;
    const [a, b, c] = await doubles({ renderMs: 40, vramFreeBytes: 10 * gib }, { renderMs: 40, vramFreeBytes: 8 * gib }, { renderMs: 40, vramFreeBytes: 20 * gib });
    a!.failNext('oom');
    const backend = await backendFor([a!, b!, c!]);
    const [out] = await backend.render(testTask(), testContext(await storageWithGarment()).ctx);
    expect(out!.params).toMatchObject({ comfyServer: 'c', comfyAttempts: 2 });
    expect(b!.received).toHaveLength(0);
  });

  it('fails a task for good after three different servers failed it', async () => {
    const ds = await doubles({ renderMs: 20 }, { renderMs: 20 }, { renderMs: 20 }, { renderMs: 20 });
    for (const d of ds) d.failAlways('oom');
    const backend = await backendFor(ds);
    const e = await failureOf(backend.render(testTask(), testContext(await storageWithGarment()).ctx));
    expect(e.code).toBe('SF_RENDER_COMFY_EXHAUSTED');
    expect(e.retryable).toBe(false);
    expect(e.message).toContain('torch.OutOfMemoryError in node 3 (KSampler)');
    expect(ds.map((d) => d.received.length)).toEqual([1, 1, 1, 0]);
  });

  it('the watchdog interrupts a hung prompt and fails it over', async () => {
    const [a, b] = await doubles({ renderMs: 40 }, { renderMs: 40 });
    a!.failNext('hang');
    const backend = await backendFor([a!, b!], { watchdogS: 0.5 });
    const [out] = await backend.render(testTask(), testContext(await storageWithGarment()).ctx);
    expect(out!.params.comfyServer).toBe('b');
    expect(a!.interrupts).toEqual([a!.received[0]]);
    await until(() => a!.executions[0]!.outcome === 'execution_interrupted');
  });

  it('waits for a history entry written after execution_success', async () => {
    const [a] = await doubles({ renderMs: 40, historyDelayMs: 400 });
    const backend = await backendFor([a!], { pollIntervalMs: 5000 });
    const [out] = await backend.render(testTask(), testContext(await storageWithGarment()).ctx);
    expect(out!.mime).toBe('image/png');
  });

  it('cancels a queued prompt by deleting it and a running one by interrupting it', async () => {
    const [a] = await doubles({ renderMs: 2000, steps: 20 });
    const backend = await backendFor([a!], { slotsPerServer: 2 });
    const storage = await storageWithGarment();
    const running = new AbortController();
    const queued = new AbortController();
    const first = failureOf(backend.render(testTask({ seed: 1 }), testContext(storage, running.signal).ctx));
    await until(() => a!.busy);
    const second = failureOf(backend.render(testTask({ seed: 2 }), testContext(storage, queued.signal).ctx));
    await until(() => a!.received.length === 2);
    queued.abort();
    expect((await second).code).toBe('SF_RENDER_CANCELED');
    expect(a!.deletes).toEqual([a!.received[1]]);
    running.abort();
    expect((await first).code).toBe('SF_RENDER_CANCELED');
    expect(a!.interrupts).toEqual([a!.received[0]]);
    await until(() => a!.executions[0]!.outcome === 'execution_interrupted');
    expect(a!.executions).toHaveLength(1);
  });
});
