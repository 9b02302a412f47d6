import { ComfyApiGraph, jsonDepth, RecipeManifest, valueDepth, type JobType, type RecipeImageRole } from '@shotfarm/shared';
import { convertUiToApi } from './convert-ui-to-api.ts';
import { detectBindings, type DetectedBindings } from './detect-bindings.ts';
import { extractWorkflowFromImage, isPng, isWebp, maxWorkflowDepth } from './extract-workflow-from-image.ts';
import type { ObjectInfo } from './object-info.ts';
import { looksLikeUiWorkflow } from './ui-workflow.ts';
import { invalidWorkflow, workflowTooComplex, workflowTooLarge } from './workflow-import-error.ts';

/**
 * One entry for every way a designer hands us a workflow: API JSON, UI JSON (converted with the server's
 * object_info) or a PNG/WebP ComfyUI saved. The result is a draft manifest a designer completes before publishing.
 */

/** A placeholder until the farm has measured the recipe; drafts are never scheduled. */
export const draftGpuSecondsPerRun = 60;
export const draftReferenceGpu = 'unmeasured';

export interface ImportWorkflowInput {
  /** Parsed JSON, or a JSON string. */
  json?: unknown;
  /** File bytes: JSON text, PNG or WebP. */
  file?: Buffer;
  objectInfo?: ObjectInfo;
  /** The `<name>` part of the draft's id; defaults to `imported`. */
  name?: string;
  /** The recipe type; guessed from outputs and image roles when absent. */
  type?: JobType;
  /** Caps on what one import may cost; each defaults to {@link defaultImportLimits}. */
  limits?: Partial<ImportLimits>;
}

export interface ImportLimits {
  /** Largest file or JSON text, and largest text a PNG may inflate to, bytes (SF_WORKFLOW_TOO_LARGE). */
  maxBytes: number;
  /** Most nodes in the graph (SF_WORKFLOW_TOO_COMPLEX). */
  maxNodes: number;
}

export const defaultImportLimits: ImportLimits = { maxBytes: 4 * 1024 * 1024, maxNodes: 1000 };

/** How many nodes a parsed workflow declares, in either format, counted before anything walks them. */
function nodeCount(value: unknown): number {
  if (typeof value !== 'object' || value === null) return 0;
  const nodes = (value as { nodes?: unknown }).nodes;
  return Array.isArray(nodes) ? nodes.length : Object.keys(value).length;
}

export interface ImportWorkflowResult {
  manifest: RecipeManifest;
  /** What the import guessed or dropped, for the designer to check. */
  warnings: string[];
  source: 'api' | 'ui' | 'png' | 'webp';
}

const defaultDraftName = 'imported';

function parseJsonText(text: string): unknown {
  // Scanned without recursion first: 2,000 levels of nesting overflowed the stack of the validators that follow.
  if (jsonDepth(text, maxWorkflowDepth) > maxWorkflowDepth) throw workflowTooComplex(`the workflow is nested more than ${maxWorkflowDepth} levels deep`);
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw invalidWorkflow(`the file is not valid JSON (${(e as Error).message})`);
  }
}

/** True for a value shaped like the API format: an object of `{class_type, inputs}` nodes. */
export function looksLikeApiGraph(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const nodes = Object.values(value as Record<string, unknown>);
  return nodes.length > 0 && nodes.every((n) => typeof n === 'object' && n !== null && typeof (n as { class_type?: unknown }).class_type === 'string');
}

/** Parses an API graph, keeping only class_type, inputs and _meta (extras such as `is_changed` are dropped). */
function parseApiGraph(value: unknown): ComfyApiGraph {
  const parsed = ComfyApiGraph.safeParse(value);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw invalidWorkflow(`not a valid ComfyUI API-format graph: ${first ? `${first.path.join('.') || '(root)'}: ${first.message}` : 'bad shape'}`);
  }
  return parsed.data;
}

function toGraph(value: unknown, objectInfo: ObjectInfo | undefined): { graph: ComfyApiGraph; warnings: string[]; format: 'api' | 'ui' } {
  if (looksLikeApiGraph(value)) return { graph: parseApiGraph(value), warnings: [], format: 'api' };
  if (looksLikeUiWorkflow(value)) return { ...convertUiToApi(value, objectInfo), format: 'ui' };
  const what = Array.isArray(value) ? 'a JSON array' : typeof value === 'object' && value !== null ? `an object with keys ${Object.keys(value).slice(0, 8).join(', ') || '(none)'}` : `a JSON ${typeof value}`;
  throw invalidWorkflow(`not a ComfyUI workflow: expected the API format ({"<id>": {"class_type", "inputs"}}) or the UI format ({"nodes", "links"}), got ${what}`);
}

