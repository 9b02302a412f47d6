import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { recipes } from '@shotfarm/workflows';
import { ComfyUIDouble, type ComfyDoubleOptions } from '../../../../render-worker/test/comfyui-double/index.ts';
import { fixturesDir, multipartFile, startFarm, waitFor, type Farm } from '../harness.ts';
import { expectJobSettled } from './farm-invariants.ts';

// `pnpm test:faults`: a ComfyUI server misbehaves under a real farm (API, Redis, PGlite, a render worker) with two
// GPU servers (protocol doubles). Each case ends with every task finished or failed with a reason, never stuck
// `running`, and no output stored twice — checked against the database, storage and the cost ledger.

const recipeId = 'model-swap/qwen-edit-tryon';

interface JobView {
  status: string;
  tasks: { status: string; attempts: number; error: { code: string; message: string } | null }[];
  outputs: { key?: string; params: Record<string, unknown> }[];
}

describe('faults: a ComfyUI server misbehaves', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => { for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined); });

  async function gpuFarm(a: ComfyDoubleOptions, b: ComfyDoubleOptions | undefined, env: Record<string, string> = {}): Promise<{ farm: Farm; gpuA: ComfyUIDouble; gpuB: ComfyUIDouble | undefined; submit(variants?: number): Promise<string> }> {
    const manifest = recipes.get(recipeId)!.manifest!;
    const models: Record<string, string[]> = {};
    for (const m of manifest.requirements.models) if (m.folder && m.file) (models[m.folder] ??= []).push(m.file);
    const base = { nodeClasses: manifest.requirements.nodeClasses, models, renderMs: 300, steps: 4 };
    const gpuA = await ComfyUIDouble.start({ ...base, ...a });
    cleanups.push(() => gpuA.close());
    const gpuB = b ? await ComfyUIDouble.start({ ...base, ...b }) : undefined;
    if (gpuB) cleanups.push(() => gpuB.close());
    const urls = [`${gpuA.url};name=gpu-a;gpu=RTX 4090;fenPerHour=250`, ...(gpuB ? [`${gpuB.url};name=gpu-b;gpu=RTX 4090;fenPerHour=250`] : [])].join(',');
    const farm = await startFarm({
      RENDER_BACKENDS: 'local,comfyui', COMFYUI_URLS: urls, COMFYUI_HEALTH_INTERVAL_MS: '300', COMFYUI_WATCHDOG_S: '1', TASK_BACKOFF_MS: '200', ...env,
    });
    cleanups.push(() => farm.close());
    const upload = async (rel: string) => {
      const res = await farm.inject({ method: 'POST', url: '/api/assets', ...multipartFile(await readFile(path.join(fixturesDir, 'images', rel)), path.basename(rel)) });
      expect(res.statusCode, res.body).toBe(201);
      return (res.json() as { id: string }).id;
    };
    const person = await upload('persons/vitonhd-00034_00.jpg');
    const garment = await upload('garments/vitonhd-00151_00.jpg');
    const submit = async (variants = 2) => {
      const res = await farm.inject({ method: 'POST', url: '/api/jobs', payload: { type: 'model-swap', recipe: recipeId, inputs: { person, garment }, params: { prompt: '换上图2的衣服', steps: 4 }, variants } });
      expect(res.statusCode, res.body).toBe(201);
      return (res.json() as { id: string }).id;
    };
    return { farm, gpuA, gpuB, submit };
  }

  async function settled(farm: Farm, jobId: string, timeoutMs = 90_000): Promise<JobView> {
    return waitFor(async () => {
      const view = (await farm.inject({ method: 'GET', url: `/api/jobs/${jobId}` })).json() as JobView;
      return ['succeeded', 'failed', 'partial'].includes(view.status) ? view : undefined;
    }, timeoutMs, 200);
  }

  /** Every output once: as many output objects as asset rows, one per succeeded task. */
  async function expectOutputsOnce(farm: Farm, jobId: string, view: JobView): Promise<void> {
    const succeeded = view.tasks.filter((t) => t.status === 'succeeded').length;
    expect(view.outputs).toHaveLength(succeeded);
    expect(await farm.app.storage.list(`outputs/${jobId}/`)).toHaveLength(succeeded);
    await expectJobSettled(farm, jobId);
  }

  it('hangs: the watchdog interrupts the prompt and the task finishes on the other server', async () => {
    const { farm, gpuA, gpuB, submit } = await gpuFarm({}, {});
    gpuA.failAlways('hang');
    await farm.startWorker(2);
    const jobId = await submit(2);
    const view = await settled(farm, jobId);
    expect(view.status).toBe('succeeded');
    expect(view.outputs.map((o) => o.params.comfyServer)).toEqual(['gpu-b', 'gpu-b']);
    expect(gpuA.received.length).toBeGreaterThan(0);
    expect(gpuA.interrupts.length).toBeGreaterThan(0); // the hung prompt was stopped, not left burning the GPU
    await waitFor(async () => (gpuA.busy ? undefined : true), 5000, 50);
    expect(gpuB!.received).toHaveLength(2);
    await expectOutputsOnce(farm, jobId, view);
  }, 120_000);

  it('drops the websocket mid-render: the prompt is followed to its end by history, submitted once, stored once', async () => {
    const { farm, gpuA, gpuB, submit } = await gpuFarm({ renderMs: 1500 }, { renderMs: 1500 });
    await farm.startWorker(2);
    const jobId = await submit(2);
    await waitFor(async () => (gpuA.busy && gpuB!.busy ? true : undefined), 30_000, 20);
    gpuA.dropSockets();
    gpuB!.dropSockets();
    const view = await settled(farm, jobId);
    expect(view.status).toBe('succeeded');
    expect(gpuA.received.length + gpuB!.received.length).toBe(2); // no prompt was run twice
    await expectOutputsOnce(farm, jobId, view);
  }, 120_000);

  it('answers 500 to POST /prompt while its health check passes: tasks go to the other server', async () => {
    const { farm, gpuA, gpuB, submit } = await gpuFarm({}, {});
    gpuA.answerHttpError(500, /^POST \/prompt$/);
    await farm.startWorker(2);
    const jobId = await submit(2);
    const view = await settled(farm, jobId);
    expect(view.status).toBe('succeeded');
    expect(gpuA.httpErrors.length).toBeGreaterThan(0);
    expect(gpuA.received).toHaveLength(0);
    expect(view.outputs.map((o) => o.params.comfyServer)).toEqual(['gpu-b', 'gpu-b']);
    expect(gpuB!.received).toHaveLength(2);
    await expectOutputsOnce(farm, jobId, view);
  }, 120_000);

  it('answers 500 when its outputs are fetched: the render is redone elsewhere and stored once', async () => {
    const { farm, gpuA, gpuB, submit } = await gpuFarm({}, {});
    gpuA.answerHttpError(500, /^GET \/view$/);
    await farm.startWorker(2);
    const jobId = await submit(2);
    const view = await settled(farm, jobId);
    expect(view.status).toBe('succeeded');
    expect(gpuA.httpErrors.some((r) => r === 'GET /view')).toBe(true);
    // A rendered but its images could not be fetched; B rendered them again, and only B's were stored.
    expect(gpuA.executions.some((e) => e.outcome === 'success')).toBe(true);
    expect(gpuB!.received).toHaveLength(2);
    expect(view.outputs.map((o) => o.params.comfyServer)).toEqual(['gpu-b', 'gpu-b']);
    await expectOutputsOnce(farm, jobId, view);
  }, 120_000);

  it('every server answers 500 to everything, its health check included: a task waits COMFYUI_WAIT_S for one, then fails naming why, nothing stored', async () => {
    const { farm, gpuA, gpuB, submit } = await gpuFarm({}, {}, { TASK_ATTEMPTS: '2', COMFYUI_WAIT_S: '2' });
    gpuA.answerHttpError(500);
    gpuB!.answerHttpError(500);
    await farm.startWorker(2);
    const started = performance.now();
    const jobId = await submit(2);
    const view = await settled(farm, jobId, 60_000);
    expect(view.status).toBe('failed');
    for (const t of view.tasks) {
      expect(t.status).toBe('failed');
      expect(t.attempts).toBe(2);
      // Both servers out of rotation (their health checks answer 500): no server for the task within the wait.
      expect(t.error?.code).toBe('SF_RENDER_COMFY_NO_SERVER');
    }
    // Two attempts, each waiting at most the configured 2 s rather than the default minute.
    expect(performance.now() - started).toBeLessThan(45_000);
    expect(gpuA.received.length + gpuB!.received.length).toBe(0);
    expect(gpuA.httpErrors.some((r) => r === 'GET /system_stats')).toBe(true);
    await expectOutputsOnce(farm, jobId, view);
  }, 120_000);

  it('every server answers 500 to every prompt: each task fails with a reason once its tries are spent, nothing stored', async () => {
    const { farm, gpuA, gpuB, submit } = await gpuFarm({}, {}, { TASK_ATTEMPTS: '2' });
    await farm.startWorker(2);
    gpuA.answerHttpError(500, /^POST \/prompt$/);
    gpuB!.answerHttpError(500, /^POST \/prompt$/);
    const jobId = await submit(2);
    const view = await settled(farm, jobId, 120_000);
    expect(view.status).toBe('failed');
    for (const t of view.tasks) {
      expect(t.status).toBe('failed');
      expect(t.attempts).toBe(2);
      // Both servers tried and refused: no server left for this task, with each server's answer in the message.
      expect(t.error?.code).toBe('SF_RENDER_COMFY_NO_SERVER');
      expect(t.error?.message).toContain('/api/prompt answered 500');
    }
    expect(gpuA.received.length + gpuB!.received.length).toBe(0);
    await expectOutputsOnce(farm, jobId, view);
  }, 180_000);

  it('runs out of memory: the task moves to the server with more free VRAM; when every server does, it fails naming the OOM', async () => {
    const gib = 2 ** 30;
    const { farm, gpuA, gpuB, submit } = await gpuFarm({ vramFreeBytes: 20 * gib }, { vramFreeBytes: 10 * gib });
    gpuA.failAlways('oom');
    await farm.startWorker(2);
    const moved = await submit(1);
    const view = await settled(farm, moved);
    expect(view.status).toBe('succeeded');
    expect(view.outputs[0]!.params).toMatchObject({ comfyServer: 'gpu-b' });
    expect(gpuA.executions.some((e) => e.outcome === 'execution_error')).toBe(true);
    await expectOutputsOnce(farm, moved, view);

    gpuB!.failAlways('oom');
    const failed = await submit(1);
    const lost = await settled(farm, failed, 120_000);
    expect(lost.status).toBe('failed');
    expect(lost.tasks[0]!.error?.message).toContain('OutOfMemoryError');
    await expectOutputsOnce(farm, failed, lost);
  }, 180_000);
});
