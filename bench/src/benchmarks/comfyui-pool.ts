import type { RenderBackend } from '@shotfarm/render-worker';
import { createBackends } from '@shotfarm/render-worker';
// The protocol double is test code of render-worker; the bench drives it the way the int tests do.
import { ComfyUIDouble, memoryStorage, testContext, testRecipe, testTask } from '../../../render-worker/test/comfyui-double/index.ts';
import { Closers } from '../closers.ts';
import { makeProductPhoto } from '../product-photo.ts';
import { interleave, timeBatch, type Benchmark, type BenchmarkResult } from '../measure.ts';

/** Options of {@link runComfyuiPool}. */
export interface ComfyuiPoolOptions {
  /** Tasks in each timed batch, submitted all at once. @defaultValue 20 */
  tasksPerRound?: number;
  /** Paired rounds. @defaultValue 3 */
  rounds?: number;
  /** What the double's sampler takes per prompt: the GPU time being shared out. @defaultValue 200 */
  renderMs?: number;
}

const defaultTasksPerRound = 20;
const defaultRounds = 3;
const defaultRenderMs = 200;

/**
 * Tasks per second through the comfyui backend (upload, bind, queue, websocket + history, download,
 * store) on a two-server pool against the same on one server, both on protocol doubles with a fixed
 * render time. One prompt per server at a time, so the ideal ratio is 2; what falls short of it is the
 * pool's dispatch and the client's per-prompt overhead.
 */
export async function runComfyuiPool(opts: ComfyuiPoolOptions = {}): Promise<BenchmarkResult> {
  const tasksPerRound = opts.tasksPerRound ?? defaultTasksPerRound;
  const renderMs = opts.renderMs ?? defaultRenderMs;
  const closers = new Closers();
  try {
    const doubles = await Promise.all([0, 1, 2].map(() => ComfyUIDouble.start({ renderMs, steps: 4 })));
    closers.add(() => Promise.all(doubles.map((d) => d.close())));
    const recipe = testRecipe();
    const backendOn = (ds: ComfyUIDouble[]): RenderBackend => {
      const backend = createBackends(['comfyui'], { comfyui: {
        servers: ds.map((d, i) => ({ url: d.url, name: `double-${i}`, gpu: undefined, fenPerHour: 0 })),
        recipes: new Map([[recipe.id, recipe]]), waitForServerMs: 120_000, pollIntervalMs: 1000,
      } }).get('comfyui')!;
      closers.add(() => backend.close());
      return backend;
    };
    const one = backendOn([doubles[0]!]);
    const two = backendOn([doubles[1]!, doubles[2]!]);
    const storage = memoryStorage({ 'uploads/ga/garment.jpg': await makeProductPhoto(512) });
    let seed = 0;
    const batch = (backend: RenderBackend, n: number) => timeBatch(n, async () => {
      await Promise.all(Array.from({ length: n }, () => backend.render(testTask({ seed: ++seed }), testContext(storage).ctx)));
    });

    const comparison = await interleave({
      rounds: opts.rounds ?? defaultRounds,
      warmUp: async () => { await batch(one, 2); await batch(two, 2); },
      baseline: () => batch(one, tasksPerRound),
      subject: () => batch(two, tasksPerRound),
    });
    return { name: comfyuiPool.name, comparison, itemNoun: 'tasks', itemsPerRound: tasksPerRound, baselineLabel: `one server (${renderMs} ms per render)` };
  } finally {
    await closers.closeAll();
  }
}

export const comfyuiPool: Benchmark = { name: 'comfyui-pool', run: () => runComfyuiPool() };
