import { z } from 'zod';
import { LocalisedText } from './localised.ts';
import { ComfyApiGraph, ComfyBindings, validateComfyGraph } from './comfy-graph.ts';
import { JobType } from './job-type.ts';
import { RecipeId } from './recipe-ref.ts';

/**
 * A GPU recipe as data: `workflows/recipes/<job-type>/<name>.json`. Everything a farm needs to offer it
 * (typed inputs for the form), run it (a ComfyUI graph with bindings, or a Replicate model with field names)
 * and judge it (models, licences, GPU time) is in the file, and every cross-reference is checked here,
 * at load, so a broken recipe never reaches a GPU.
 */

/** Longest text a text input takes: prompts, not essays. */
export const textInputMaxLength = 4000;

/** What an image input is for; the studio shows the library filtered by role. */
export const RecipeImageRole = z.enum(['product', 'scene', 'garment', 'person']);
export type RecipeImageRole = z.infer<typeof RecipeImageRole>;

/** Input names become parameter names and Replicate field keys, so they are plain identifiers. */
export const RecipeInputName = z.string().regex(/^[a-zA-Z][a-zA-Z0-9_]*$/, 'expected an identifier like garment or cfg_scale');

/** `help`: one line under the control saying what the value changes, in both languages. */
const inputBase = { name: RecipeInputName, label: LocalisedText, help: LocalisedText.optional() };

export const ManifestImageInput = z.strictObject({ ...inputBase, kind: z.literal('image'), role: RecipeImageRole, required: z.boolean() });
export const ManifestTextInput = z.strictObject({
  ...inputBase, kind: z.literal('text'), default: z.string().max(textInputMaxLength).optional(), multiline: z.boolean().optional(),
});
/** Filled per variant by the farm (see `seedFor`), never by the person submitting. */
export const ManifestSeedInput = z.strictObject({ ...inputBase, kind: z.literal('seed') });
export const ManifestIntegerInput = z.strictObject({
  ...inputBase, kind: z.literal('integer'),
  min: z.int().optional(), max: z.int().optional(), step: z.int().positive().optional(), default: z.int().optional(),
});
export const ManifestNumberInput = z.strictObject({
  ...inputBase, kind: z.literal('number'),
  min: z.number().optional(), max: z.number().optional(), step: z.number().positive().optional(), default: z.number().optional(),
});
export const ManifestEnumInput = z.strictObject({
  ...inputBase, kind: z.literal('enum'), options: z.array(z.string().min(1)).min(1), default: z.string().optional(),
  /** Each option as a designer reads it (value → both languages); a published recipe labels every option. */
  optionLabels: z.record(z.string(), LocalisedText).optional(),
});

export const RecipeManifestInput = z.discriminatedUnion('kind', [
  ManifestImageInput, ManifestTextInput, ManifestSeedInput, ManifestIntegerInput, ManifestNumberInput, ManifestEnumInput,
]);
export type ManifestImageInput = z.infer<typeof ManifestImageInput>;
export type ManifestTextInput = z.infer<typeof ManifestTextInput>;
export type ManifestSeedInput = z.infer<typeof ManifestSeedInput>;
export type ManifestIntegerInput = z.infer<typeof ManifestIntegerInput>;
export type ManifestNumberInput = z.infer<typeof ManifestNumberInput>;
export type ManifestEnumInput = z.infer<typeof ManifestEnumInput>;
export type RecipeManifestInput = z.infer<typeof RecipeManifestInput>;
export type RecipeManifestInputKind = RecipeManifestInput['kind'];

/**
 * A model a recipe loads, with its licence: the farm refuses commercial jobs on recipes with any
 * non-commercial model. `folder`/`file` (ComfyUI's models/<folder>/<file>) are required for comfyui recipes.
 */
export const ModelRequirement = z.strictObject({
  folder: z.string().min(1).optional(),
  file: z.string().min(1).optional(),
  model: z.string().min(1),
  source: z.url(),
  licence: z.string().min(1),
  commercialUse: z.boolean(),
});
export type ModelRequirement = z.infer<typeof ModelRequirement>;

export const ComfyRecipeBlock = z.strictObject({ graph: ComfyApiGraph, bindings: ComfyBindings });
export type ComfyRecipeBlock = z.infer<typeof ComfyRecipeBlock>;

