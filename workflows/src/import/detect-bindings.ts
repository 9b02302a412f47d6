import {
  isLink, outputNodeClasses, type ComfyApiGraph, type ComfyBindings, type ComfyFieldRef, type ComfyInputValue,
  type LocalisedText, type ModelRequirement, type RecipeImageRole, type RecipeManifestInput,
} from '@shotfarm/shared';
import { orderedInputs, type ObjectInfo } from './object-info.ts';

/**
 * Proposes a recipe's typed inputs from an API graph: which fields a designer will want to expose
 * (images, prompts, seed, steps/cfg/denoise), which outputs it has and which model files it loads.
 * A proposal only: an imported recipe stays a draft until a designer has checked it.
 */

/** Image loader class → the field holding the file name. */
const imageLoaders: Record<string, string> = {
  LoadImage: 'image', LoadImageMask: 'image', LoadImageOutput: 'image', VHS_LoadImage: 'image', VHS_LoadImagePath: 'image',
};

/** Text encoder class → its prompt fields (other encoders are found through object_info's multiline strings). */
const textEncoderFields: Record<string, string[]> = {
  CLIPTextEncode: ['text'],
  CLIPTextEncodeSDXL: ['text_g', 'text_l'],
  CLIPTextEncodeSDXLRefiner: ['text'],
  CLIPTextEncodeFlux: ['t5xxl', 'clip_l'],
  CLIPTextEncodeSD3: ['clip_l', 'clip_g', 't5xxl'],
  CLIPTextEncodeHunyuanDiT: ['bert', 'mt5xl'],
  TextEncodeQwenImageEdit: ['prompt'],
  TextEncodeQwenImageEditPlus: ['prompt'],
  TextEncodeHunyuanVideo_ImageToVideo: ['prompt'],
};

/** Sampler-side numbers worth exposing, with the bounds used when object_info does not give any. */
const numericFields: Record<string, { kind: 'integer' | 'number'; min: number; max: number; step: number; label: LocalisedText }> = {
  steps: { kind: 'integer', min: 1, max: 150, step: 1, label: { 'zh-CN': '步数', en: 'Steps' } },
  cfg: { kind: 'number', min: 0, max: 30, step: 0.1, label: { 'zh-CN': '提示词引导系数', en: 'CFG scale' } },
  denoise: { kind: 'number', min: 0, max: 1, step: 0.01, label: { 'zh-CN': '重绘幅度', en: 'Denoise' } },
};

const seedFields = new Set(['seed', 'noise_seed']);

/** Model-file fields → ComfyUI's models/<folder>. */
const modelFolders: Record<string, string> = {
  ckpt_name: 'checkpoints', unet_name: 'diffusion_models', lora_name: 'loras', vae_name: 'vae',
  clip_name: 'text_encoders', clip_name1: 'text_encoders', clip_name2: 'text_encoders', clip_name3: 'text_encoders', clip_name4: 'text_encoders',
  control_net_name: 'controlnet', style_model_name: 'style_models', model_name: 'upscale_models', upscale_model: 'upscale_models',
};
/** Loaders whose `clip_name` is a CLIP-vision model, not a text encoder. */
const clipVisionLoaders = new Set(['CLIPVisionLoader']);

const videoOutputClasses = new Set(['SaveAnimatedWEBP', 'SaveAnimatedPNG', 'SaveVideo', 'SaveWEBM', 'VHS_VideoCombine']);

export interface DetectedBindings {
  inputs: RecipeManifestInput[];
  bindings: ComfyBindings;
  outputs: { kind: 'image' | 'video'; count: number };
  nodeClasses: string[];
  models: ModelRequirement[];
  warnings: string[];
}

const nodeIds = (graph: ComfyApiGraph): string[] => Object.keys(graph).sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));

/** node id → the (consumer, input name) pairs its outputs feed. */
function consumersOf(graph: ComfyApiGraph): Map<string, { node: string; field: string }[]> {
  const map = new Map<string, { node: string; field: string }[]>();
  for (const [id, node] of Object.entries(graph)) {
    for (const [field, value] of Object.entries(node.inputs)) {
      if (!isLink(value)) continue;
      const list = map.get(value[0]) ?? [];
      list.push({ node: id, field });
      map.set(value[0], list);
    }
  }
  return map;
}

