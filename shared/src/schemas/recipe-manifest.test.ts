import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import type { ComfyApiGraph } from './comfy-graph.ts';
import { RecipeManifest } from './recipe-manifest.ts';

type Manifest = z.input<typeof RecipeManifest>;

const sdxlGraph = (): ComfyApiGraph => JSON.parse(readFileSync(
  fileURLToPath(new URL('../../../../shared/fixtures/workflows/t2i/sdxl-simple.api.json', import.meta.url)), 'utf8')) as ComfyApiGraph;

const label = { 'zh-CN': '标签', en: 'Label' };
const sdxlModel = {
  folder: 'checkpoints', file: 'sd_xl_base_1.0.safetensors', model: 'SDXL base 1.0',
  source: 'https://huggingface.co/stabilityai/stable-diffusion-xl-base-1.0', licence: 'CreativeML Open RAIL++-M', commercialUse: true,
};

/** A valid comfyui manifest around the real SDXL fixture graph; each test breaks one thing. */
function comfyManifest(): Manifest {
  const graph = sdxlGraph();
  return {
    id: 'product-shot/sdxl-test', version: 1, type: 'product-shot', status: 'published',
    title: label, description: label, backend: 'comfyui',
    inputs: [
      { name: 'prompt', kind: 'text', default: 'a bottle', multiline: true, label },
      { name: 'negative', kind: 'text', default: '', label },
      { name: 'seed', kind: 'seed', label },
      { name: 'steps', kind: 'integer', min: 1, max: 60, step: 1, default: 25, label },
      { name: 'cfg', kind: 'number', min: 1, max: 10, step: 0.5, default: 8, label },
      { name: 'sampler', kind: 'enum', options: ['euler', 'dpmpp_2m'], default: 'euler', label },
      { name: 'scene', kind: 'image', role: 'scene', required: false, label },
    ],
    outputs: { kind: 'image', count: 1 },
    requirements: {
      nodeClasses: [...new Set(Object.values(graph).map((n) => n.class_type))],
      models: [sdxlModel, { ...sdxlModel, file: 'sd_xl_refiner_1.0.safetensors', model: 'SDXL refiner 1.0' }],
    },
    commercialUse: true,
    estimate: { gpuSecondsPerRun: 12, referenceGpu: 'NVIDIA RTX 4090 24GB' },
    comfyui: {
      graph,
      bindings: {
        prompt: [{ node: '6', field: 'text' }, { node: '15', field: 'text' }],
        negative: [{ node: '7', field: 'text' }, { node: '16', field: 'text' }],
        seed: [{ node: '10', field: 'noise_seed' }],
        steps: [{ node: '10', field: 'steps' }, { node: '11', field: 'steps' }],
        cfg: [{ node: '10', field: 'cfg' }],
        sampler: [{ node: '10', field: 'sampler_name' }],
      },
    },
  };
}

function replicateManifest(): Manifest {
  return {
    id: 'model-swap/replicate-test', version: 2, type: 'model-swap', status: 'draft',
    title: label, description: label, backend: 'replicate',
    inputs: [
      { name: 'garment', kind: 'image', role: 'garment', required: true, label },
      { name: 'person', kind: 'image', role: 'person', required: true, label },
      { name: 'seed', kind: 'seed', label },
    ],
    outputs: { kind: 'image', count: 1 },
    requirements: { nodeClasses: [], models: [{ model: 'IDM-VTON', source: 'https://replicate.com/cuuupid/idm-vton', licence: 'CC BY-NC-SA 4.0', commercialUse: false }] },
    commercialUse: false,
    estimate: { gpuSecondsPerRun: 20, referenceGpu: 'NVIDIA A40' },
    replicate: { model: 'cuuupid/idm-vton', version: 'a'.repeat(64), fields: { garment: 'garm_img', person: 'human_img', seed: 'seed' }, fixedInput: { crop: true } },
  };
}

/** The messages of a refused manifest (fails the test when it is accepted). */
function refusal(manifest: unknown): string[] {
  const result = RecipeManifest.safeParse(manifest);
  expect(result.success).toBe(false);
  return result.error?.issues.map((i) => i.message) ?? [];
}

