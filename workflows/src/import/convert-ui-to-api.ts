import type { ComfyApiGraph, ComfyInputValue } from '@shotfarm/shared';
import { hasUploadButton, widgetInputs, type ObjectInfo, type WidgetInput } from './object-info.ts';
import { linksById, UiWorkflow, type UiLink, type UiNode } from './ui-workflow.ts';
import { invalidWorkflow, WorkflowNodesUnknownError } from './workflow-import-error.ts';

/**
 * UI format → API format, the way the editor's `graphToPrompt` does it (protocol §3.3–3.4). Needs the
 * server's object_info because a UI node stores widget values by position only.
 */

/** Node types that exist only in the editor and never reach the server. */
export const virtualNodeTypes: ReadonlySet<string> = new Set(['Note', 'MarkdownNote', 'PrimitiveNode', 'Reroute']);

const modeMuted = 2;
const modeBypassed = 4;

/**
 * Which editor wrote the file decides how LoadImage's upload button shows up in the API graph: the
 * pre-2024 litegraph editor sent it as `"choose file to upload": "image"`, the early split frontend as
 * `"upload": "image"`, and frontends that stamp `extra.frontendVersion` do not send it at all.
 */
export type UploadWidgetStyle = 'choose file to upload' | 'upload' | 'none';

/**
 * Serialized widgets that the modern frontend adds from its own JavaScript, not from object_info (seen in
 * the editor's API exports); they carry no value in `widgets_values`.
 */
const frontendAddedWidgets: Record<string, Record<string, ComfyInputValue>> = {
  SaveWEBM: { 'video-preview': '' },
};

export interface ConvertOptions {
  /** Override the editor-era guess for the upload button (see {@link UploadWidgetStyle}). */
  uploadWidget?: UploadWidgetStyle;
}

export interface ConvertResult {
  graph: ComfyApiGraph;
  warnings: string[];
}

/** The era guess: old litegraph saved sizes as `{"0": w, "1": h}`; newer frontends stamp their version. */
export function guessUploadWidgetStyle(workflow: UiWorkflow): UploadWidgetStyle {
  if (workflow.extra?.frontendVersion) return 'none';
  const legacySize = workflow.nodes.some((n) => typeof n.size === 'object' && n.size !== null && !Array.isArray(n.size));
  return legacySize ? 'choose file to upload' : 'upload';
}

/**
 * Widgets a combo adds for its chosen option, declared as `{formats: {option: [[name, …], …]}}` (VideoHelperSuite's
 * `format`: `pix_fmt`, `crf` … for `video/h264-mp4`). The editor sends them; such nodes save values by name.
 */
function formatWidgetNames(widgets: WidgetInput[], values: Record<string, unknown>): string[] {
  return widgets.flatMap((w) => {
    const formats = w.options.formats;
    const chosen = values[w.name];
    if (typeof formats !== 'object' || formats === null || typeof chosen !== 'string') return [];
    const extra: unknown = (formats as Record<string, unknown>)[chosen];
    return Array.isArray(extra) ? extra.flatMap((spec) => (Array.isArray(spec) && typeof spec[0] === 'string' ? [spec[0]] : [])) : [];
  });
}

const wrapLiteral = (v: ComfyInputValue): ComfyInputValue => (Array.isArray(v) ? { __value__: v } : v);
const isNormalMode = (mode: number | undefined): boolean => mode !== modeMuted && mode !== modeBypassed;
const typesMatch = (a: unknown, b: unknown): boolean => a === b || a === '*' || b === '*';

/** Throws {@link WorkflowNodesUnknownError} when any class the conversion emits is not in `objectInfo`. */
export function missingClasses(workflow: UiWorkflow, objectInfo: ObjectInfo | undefined): string[] {
  const used = new Set(workflow.nodes.filter((n) => !virtualNodeTypes.has(n.type) && isNormalMode(n.mode)).map((n) => n.type));
  return [...used].filter((t) => !objectInfo?.[t]).sort();
}