/** Follows an encoder's output downstream until it enters some node as `positive` or `negative`. */
function polarity(start: string, consumers: Map<string, { node: string; field: string }[]>): 'positive' | 'negative' | undefined {
  const queue = [start];
  const seen = new Set(queue);
  while (queue.length > 0) {
    const id = queue.shift()!;
    for (const c of consumers.get(id) ?? []) {
      if (c.field === 'negative') return 'negative';
      if (c.field === 'positive') return 'positive';
      if (!seen.has(c.node)) {
        seen.add(c.node);
        queue.push(c.node);
      }
    }
  }
  return undefined;
}

function imageRole(title: string, file: string): RecipeImageRole {
  const hay = `${title} ${file}`.toLowerCase();
  if (/garment|cloth|outfit|dress|shirt|jacket|服装|衣/.test(hay)) return 'garment';
  if (/person|model|human|people|target|人/.test(hay)) return 'person';
  if (/scene|background|bg|场景|背景/.test(hay)) return 'scene';
  return 'product';
}

const roleLabels: Record<RecipeImageRole, LocalisedText> = {
  product: { 'zh-CN': '商品图', en: 'Product photo' },
  scene: { 'zh-CN': '场景图', en: 'Scene photo' },
  garment: { 'zh-CN': '服装图', en: 'Garment photo' },
  person: { 'zh-CN': '模特图', en: 'Model photo' },
};

/** Unique identifiers: `prompt`, `prompt_2`, … */
class Names {
  private readonly used = new Set<string>();
  take(base: string): string {
    let name = base;
    for (let i = 2; this.used.has(name); i++) name = `${base}_${i}`;
    this.used.add(name);
    return name;
  }
}

function textFields(classType: string, objectInfo: ObjectInfo | undefined): string[] {
  const known = textEncoderFields[classType];
  if (known) return known;
  const spec = objectInfo?.[classType];
  if (!spec || !/TextEncode/i.test(classType)) return [];
  return orderedInputs(spec).flatMap((i) => (i.widget?.type === 'STRING' && i.widget.options.multiline === true ? [i.name] : []));
}

function numericBounds(classType: string, field: string, objectInfo: ObjectInfo | undefined): { min?: number; max?: number; step?: number } {
  const spec = objectInfo?.[classType];
  const w = spec ? orderedInputs(spec).find((i) => i.name === field)?.widget : undefined;
  const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
  return { min: num(w?.options.min), max: num(w?.options.max), step: num(w?.options.step) };
}

function modelRequirement(classType: string, field: string, value: ComfyInputValue): ModelRequirement | undefined {
  if (typeof value !== 'string' || !Object.hasOwn(modelFolders, field)) return undefined;
  if (field === 'model_name' && !/Upscale/i.test(classType)) return undefined;
  const folder = clipVisionLoaders.has(classType) ? 'clip_vision' : modelFolders[field]!;
  const base = value.split(/[\\/]/).pop() ?? value;
  return {
    folder, file: value, model: base.replace(/\.[a-z0-9]+$/i, '') || base,
    // A search link, not a claim of origin: the designer replaces it with the real source.
    source: `https://huggingface.co/models?search=${encodeURIComponent(base)}`,
    licence: 'unknown', commercialUse: false,
  };
}

