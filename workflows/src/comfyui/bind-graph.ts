import type { ComfyApiGraph, ComfyBindings } from '@shotfarm/shared';

/** A value an input puts into a graph field; for images, the file name the ComfyUI server knows after upload. */
export type ComfyBindingValue = string | number | boolean;

/**
 * Fills a recipe's graph for one run: each bound field gets the input's value. Works on a deep copy, so the
 * recipe's graph (shared by every task) is never changed. An unknown input name, or a binding to a node or
 * field the graph lacks, throws: both mean the caller and the manifest disagree, which validation should have caught.
 */
export function bindComfyGraph(
  graph: ComfyApiGraph,
  bindings: ComfyBindings,
  values: Record<string, ComfyBindingValue>,
): ComfyApiGraph {
  const bound = structuredClone(graph);
  for (const [name, value] of Object.entries(values)) {
    const refs = bindings[name];
    if (!refs) throw new Error(`bindComfyGraph: no binding for input "${name}" (bound inputs: ${Object.keys(bindings).join(', ') || 'none'})`);
    for (const ref of refs) {
      const node = bound[ref.node];
      if (!node) throw new Error(`bindComfyGraph: input "${name}" is bound to node "${ref.node}", which is not in the graph`);
      if (!Object.hasOwn(node.inputs, ref.field)) {
        throw new Error(`bindComfyGraph: input "${name}" is bound to node "${ref.node}" (${node.class_type}) field "${ref.field}", which it does not have`);
      }
      node.inputs[ref.field] = value;
    }
  }
  return bound;
}
