import { z } from 'zod';

/**
 * ComfyUI's API-format graph (what `POST /prompt` takes as `prompt`): node id → node. This is the
 * "Save (API)" export, not the editor's UI format with positions and widgets_values.
 */

/**
 * An edge: `[source node id, output index]`. ComfyUI treats any 2-element list starting with a string
 * as a link, so a link with a bad index is a broken graph, not a literal value.
 */
export const ComfyLink = z.tuple([z.string().min(1), z.int().nonnegative()]);
export type ComfyLink = z.infer<typeof ComfyLink>;

/** A literal widget value or a link; literals are any JSON (strings, numbers, booleans, lists for some nodes). */
export const ComfyInputValue = z.json();
export type ComfyInputValue = z.infer<typeof ComfyInputValue>;

export const ComfyNode = z.object({
  class_type: z.string().min(1),
  inputs: z.record(z.string(), ComfyInputValue),
  _meta: z.object({ title: z.string().optional() }).optional(),
});
export type ComfyNode = z.infer<typeof ComfyNode>;

/** Classes that end a graph by writing or showing a result; ComfyUI refuses a prompt without one. */
export const outputNodeClasses: readonly string[] = [
  'SaveImage', 'PreviewImage', 'SaveAnimatedWEBP', 'SaveAnimatedPNG', 'SaveVideo', 'SaveWEBM', 'VHS_VideoCombine',
];

/** True for a value ComfyUI would follow as an edge (and so must be a well-formed link). */
export function isLinkShaped(v: unknown): v is [string, number] {
  return Array.isArray(v) && v.length === 2 && typeof v[0] === 'string' && typeof v[1] === 'number';
}

/** True for a well-formed link `[nodeId, non-negative int]`. */
export function isLink(v: unknown): v is ComfyLink {
  return isLinkShaped(v) && Number.isInteger(v[1]) && v[1] >= 0;
}

const describeNode = (id: string, node: { class_type: string }): string => `node "${id}" (${node.class_type})`;

/**
 * The graph's shape, plus well-formed links: output indices must be non-negative integers. Whether the
 * output exists needs the server's object_info, so arity is not checked here. Dangling links and a
 * missing output node are reported by {@link validateComfyGraph}, so a half-edited graph can still be parsed.
 */
export const ComfyApiGraph = z.record(z.string().min(1), ComfyNode).superRefine((graph, ctx) => {
  for (const [id, node] of Object.entries(graph)) {
    for (const [field, value] of Object.entries(node.inputs)) {
      if (isLinkShaped(value) && !isLink(value)) {
        ctx.addIssue({
          code: 'custom', path: [id, 'inputs', field],
          message: `${describeNode(id, node)} input "${field}": link output index ${value[1]} must be a non-negative integer`,
        });
      }
    }
  }
});
export type ComfyApiGraph = z.infer<typeof ComfyApiGraph>;

/** One problem in a graph, with the path (relative to the graph) of what is wrong. */
export interface ComfyGraphIssue {
  path: (string | number)[];
  message: string;
}

/**
 * Checks what ComfyUI would refuse at `POST /prompt` without needing object_info: every link points at a
 * node in the graph, and at least one node is an output ({@link outputNodeClasses}). Empty when the graph is fine.
 */
export function validateComfyGraph(graph: ComfyApiGraph): ComfyGraphIssue[] {
  const issues: ComfyGraphIssue[] = [];
  for (const [id, node] of Object.entries(graph)) {
    for (const [field, value] of Object.entries(node.inputs)) {
      if (!isLinkShaped(value)) continue;
      if (!Number.isInteger(value[1]) || value[1] < 0) {
        issues.push({ path: [id, 'inputs', field], message: `${describeNode(id, node)} input "${field}": link output index ${value[1]} must be a non-negative integer` });
      }
      if (!Object.hasOwn(graph, value[0])) {
        issues.push({ path: [id, 'inputs', field], message: `${describeNode(id, node)} input "${field}" links to node "${value[0]}", which is not in the graph` });
      }
    }
  }
  if (!Object.values(graph).some((node) => outputNodeClasses.includes(node.class_type))) {
    const classes = [...new Set(Object.values(graph).map((n) => n.class_type))].join(', ');
    issues.push({ path: [], message: `the graph has no output node (one of ${outputNodeClasses.join(', ')}); its classes are ${classes || 'none'}` });
  }
  return issues;
}

/** One graph field an input sets: `graph[node].inputs[field]`. */
export const ComfyFieldRef = z.strictObject({ node: z.string().min(1), field: z.string().min(1) });
export type ComfyFieldRef = z.infer<typeof ComfyFieldRef>;

/** Input name → the graph fields it sets (one input may feed several nodes, e.g. a seed used twice). */
export const ComfyBindings = z.record(z.string(), z.array(ComfyFieldRef).min(1));
export type ComfyBindings = z.infer<typeof ComfyBindings>;
