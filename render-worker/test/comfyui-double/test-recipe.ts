import { RecipeManifest, type RenderProgress, type RenderTask, type RenderUsage } from '@shotfarm/shared';
import type { Storage } from '@shotfarm/shared/storage';

/**
 * A recipe in the manifest shape (/tmp/sf/recipe-manifest.md), small enough for the double: a garment
 * image is uploaded, encoded, sampled and saved. `ckpt` lets a test ask for a model a server lacks.
 */
export function testRecipe(opts: { id?: string; ckpt?: string; requiredCkpt?: string; saveNode?: 'SaveImage' | 'SaveVideo' | 'VHS_VideoCombine' } = {}) {
  const ckpt = opts.ckpt ?? 'sdxl.safetensors';
  const save = opts.saveNode ?? 'SaveImage';
  const id = opts.id ?? 'model-swap/double-test';
  const label = (en: string) => ({ 'zh-CN': en, en });
  return {
    id,
    // Parsed by the shared schema, as the loader parses a shipped recipe: the backend only ever sees valid manifests.
    manifest: RecipeManifest.parse({
      id, version: 1, type: id.slice(0, id.indexOf('/')), backend: 'comfyui', status: 'published',
      title: label('Double test'), description: label('A small graph the ComfyUI double renders.'),
      commercialUse: true, estimate: { gpuSecondsPerRun: 1, referenceGpu: 'the double' },
      inputs: [
        { name: 'garment', kind: 'image', role: 'garment', required: true, label: label('Garment') },
        { name: 'prompt', kind: 'text', default: 'a dress', label: label('Prompt') },
        { name: 'seed', kind: 'seed', label: label('Seed') },
        { name: 'steps', kind: 'integer', min: 1, max: 60, default: 4, label: label('Steps') },
      ],
      outputs: { kind: save === 'SaveImage' ? 'image' : 'video', count: 1 },
      requirements: {
        nodeClasses: ['CheckpointLoaderSimple', 'LoadImage', 'VAEEncode', 'CLIPTextEncode', 'KSampler', 'VAEDecode', save],
        models: [{
          folder: 'checkpoints', file: opts.requiredCkpt ?? ckpt, model: 'test checkpoint', source: 'https://example.com/ckpt',
          licence: 'Apache-2.0', commercialUse: true,
        }],
      },
      comfyui: {
        graph: {
          '4': { class_type: 'CheckpointLoaderSimple', inputs: { ckpt_name: ckpt }, _meta: { title: 'Load Checkpoint' } },
          '10': { class_type: 'LoadImage', inputs: { image: 'placeholder.png' }, _meta: { title: 'Garment' } },
          '11': { class_type: 'VAEEncode', inputs: { pixels: ['10', 0], vae: ['4', 2] } },
          '6': { class_type: 'CLIPTextEncode', inputs: { text: '', clip: ['4', 1] } },
          '7': { class_type: 'CLIPTextEncode', inputs: { text: '', clip: ['4', 1] } },
          '3': { class_type: 'KSampler', inputs: { seed: 1, steps: 4, cfg: 4, sampler_name: 'euler', scheduler: 'normal', denoise: 1, model: ['4', 0], positive: ['6', 0], negative: ['7', 0], latent_image: ['11', 0] } },
          '8': { class_type: 'VAEDecode', inputs: { samples: ['3', 0], vae: ['4', 2] } },
          '9': { class_type: save, inputs: { filename_prefix: save === 'SaveImage' ? 'shot/ComfyUI' : 'video/ComfyUI', images: ['8', 0] }, _meta: { title: 'Save' } },
        },
        bindings: {
          garment: [{ node: '10', field: 'image' }],
          prompt: [{ node: '6', field: 'text' }],
          seed: [{ node: '3', field: 'seed' }],
          steps: [{ node: '3', field: 'steps' }],
        },
      },
    }),
  };
}

let taskCounter = 0;

/** A task of {@link testRecipe}; each call a new task id unless given. */
export function testTask(opts: { seed?: number; taskId?: string; recipeId?: string } = {}): RenderTask {
  return {
    jobId: 'job1', taskId: opts.taskId ?? `task${++taskCounter}`, jobType: 'model-swap',
    recipe: { id: opts.recipeId ?? 'model-swap/double-test', version: 1 }, backend: 'comfyui',
    inputs: { garment: { key: 'uploads/ga/garment.jpg', mime: 'image/jpeg' } },
    params: { prompt: 'a red dress', steps: 4 }, variantIndex: 0, seed: opts.seed ?? 42,
  };
}

/** Storage in a Map: the backend only needs get and put. */
export function memoryStorage(seed: Record<string, Buffer> = {}): Storage & { objects: Map<string, Buffer> } {
  const objects = new Map(Object.entries(seed));
  return {
    kind: 'folder', objects,
    put: async (key, body) => { objects.set(key, body); },
    get: async (key) => { const b = objects.get(key); if (!b) throw new Error(`no object ${key}`); return b; },
    head: async (key) => { const b = objects.get(key); return b ? { bytes: b.length, contentType: 'application/octet-stream', modifiedAt: new Date() } : null; },
    delete: async (key) => { objects.delete(key); },
    list: async (prefix) => [...objects.keys()].filter((k) => k.startsWith(prefix)).sort(),
    signedUrl: async (key) => `memory://${key}`,
    ping: async () => undefined,
    close: async () => undefined,
  };
}

/** A RenderContext's pieces with the progress updates kept for assertions. */
export function testContext(storage: Storage, signal: AbortSignal = new AbortController().signal) {
  const updates: RenderProgress[] = [];
  const usage: RenderUsage[] = [];
  return { updates, usage, ctx: { signal, storage, progress: async (p: RenderProgress) => { updates.push(p); }, reportUsage: (u: RenderUsage) => { usage.push(u); } } };
}