export const ReplicateRecipeBlock = z.strictObject({
  /** An official model (`owner/name`), run through `POST /v1/models/{owner}/{name}/predictions`. */
  model: z.string().regex(/^[a-z0-9][a-z0-9._-]*\/[a-z0-9][a-z0-9._-]*$/i, 'expected owner/name'),
  /** A pinned version; without it the model's latest version runs. */
  version: z.string().regex(/^[0-9a-f]{64}$/, 'expected a 64-hex version id').optional(),
  /** Input name → the model's input field. */
  fields: z.record(RecipeInputName, z.string().min(1)),
  /** Constant input fields sent with every prediction. */
  fixedInput: z.record(z.string().min(1), z.json()).optional(),
});
export type ReplicateRecipeBlock = z.infer<typeof ReplicateRecipeBlock>;

type Ctx = z.RefinementCtx;
type Path = (string | number)[];
type RecipeManifestShape = z.infer<typeof RecipeManifestShape>;

const RecipeManifestShape = z.strictObject({
  id: RecipeId,
  version: z.int().positive(),
  type: JobType,
  /** `draft`: imported, not yet offered to people. */
  status: z.enum(['published', 'draft']),
  title: LocalisedText,
  description: LocalisedText,
  backend: z.enum(['comfyui', 'replicate']),
  inputs: z.array(RecipeManifestInput),
  outputs: z.strictObject({ kind: z.enum(['image', 'video']), count: z.int().positive() }),
  requirements: z.strictObject({
    /** Every class_type the graph uses, so a server missing a custom node is found before a job is sent. */
    nodeClasses: z.array(z.string().min(1)),
    models: z.array(ModelRequirement),
  }),
  /** False when any model is not commercially usable; must agree with `requirements.models`. */
  commercialUse: z.boolean(),
  estimate: z.strictObject({ gpuSecondsPerRun: z.number().positive(), referenceGpu: z.string().min(1) }),
  comfyui: ComfyRecipeBlock.optional(),
  replicate: ReplicateRecipeBlock.optional(),
});

/** Inputs the backend must receive: all but farm-supplied seeds and optional images (which may stay unwired). */
const needsWiring = (input: RecipeManifestInput): boolean => input.kind !== 'seed' && !(input.kind === 'image' && !input.required);

function checkInputs(m: RecipeManifestShape, ctx: Ctx): void {
  const seen = new Set<string>();
  m.inputs.forEach((input, i) => {
    const at: Path = ['inputs', i];
    if (seen.has(input.name)) ctx.addIssue({ code: 'custom', path: [...at, 'name'], message: `input "${input.name}" is declared twice` });
    seen.add(input.name);
    if (input.kind === 'integer' || input.kind === 'number') {
      const { min, max } = input;
      if (min !== undefined && max !== undefined && min > max) {
        ctx.addIssue({ code: 'custom', path: [...at, 'min'], message: `input "${input.name}": min ${min} is above max ${max}` });
      }
      const d = input.default;
      if (d !== undefined && ((min !== undefined && d < min) || (max !== undefined && d > max))) {
        ctx.addIssue({ code: 'custom', path: [...at, 'default'], message: `input "${input.name}": default ${d} is outside [${min ?? '-∞'}, ${max ?? '∞'}]` });
      }
    }
    if (input.kind === 'enum') {
      if (new Set(input.options).size !== input.options.length) {
        ctx.addIssue({ code: 'custom', path: [...at, 'options'], message: `input "${input.name}": options repeat a value` });
      }
      if (input.default !== undefined && !input.options.includes(input.default)) {
        ctx.addIssue({ code: 'custom', path: [...at, 'default'], message: `input "${input.name}": default "${input.default}" is not one of ${input.options.join(', ')}` });
      }
      for (const value of Object.keys(input.optionLabels ?? {})) {
        if (!input.options.includes(value)) {
          ctx.addIssue({ code: 'custom', path: [...at, 'optionLabels', value], message: `input "${input.name}": optionLabels names "${value}", which is not one of its options` });
        }
      }
    }
  });
}

