import { z } from 'zod';

/**
 * The editor's own save format (`nodes` + `links`), schema 0.4 and 1. Loose on purpose: extensions add
 * fields freely, and only what conversion reads is checked.
 */

const NodeId = z.union([z.int(), z.string().min(1)]);

export const UiNodeInput = z.looseObject({
  name: z.string(),
  type: z.union([z.string(), z.number()]).optional(),
  link: z.int().nullable().optional(),
  widget: z.looseObject({ name: z.string() }).optional(),
});
export type UiNodeInput = z.infer<typeof UiNodeInput>;

export const UiNodeOutput = z.looseObject({
  name: z.string().optional(),
  type: z.union([z.string(), z.number()]).optional(),
  links: z.array(z.int()).nullable().optional(),
  widget: z.looseObject({ name: z.string() }).optional(),
});

export const UiNode = z.looseObject({
  id: NodeId,
  type: z.string().min(1),
  mode: z.int().optional(),
  title: z.string().optional(),
  size: z.unknown().optional(),
  inputs: z.array(UiNodeInput).optional(),
  outputs: z.array(UiNodeOutput).optional(),
  widgets_values: z.union([z.array(z.json()), z.record(z.string(), z.json())]).optional(),
});
export type UiNode = z.infer<typeof UiNode>;

/** Schema 0.4: `[id, origin, origin_slot, target, target_slot, type]`. */
const UiLinkTuple = z.tuple([z.int(), NodeId, z.int(), NodeId, z.int(), z.unknown()]).rest(z.unknown());
/** Schema 1: the same as an object. */
const UiLinkObject = z.looseObject({
  id: z.int(), origin_id: NodeId, origin_slot: z.int(), target_id: NodeId, target_slot: z.int(), type: z.unknown().optional(),
});

export const UiWorkflow = z.looseObject({
  nodes: z.array(UiNode),
  links: z.array(z.union([UiLinkTuple, UiLinkObject, z.null()])).optional(),
  extra: z.looseObject({ frontendVersion: z.string().optional() }).optional(),
  definitions: z.looseObject({ subgraphs: z.array(z.unknown()).optional() }).optional(),
  version: z.number().optional(),
});
export type UiWorkflow = z.infer<typeof UiWorkflow>;

export interface UiLink {
  id: number;
  originId: string;
  originSlot: number;
  targetId: string;
  targetSlot: number;
  type: unknown;
}

/** Links of either schema, keyed by id. */
export function linksById(workflow: UiWorkflow): Map<number, UiLink> {
  const byId = new Map<number, UiLink>();
  for (const link of workflow.links ?? []) {
    if (!link) continue;
    const l: UiLink = Array.isArray(link)
      ? { id: link[0], originId: String(link[1]), originSlot: link[2], targetId: String(link[3]), targetSlot: link[4], type: link[5] }
      : { id: link.id, originId: String(link.origin_id), originSlot: link.origin_slot, targetId: String(link.target_id), targetSlot: link.target_slot, type: link.type };
    byId.set(l.id, l);
  }
  return byId;
}

/** True when `value` has the shape of a UI-format workflow (the cheap test used to tell formats apart). */
export function looksLikeUiWorkflow(value: unknown): boolean {
  return typeof value === 'object' && value !== null && Array.isArray((value as { nodes?: unknown }).nodes);
}