class Converter {
  private readonly nodes = new Map<string, UiNode>();
  private readonly links: Map<number, UiLink>;
  /** node id → widget name → value pushed by a PrimitiveNode. */
  private readonly pushed = new Map<string, Map<string, ComfyInputValue>>();
  readonly warnings: string[] = [];

  constructor(private readonly workflow: UiWorkflow, private readonly objectInfo: ObjectInfo, private readonly upload: UploadWidgetStyle) {
    for (const node of workflow.nodes) this.nodes.set(String(node.id), node);
    this.links = linksById(workflow);
  }

  convert(): ComfyApiGraph {
    for (const node of this.workflow.nodes) if (node.type === 'PrimitiveNode' && isNormalMode(node.mode)) this.applyPrimitive(node);
    const graph: ComfyApiGraph = {};
    for (const node of this.workflow.nodes) {
      if (virtualNodeTypes.has(node.type) || !isNormalMode(node.mode)) continue;
      const id = String(node.id);
      const inputs: Record<string, ComfyInputValue> = {
        ...this.widgetValues(node),
        ...Object.fromEntries(this.pushed.get(id) ?? []),
        ...(this.upload === 'none' ? frontendAddedWidgets[node.type] : {}),
      };
      for (const input of node.inputs ?? []) {
        if (input.link === null || input.link === undefined) continue;
        const origin = this.resolve(input.link, input.type);
        if (origin) inputs[input.widget?.name ?? input.name] = origin;
      }
      const title = node.title ?? this.objectInfo[node.type]?.display_name ?? node.type;
      graph[id] = { inputs, class_type: node.type, _meta: { title } };
    }
    for (const node of Object.values(graph)) {
      for (const [name, value] of Object.entries(node.inputs)) {
        if (Array.isArray(value) && typeof value[0] === 'string' && !graph[value[0]]) delete node.inputs[name];
      }
    }
    return graph;
  }

  /** A PrimitiveNode's first widget value goes into the widget its links reach (through reroutes). */
  private applyPrimitive(node: UiNode): void {
    const values = node.widgets_values;
    const value = Array.isArray(values) ? values[0] : undefined;
    if (value === undefined) return;
    for (const linkId of node.outputs?.flatMap((o) => o.links ?? []) ?? []) this.pushTo(linkId, value, new Set());
  }

  private pushTo(linkId: number, value: ComfyInputValue, seen: Set<number>): void {
    const link = this.links.get(linkId);
    if (!link || seen.has(linkId)) return;
    seen.add(linkId);
    const target = this.nodes.get(link.targetId);
    if (!target) return;
    if (target.type === 'Reroute') {
      for (const next of target.outputs?.flatMap((o) => o.links ?? []) ?? []) this.pushTo(next, value, seen);
      return;
    }
    const input = target.inputs?.[link.targetSlot];
    const widgetName = input?.widget?.name ?? input?.name;
    if (!widgetName) return;
    const forNode = this.pushed.get(link.targetId) ?? new Map<string, ComfyInputValue>();
    forNode.set(widgetName, wrapLiteral(value));
    this.pushed.set(link.targetId, forNode);
  }

  /** Follows a link back to the node that really produces the value, or null when nothing does. */
  private resolve(linkId: number, wantType: unknown, depth = 0): [string, number] | null {
    const link = this.links.get(linkId);
    if (!link || depth > this.nodes.size) return null;
    const origin = this.nodes.get(link.originId);
    if (!origin) return null;
    if (origin.type === 'Reroute') {
      const next = origin.inputs?.[0]?.link;
      return next === null || next === undefined ? null : this.resolve(next, wantType, depth + 1);
    }
    if (origin.mode === modeBypassed) {
      const inputs = origin.inputs ?? [];
      const sameIndex = inputs[link.originSlot];
      const candidates = [sameIndex, ...inputs.filter((_, i) => i !== link.originSlot)];
      for (const candidate of candidates) {
        if (candidate && typesMatch(candidate.type, wantType) && candidate.link !== null && candidate.link !== undefined) {
          return this.resolve(candidate.link, wantType, depth + 1);
        }
      }
      return null;
    }
    if (virtualNodeTypes.has(origin.type)) return null;
    return [link.originId, link.originSlot];
  }

