import { readFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recipes } from '@shotfarm/workflows';
import { ComfyUIDouble } from '../../../render-worker/test/comfyui-double/index.ts';
import { fixturesDir, multipartFile, readSse, startFarm, waitFor, type Farm } from '../test/harness.ts';

const recipeId = 'model-swap/qwen-edit-tryon';

describe('a model-swap job on a ComfyUI server (the protocol double), through the whole farm', () => {
  let farm: Farm;
  let comfy: ComfyUIDouble;
  beforeAll(async () => {
    const manifest = recipes.get(recipeId)!.manifest!;
    const models: Record<string, string[]> = {};
    for (const m of manifest.requirements.models) if (m.folder && m.file) (models[m.folder] ??= []).push(m.file);
    // A server with exactly what the shipped recipe says it needs.
    // Long enough a render that the sampler's preview frames reach the browser before it finishes.
    comfy = await ComfyUIDouble.start({ nodeClasses: manifest.requirements.nodeClasses, models, renderMs: 1500, steps: 6 });
    farm = await startFarm({ RENDER_BACKENDS: 'local,comfyui', COMFYUI_URLS: `${comfy.url};name=gpu-a;gpu=RTX 4090;fenPerHour=250`, COMFYUI_HEALTH_INTERVAL_MS: '500' }, { listen: true });
    await farm.startWorker(2);
  });
  afterAll(async () => {
    await farm?.close();
    await comfy?.close();
  });

  it('binds the uploads, prompt and seed into the shipped graph, stores the outputs and records GPU time and price', async () => {
    const upload = async (rel: string) => {
      const res = await farm.inject({ method: 'POST', url: '/api/assets', ...multipartFile(await readFile(path.join(fixturesDir, 'images', rel)), path.basename(rel)) });
      expect(res.statusCode).toBe(201);
      return (res.json() as { id: string }).id;
    };
    const person = await upload('persons/vitonhd-00034_00.jpg');
    const garment = await upload('garments/vitonhd-00151_00.jpg');
    const submit = await farm.inject({
      method: 'POST', url: '/api/jobs',
      payload: { type: 'model-swap', recipe: recipeId, inputs: { person, garment }, params: { prompt: '让图1中的模特穿上图2中的衣服', steps: 8 }, variants: 2 },
    });
    expect(submit.statusCode).toBe(201);
    const { id } = submit.json() as { id: string };
    const streamed = readSse(`${farm.baseUrl}/api/jobs/${id}/events`, { headers: farm.authHeaders, stop: (m) => m.event === 'job-done' });

    type JobView = { status: string; tasks: { seed: number; backend: string | null; usage: { provider: string; gpuSeconds: number; server?: string; fenPerHour?: number } | null }[]; outputs: { url: string; params: Record<string, unknown> }[] };
    const job = await waitFor(async () => {
      const view = (await farm.inject({ method: 'GET', url: `/api/jobs/${id}` })).json() as JobView;
      return view.status === 'succeeded' || view.status === 'failed' ? view : undefined;
    }, 60_000);
    expect(job.status).toBe('succeeded');
    expect(job.outputs).toHaveLength(2);

    // Live previews came over the job's event stream, without SSE ids, as decodable images.
    const events = await streamed;
    const previews = events.filter((e) => e.event === 'task-preview');
    expect(previews.length).toBeGreaterThan(0);
    for (const p of previews) {
      expect(p.id).toBeUndefined();
      const { preview } = p.data as { preview: { mime: string; base64: string } };
      expect(['jpeg', 'png']).toContain((await sharp(Buffer.from(preview.base64, 'base64')).metadata()).format);
    }
    expect(events.filter((e) => e.event === 'task-progress').every((e) => e.id !== undefined)).toBe(true);
    for (const out of job.outputs) {
      const bytes = Buffer.from(await (await fetch(out.url)).arrayBuffer());
      expect((await sharp(bytes).metadata()).format).toBe('png');
      expect(out.params).toMatchObject({ comfyServer: 'gpu-a', comfyGpu: 'RTX 4090', fenPerHour: 250 });
    }
    for (const task of job.tasks) {
      expect(task.backend).toBe('comfyui');
      expect(task.usage).toMatchObject({ provider: 'comfyui', server: 'gpu-a', fenPerHour: 250 });
      expect(task.usage!.gpuSeconds).toBeGreaterThan(0);
    }

    // What the server was asked to run: the shipped graph, with our values in the bound fields.
    const bindings = recipes.get(recipeId)!.manifest!.comfyui!.bindings;
    const graphs = comfy.received.map((pid) => comfy.graphs.get(pid)!);
    expect(graphs).toHaveLength(2);
    for (const graph of graphs) {
      const field = (name: string) => bindings[name]!.map((b) => graph[b.node]!.inputs![b.field]);
      expect(new Set(field('prompt'))).toEqual(new Set(['让图1中的模特穿上图2中的衣服']));
      expect(new Set(field('steps'))).toEqual(new Set([8]));
      for (const image of [...field('person'), ...field('garment')]) expect(String(image)).toMatch(/^shotfarm\/[^/]+\/[0-9a-f]{24}\.jpg$/);
      expect(field('person')[0]).not.toEqual(field('garment')[0]);
    }
    expect(new Set(graphs.map((g) => bindings.seed!.map((b) => g[b.node]!.inputs![b.field])[0]))).toEqual(new Set(job.tasks.map((t) => t.seed)));
  });

  it('refuses the job with 422 SF_BACKEND_REQUIRED on a farm that runs no GPU backend', async () => {
    const local = await startFarm();
    try {
      const res = await local.inject({ method: 'POST', url: '/api/jobs', payload: { type: 'model-swap', recipe: recipeId, inputs: {}, params: {}, variants: 1 } });
      expect(res.statusCode).toBe(422);
      expect(res.json()).toMatchObject({ code: 'SF_BACKEND_REQUIRED' });
      expect(res.json().message).toMatch(/comfyui/);
    } finally {
      await local.close();
    }
  });
});