/** Detects inputs, bindings, outputs, classes and models of an API-format graph. */
export function detectBindings(graph: ComfyApiGraph, objectInfo?: ObjectInfo): DetectedBindings {
  const inputs: RecipeManifestInput[] = [];
  const bindings: ComfyBindings = {};
  const warnings: string[] = [];
  const names = new Names();
  const consumers = consumersOf(graph);
  const bind = (name: string, refs: ComfyFieldRef[]): void => {
    bindings[name] = refs;
  };
  const ids = nodeIds(graph);

  for (const id of ids) {
    const node = graph[id]!;
    const field = imageLoaders[node.class_type];
    const value = field ? node.inputs[field] : undefined;
    if (!field || typeof value !== 'string') continue;
    const role = imageRole(node._meta?.title ?? '', value);
    const name = names.take(role);
    inputs.push({ name, kind: 'image', role, required: true, label: roleLabels[role] });
    bind(name, [{ node: id, field }]);
  }

  // Prompts: one input per distinct (polarity, text), so a base+refiner pair shares its prompt.
  const texts = new Map<string, { polarity: 'positive' | 'negative'; text: string; refs: ComfyFieldRef[] }>();
  for (const id of ids) {
    const node = graph[id]!;
    for (const field of textFields(node.class_type, objectInfo)) {
      const value = node.inputs[field];
      if (typeof value !== 'string') continue;
      const pol = polarity(id, consumers) ?? 'positive';
      const key = `${pol}\u0000${value}`;
      const entry = texts.get(key) ?? { polarity: pol, text: value, refs: [] };
      entry.refs.push({ node: id, field });
      texts.set(key, entry);
    }
  }
  for (const { polarity: pol, text, refs } of texts.values()) {
    const name = names.take(pol === 'negative' ? 'negative' : 'prompt');
    const label: LocalisedText = pol === 'negative' ? { 'zh-CN': '反向提示词', en: 'Negative prompt' } : { 'zh-CN': '提示词', en: 'Prompt' };
    inputs.push({ name, kind: 'text', default: text.slice(0, 4000), multiline: true, label });
    bind(name, refs);
  }

  const seedRefs: ComfyFieldRef[] = [];
  for (const id of ids) {
    for (const [field, value] of Object.entries(graph[id]!.inputs)) if (seedFields.has(field) && typeof value === 'number') seedRefs.push({ node: id, field });
  }
  if (seedRefs.length > 0) {
    const name = names.take('seed');
    inputs.push({ name, kind: 'seed', label: { 'zh-CN': '随机种子', en: 'Seed' } });
    bind(name, seedRefs);
  }

  for (const [field, meta] of Object.entries(numericFields)) {
    const byValue = new Map<number, { refs: ComfyFieldRef[]; classType: string }>();
    for (const id of ids) {
      const value = graph[id]!.inputs[field];
      if (typeof value !== 'number') continue;
      const entry = byValue.get(value) ?? { refs: [], classType: graph[id]!.class_type };
      entry.refs.push({ node: id, field });
      byValue.set(value, entry);
    }
    for (const [value, { refs, classType }] of byValue) {
      const bounds = numericBounds(classType, field, objectInfo);
      const min = Math.min(value, bounds.min ?? meta.min);
      const max = Math.max(value, Math.min(bounds.max ?? meta.max, meta.max));
      const name = names.take(field);
      const step = meta.kind === 'integer' ? Math.max(1, Math.round(bounds.step ?? meta.step)) : (bounds.step ?? meta.step);
      if (meta.kind === 'integer' && !Number.isInteger(value)) continue;
      inputs.push({ name, kind: meta.kind, min, max, step, default: value, label: meta.label } as RecipeManifestInput);
      bind(name, refs);
    }
  }

  const outputIds = ids.filter((id) => outputNodeClasses.includes(graph[id]!.class_type) || objectInfo?.[graph[id]!.class_type]?.output_node === true);
  if (outputIds.length === 0) warnings.push('the graph has no output node (SaveImage, PreviewImage, SaveAnimatedWEBP, …); ComfyUI will refuse it');
  const videoOutputs = outputIds.filter((id) => videoOutputClasses.has(graph[id]!.class_type));
  const outputs = videoOutputs.length > 0
    ? { kind: 'video' as const, count: videoOutputs.length }
    : { kind: 'image' as const, count: Math.max(1, outputIds.length) };

  const models = new Map<string, ModelRequirement>();
  for (const id of ids) {
    const node = graph[id]!;
    for (const [field, value] of Object.entries(node.inputs)) {
      const req = modelRequirement(node.class_type, field, value);
      if (req) models.set(`${req.folder}/${req.file}`, req);
    }
  }
  if (models.size > 0) warnings.push(`licences of ${models.size} model file(s) are unknown; the draft is marked not for commercial use until a designer fills them in`);

  const nodeClasses = [...new Set(Object.values(graph).map((n) => n.class_type))].sort();
  return { inputs, bindings, outputs, nodeClasses, models: [...models.values()], warnings };
}