  private widgetValues(node: UiNode): Record<string, ComfyInputValue> {
    const spec = this.objectInfo[node.type];
    if (!spec) return {};
    const widgets = widgetInputs(spec);
    const values = node.widgets_values;
    const out: Record<string, ComfyInputValue> = {};
    if (values === undefined) return out;
    if (!Array.isArray(values)) {
      for (const w of widgets) if (Object.hasOwn(values, w.name)) out[w.name] = wrapLiteral(values[w.name] ?? null);
      for (const name of formatWidgetNames(widgets, values)) if (Object.hasOwn(values, name)) out[name] = wrapLiteral(values[name] ?? null);
      return out;
    }
    let at = 0;
    for (const w of widgets) {
      if (at >= values.length) {
        this.missingValue(node, w, out);
        continue;
      }
      out[w.name] = wrapLiteral(values[at] ?? null);
      at += 1 + w.trailingControls;
      if (hasUploadButton(w) && at < values.length) {
        if (this.upload !== 'none') out[this.upload] = values[at] ?? null;
        at += 1;
      }
    }
    if (at < values.length) {
      this.warnings.push(`node ${String(node.id)} (${node.type}): ${values.length - at} widget value(s) beyond those object_info declares were ignored`);
    }
    return out;
  }

  /**
   * A file older than the server's node definition lacks newer widgets. An optional one stays absent (as the
   * file's own editor sent it; the server uses its default); a required one gets the declared default, or for a
   * combo that declares none (UNETLoader's `weight_dtype`) its first option, as the editor's combo widget does.
   */
  private missingValue(node: UiNode, w: WidgetInput, out: Record<string, ComfyInputValue>): void {
    if (w.optional) {
      this.warnings.push(`node ${String(node.id)} (${node.type}): optional widget "${w.name}" has no saved value; left to the server's default`);
      return;
    }
    const fallback = w.options.default ?? w.choices?.[0];
    if (fallback === undefined) {
      this.warnings.push(`node ${String(node.id)} (${node.type}): widget "${w.name}" has no saved value and no default`);
      return;
    }
    out[w.name] = wrapLiteral(fallback as ComfyInputValue);
    this.warnings.push(`node ${String(node.id)} (${node.type}): widget "${w.name}" has no saved value; used the default ${JSON.stringify(fallback)}`);
  }
}

/**
 * Converts a UI-format workflow. Throws `SF_WORKFLOW_INVALID` for a shape that is not one, and
 * {@link WorkflowNodesUnknownError} when `objectInfo` is missing or lacks a class the graph would send.
 */
export function convertUiToApi(ui: unknown, objectInfo: ObjectInfo | undefined, options: ConvertOptions = {}): ConvertResult {
  const parsed = UiWorkflow.safeParse(ui);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw invalidWorkflow(`not a ComfyUI UI-format workflow: ${first ? `${first.path.join('.') || '(root)'}: ${first.message}` : 'bad shape'}`);
  }
  const workflow = parsed.data;
  const missing = missingClasses(workflow, objectInfo);
  if (missing.length > 0 || !objectInfo) throw new WorkflowNodesUnknownError(missing, objectInfo !== undefined);
  const warnings: string[] = [];
  if ((workflow.definitions?.subgraphs?.length ?? 0) > 0) {
    warnings.push('the workflow defines subgraphs; they are not expanded — export with "Export (API)" for an exact graph');
  }
  const converter = new Converter(workflow, objectInfo, options.uploadWidget ?? guessUploadWidgetStyle(workflow));
  const graph = converter.convert();
  return { graph, warnings: [...warnings, ...converter.warnings] };
}