function guessType(detected: DetectedBindings): JobType {
  if (detected.outputs.kind === 'video') return 'short-video';
  const roles = new Set<RecipeImageRole>(detected.inputs.flatMap((i) => (i.kind === 'image' ? [i.role] : [])));
  return roles.has('garment') || roles.has('person') ? 'model-swap' : 'product-shot';
}

const kebab = (s: string): string => s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '') || defaultDraftName;

/** Builds the draft manifest for a graph. */
export function draftManifest(graph: ComfyApiGraph, objectInfo?: ObjectInfo, options: { name?: string; type?: JobType } = {}): RecipeManifest {
  return buildDraft(graph, objectInfo, options).manifest;
}

function buildDraft(graph: ComfyApiGraph, objectInfo: ObjectInfo | undefined, options: { name?: string; type?: JobType }): { manifest: RecipeManifest; warnings: string[] } {
  const detected = detectBindings(graph, objectInfo);
  const type = options.type ?? guessType(detected);
  const name = kebab(options.name ?? defaultDraftName);
  const candidate = {
    id: `${type}/${name}`,
    version: 1,
    type,
    status: 'draft',
    title: { 'zh-CN': `导入的工作流 ${name}`, en: `Imported workflow ${name}` },
    description: { 'zh-CN': '从 ComfyUI 工作流导入的草稿，发布前请检查输入和模型许可。', en: 'Draft imported from a ComfyUI workflow; check inputs and model licences before publishing.' },
    backend: 'comfyui',
    inputs: detected.inputs,
    outputs: detected.outputs,
    requirements: { nodeClasses: detected.nodeClasses, models: detected.models },
    commercialUse: detected.models.every((m) => m.commercialUse),
    estimate: { gpuSecondsPerRun: draftGpuSecondsPerRun, referenceGpu: draftReferenceGpu },
    comfyui: { graph, bindings: detected.bindings },
  };
  const parsed = RecipeManifest.safeParse(candidate);
  if (!parsed.success) {
    throw invalidWorkflow(`the workflow cannot become a recipe: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
  }
  return { manifest: parsed.data, warnings: detected.warnings };
}

/**
 * Imports a workflow. Throws `WorkflowImportError` (`SF_WORKFLOW_INVALID` for anything that is not a
 * usable workflow, `SF_WORKFLOW_NODES_UNKNOWN` for a UI file whose classes object_info lacks).
 */
export function importWorkflow(input: ImportWorkflowInput): ImportWorkflowResult {
  const { objectInfo } = input;
  const limits = { ...defaultImportLimits, ...input.limits };
  let value: unknown;
  let source: ImportWorkflowResult['source'];
  const warnings: string[] = [];
  if (input.file !== undefined && input.file.length > limits.maxBytes) throw workflowTooLarge(`the file is ${input.file.length} bytes, more than the ${limits.maxBytes} allowed`);
  if (typeof input.json === 'string' && input.json.length > limits.maxBytes) throw workflowTooLarge(`the workflow is ${input.json.length} characters, more than the ${limits.maxBytes} allowed`);
  if (input.file !== undefined && (isPng(input.file) || isWebp(input.file))) {
    const embedded = extractWorkflowFromImage(input.file, limits.maxBytes);
    if (!embedded) throw invalidWorkflow('the image carries no ComfyUI workflow (no "prompt" or "workflow" metadata)');
    source = embedded.format;
    // The API graph is what actually ran; the UI copy is only the fallback.
    value = embedded.prompt ?? embedded.workflow;
    if (embedded.prompt === undefined) warnings.push('the image has only the UI-format workflow; it was converted with the server\'s node definitions');
  } else {
    const raw = input.file !== undefined ? input.file.toString('utf8') : input.json;
    if (raw === undefined) throw invalidWorkflow('send a workflow: a JSON body or a file (API JSON, UI JSON, PNG or WebP)');
    value = typeof raw === 'string' ? parseJsonText(raw) : raw;
    if (typeof raw !== 'string' && valueDepth(value, maxWorkflowDepth) > maxWorkflowDepth) throw workflowTooComplex(`the workflow is nested more than ${maxWorkflowDepth} levels deep`);
    source = 'api';
  }
  const nodes = nodeCount(value);
  if (nodes > limits.maxNodes) throw workflowTooComplex(`the workflow has ${nodes} nodes, more than the ${limits.maxNodes} allowed`);
  const { graph, warnings: convertWarnings, format } = toGraph(value, objectInfo);
  if (source === 'api') source = format;
  const draft = buildDraft(graph, objectInfo, input);
  return { manifest: draft.manifest, warnings: [...warnings, ...convertWarnings, ...draft.warnings], source };
}