function checkComfy(m: RecipeManifestShape, block: ComfyRecipeBlock, ctx: Ctx): void {
  const { graph, bindings } = block;
  for (const issue of validateComfyGraph(graph)) ctx.addIssue({ code: 'custom', path: ['comfyui', 'graph', ...issue.path], message: issue.message });
  const declared = new Map(m.inputs.map((i) => [i.name, i]));
  for (const [name, refs] of Object.entries(bindings)) {
    if (!declared.has(name)) {
      ctx.addIssue({ code: 'custom', path: ['comfyui', 'bindings', name], message: `binding "${name}" is for an input the recipe does not declare` });
    }
    refs.forEach((ref, j) => {
      const node = graph[ref.node];
      const at: Path = ['comfyui', 'bindings', name, j];
      if (!node) {
        ctx.addIssue({ code: 'custom', path: [...at, 'node'], message: `binding "${name}" sets node "${ref.node}", which is not in the graph` });
      } else if (!Object.hasOwn(node.inputs, ref.field)) {
        ctx.addIssue({
          code: 'custom', path: [...at, 'field'],
          message: `binding "${name}" sets node "${ref.node}" (${node.class_type}) field "${ref.field}", which it does not have (it has ${Object.keys(node.inputs).join(', ') || 'no inputs'})`,
        });
      }
    });
  }
  m.inputs.forEach((input, i) => {
    if (needsWiring(input) && !bindings[input.name]) {
      ctx.addIssue({ code: 'custom', path: ['inputs', i], message: `input "${input.name}" has no binding in comfyui.bindings` });
    }
  });
  const listed = new Set(m.requirements.nodeClasses);
  const missing = [...new Set(Object.entries(graph).filter(([, n]) => !listed.has(n.class_type)).map(([id, n]) => `${n.class_type} (node "${id}")`))];
  if (missing.length > 0) {
    ctx.addIssue({ code: 'custom', path: ['requirements', 'nodeClasses'], message: `requirements.nodeClasses lacks ${missing.join(', ')}` });
  }
  m.requirements.models.forEach((model, i) => {
    if (!model.folder || !model.file) {
      ctx.addIssue({ code: 'custom', path: ['requirements', 'models', i], message: `model "${model.model}" needs folder and file for a comfyui recipe` });
    }
  });
}

function checkReplicate(m: RecipeManifestShape, block: ReplicateRecipeBlock, ctx: Ctx): void {
  const declared = new Set(m.inputs.map((i) => i.name));
  for (const name of Object.keys(block.fields)) {
    if (!declared.has(name)) {
      ctx.addIssue({ code: 'custom', path: ['replicate', 'fields', name], message: `replicate field for "${name}", an input the recipe does not declare` });
    }
  }
  m.inputs.forEach((input, i) => {
    if (needsWiring(input) && !block.fields[input.name]) {
      ctx.addIssue({ code: 'custom', path: ['inputs', i], message: `input "${input.name}" has no field in replicate.fields` });
    }
  });
  const mapped = new Set(Object.values(block.fields));
  for (const key of Object.keys(block.fixedInput ?? {})) {
    if (mapped.has(key)) {
      ctx.addIssue({ code: 'custom', path: ['replicate', 'fixedInput', key], message: `replicate.fixedInput "${key}" is also the field of an input` });
    }
  }
  if (m.requirements.nodeClasses.length > 0) {
    ctx.addIssue({ code: 'custom', path: ['requirements', 'nodeClasses'], message: 'requirements.nodeClasses must be [] for a replicate recipe' });
  }
}

export const RecipeManifest = RecipeManifestShape.superRefine((m, ctx) => {
  if (!m.id.startsWith(`${m.type}/`)) {
    ctx.addIssue({ code: 'custom', path: ['id'], message: `id "${m.id}" must start with "${m.type}/", the recipe's type` });
  }
  checkInputs(m, ctx);
  const other = m.backend === 'comfyui' ? 'replicate' : 'comfyui';
  if (m[other]) ctx.addIssue({ code: 'custom', path: [other], message: `a ${m.backend} recipe must not have a "${other}" block` });
  if (m.backend === 'comfyui') {
    if (m.comfyui) checkComfy(m, m.comfyui, ctx);
    else ctx.addIssue({ code: 'custom', path: ['comfyui'], message: 'a comfyui recipe needs a "comfyui" block with graph and bindings' });
  } else if (m.replicate) {
    checkReplicate(m, m.replicate, ctx);
  } else {
    ctx.addIssue({ code: 'custom', path: ['replicate'], message: 'a replicate recipe needs a "replicate" block with model and fields' });
  }
  const commercial = m.requirements.models.every((model) => model.commercialUse);
  if (m.commercialUse !== commercial) {
    const blocking = m.requirements.models.filter((model) => !model.commercialUse).map((model) => model.model);
    ctx.addIssue({
      code: 'custom', path: ['commercialUse'],
      message: commercial
        ? 'commercialUse is false, but every model in requirements.models allows commercial use'
        : `commercialUse is true, but ${blocking.join(', ')} does not allow commercial use`,
    });
  }
});
export type RecipeManifest = z.infer<typeof RecipeManifest>;