describe('RecipeManifest', () => {
  it('accepts a comfyui manifest built on the real SDXL fixture graph', () => {
    const parsed = RecipeManifest.parse(comfyManifest());
    expect(parsed.comfyui?.graph['19']?.class_type).toBe('SaveImage');
  });

  it('accepts a replicate manifest with a non-commercial model', () => {
    expect(RecipeManifest.parse(replicateManifest()).commercialUse).toBe(false);
  });

  it('refuses a binding to a node the graph lacks, naming the input and node', () => {
    const m = comfyManifest();
    m.comfyui!.bindings.cfg = [{ node: '99', field: 'cfg' }];
    expect(refusal(m)).toEqual(['binding "cfg" sets node "99", which is not in the graph']);
  });

  it('refuses a binding to a field the node lacks, naming node, class and field', () => {
    const m = comfyManifest();
    m.comfyui!.bindings.seed = [{ node: '10', field: 'seed' }];
    expect(refusal(m)[0]).toMatch(/^binding "seed" sets node "10" \(KSamplerAdvanced\) field "seed", which it does not have \(it has add_noise, noise_seed/);
  });

  it('refuses a binding for an undeclared input', () => {
    const m = comfyManifest();
    m.comfyui!.bindings.width = [{ node: '5', field: 'width' }];
    expect(refusal(m)).toEqual(['binding "width" is for an input the recipe does not declare']);
  });

  it('refuses a dangling link, naming the node and class', () => {
    const m = comfyManifest();
    m.comfyui!.graph['17']!.inputs.vae = ['42', 2];
    expect(refusal(m)).toEqual(['node "17" (VAEDecode) input "vae" links to node "42", which is not in the graph']);
  });

  it('refuses a link whose output index is not a non-negative int', () => {
    const m = comfyManifest();
    m.comfyui!.graph['17']!.inputs.vae = ['12', -2];
    expect(refusal(m)[0]).toMatch(/node "17" \(VAEDecode\) input "vae": link output index -2 must be a non-negative integer/);
  });

  it('refuses a graph with no output node', () => {
    const m = comfyManifest();
    m.comfyui!.graph['19']!.class_type = 'SomethingElse';
    m.requirements.nodeClasses.push('SomethingElse');
    expect(refusal(m)).toEqual([expect.stringMatching(/^the graph has no output node/)]);
  });

  it('refuses commercialUse true when a model forbids it, naming the model', () => {
    const m = comfyManifest();
    m.requirements.models[1]!.commercialUse = false;
    expect(refusal(m)).toEqual(['commercialUse is true, but SDXL refiner 1.0 does not allow commercial use']);
  });

  it('refuses commercialUse false when every model allows it', () => {
    const m = replicateManifest();
    m.requirements.models[0]!.commercialUse = true;
    expect(refusal(m)).toEqual(['commercialUse is false, but every model in requirements.models allows commercial use']);
  });

  it.each([
    ['steps', 0, 'input "steps": default 0 is outside [1, 60]'],
    ['steps', 61, 'input "steps": default 61 is outside [1, 60]'],
    ['cfg', 10.5, 'input "cfg": default 10.5 is outside [1, 10]'],
    ['sampler', 'ddim', 'input "sampler": default "ddim" is not one of euler, dpmpp_2m'],
  ])('refuses %s default %s', (name, value, message) => {
    const m = comfyManifest();
    Object.assign(m.inputs.find((i) => i.name === name)!, { default: value });
    expect(refusal(m)).toEqual([message]);
  });

  it('refuses min above max and a non-integer integer default', () => {
    const m = comfyManifest();
    Object.assign(m.inputs[3]!, { min: 70, default: 80 });
    expect(refusal(m)).toContain('input "steps": min 70 is above max 60');
    const n = comfyManifest();
    Object.assign(n.inputs[3]!, { default: 2.5 });
    expect(refusal(n).length).toBe(1);
  });

  it('refuses an input that needs wiring but has none; seeds and optional images may stay unwired', () => {
    const m = comfyManifest();
    delete m.comfyui!.bindings.steps;
    expect(refusal(m)).toEqual(['input "steps" has no binding in comfyui.bindings']);
    const unwiredSeed = comfyManifest();
    delete unwiredSeed.comfyui!.bindings.seed;
    expect(RecipeManifest.safeParse(unwiredSeed).success).toBe(true);
    const requiredImage = comfyManifest();
    Object.assign(requiredImage.inputs[6]!, { required: true });
    expect(refusal(requiredImage)).toEqual(['input "scene" has no binding in comfyui.bindings']);
  });

  it('refuses a replicate input without a field, and a field for an unknown input', () => {
    const m = replicateManifest();
    delete m.replicate!.fields.person;
    m.replicate!.fields.colour = 'color';
    expect(refusal(m).sort()).toEqual(['input "person" has no field in replicate.fields', 'replicate field for "colour", an input the recipe does not declare']);
  });

  it('refuses nodeClasses that miss a class of the graph, naming it and its node', () => {
    const m = comfyManifest();
    m.requirements.nodeClasses = m.requirements.nodeClasses.filter((c) => c !== 'VAEDecode');
    expect(refusal(m)).toEqual(['requirements.nodeClasses lacks VAEDecode (node "17")']);
  });

  it('refuses a block that does not match the backend, or none', () => {
    const both = comfyManifest();
    both.replicate = replicateManifest().replicate;
    expect(refusal(both)).toEqual(['a comfyui recipe must not have a "replicate" block']);
    const none = replicateManifest();
    delete none.replicate;
    expect(refusal(none)).toEqual(['a replicate recipe needs a "replicate" block with model and fields']);
  });

  it('refuses duplicate input names, bad names, an id of another type and unknown keys', () => {
    const dup = comfyManifest();
    dup.inputs.push({ ...dup.inputs[0]! });
    expect(refusal(dup)).toEqual(['input "prompt" is declared twice']);
    const badName = comfyManifest();
    badName.inputs[1]!.name = '2nd';
    expect(refusal(badName).length).toBeGreaterThan(0);
    const wrongId = comfyManifest();
    wrongId.id = 'model-swap/sdxl-test';
    expect(refusal(wrongId)).toEqual(['id "model-swap/sdxl-test" must start with "product-shot/", the recipe\'s type']);
    const extra = comfyManifest();
    Object.assign(extra, { notes: 'typo-prone' });
    expect(refusal(extra).length).toBe(1);
  });

  it('requires folder and file of every model in a comfyui recipe', () => {
    const m = comfyManifest();
    delete m.requirements.models[0]!.file;
    expect(refusal(m)).toEqual(['model "SDXL base 1.0" needs folder and file for a comfyui recipe']);
  });
});
