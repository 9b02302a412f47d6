import { z } from 'zod';

// Shapes of what a ComfyUI server answers, parsed at the edge (../shared/protocols/comfyui.md §1, §2).
// Loose objects: servers add keys between versions (2026 adds `asset`, `id`, …) and we must ignore them.

/** An API-format graph: node id → node (§3.1). */
const NodeErrorReason = z.looseObject({ type: z.string(), message: z.string(), details: z.string().optional() });
/** `node_errors` of POST /prompt (§1.1): only nodes with their own reasons appear. */
export const NodeErrors = z.record(z.string(), z.looseObject({
  errors: z.array(NodeErrorReason),
  class_type: z.string().optional(),
  dependent_outputs: z.array(z.string()).optional(),
}));
export type NodeErrors = z.infer<typeof NodeErrors>;

export const PromptAccepted = z.looseObject({ prompt_id: z.string(), number: z.number(), node_errors: NodeErrors.default({}) });
export const PromptRejected = z.looseObject({
  error: z.looseObject({ type: z.string(), message: z.string(), details: z.string().optional() }),
  node_errors: NodeErrors.default({}),
});
export type PromptRejected = z.infer<typeof PromptRejected>;

export const SystemStats = z.looseObject({
  system: z.looseObject({ comfyui_version: z.string().optional() }),
  devices: z.array(z.looseObject({ name: z.string(), type: z.string(), vram_total: z.number(), vram_free: z.number() })),
});
export type SystemStats = z.infer<typeof SystemStats>;

/** A queue item `[number, prompt_id, prompt, extra_data, outputs]` (§1.3); only the id is read. */
const QueueItem = z.tuple([z.number(), z.string()]).rest(z.unknown());
export const QueueState = z.looseObject({ queue_running: z.array(QueueItem), queue_pending: z.array(QueueItem) });
export type QueueState = z.infer<typeof QueueState>;

/** A file named in `executed.output` or history `outputs` (§4). */
export const ComfyFileRef = z.looseObject({ filename: z.string(), subfolder: z.string().default(''), type: z.string().default('output') });
export type ComfyFileRef = z.infer<typeof ComfyFileRef>;

export const HistoryEntry = z.looseObject({
  outputs: z.record(z.string(), z.record(z.string(), z.unknown())).default({}),
  status: z.looseObject({
    status_str: z.string(),
    completed: z.boolean(),
    messages: z.array(z.tuple([z.string(), z.record(z.string(), z.unknown())])).default([]),
  }).optional(),
});
export type HistoryEntry = z.infer<typeof HistoryEntry>;
export const History = z.record(z.string(), HistoryEntry);

export const UploadedImage = z.looseObject({ name: z.string(), subfolder: z.string().default(''), type: z.string().default('input') });
export type UploadedImage = z.infer<typeof UploadedImage>;

/** Every text frame is `{type, data}` (§2.4); unknown types are ignored by the reader, not rejected. */
export const WsMessage = z.looseObject({ type: z.string(), data: z.record(z.string(), z.unknown()).nullable().default({}) });
export type WsMessage = { type: string; data: Record<string, unknown> };

/** Every file a node's UI dict names, whatever the key (§4: videos also sit under `images`). */
export function filesOf(ui: Record<string, unknown>): ComfyFileRef[] {
  const files: ComfyFileRef[] = [];
  for (const value of Object.values(ui)) {
    if (!Array.isArray(value)) continue;
    for (const item of value) {
      const parsed = ComfyFileRef.safeParse(item);
      if (parsed.success) files.push(parsed.data);
    }
  }
  return files;
}

/**
 * ComfyUI's `GET /object_info` answer: class name → node definition. Only what conversion and binding
 * detection read is typed; the rest passes through.
 */

/** `[type, options?]`; type is a name (`INT`, `MODEL`, `COMBO`) or, for classic combos, the option list. */
export const ObjectInfoInputSpec = z.union([
  z.tuple([z.union([z.string(), z.array(z.json())])]),
  z.tuple([z.union([z.string(), z.array(z.json())]), z.record(z.string(), z.unknown())]),
]);
export type ObjectInfoInputSpec = z.infer<typeof ObjectInfoInputSpec>;

export const ObjectInfoNode = z.looseObject({
  input: z.looseObject({
    required: z.record(z.string(), ObjectInfoInputSpec).optional(),
    optional: z.record(z.string(), ObjectInfoInputSpec).optional(),
  }),
  input_order: z.looseObject({ required: z.array(z.string()).optional(), optional: z.array(z.string()).optional() }).optional(),
  output: z.array(z.union([z.string(), z.array(z.json())])).optional(),
  output_name: z.array(z.string()).optional(),
  output_node: z.boolean().optional(),
  name: z.string().optional(),
  /** Null for V3-schema nodes that declare none; the editor then shows the class name. */
  display_name: z.string().nullish(),
  category: z.string().optional(),
});
export type ObjectInfoNode = z.infer<typeof ObjectInfoNode>;

export const ObjectInfo = z.record(z.string(), ObjectInfoNode);
export type ObjectInfo = z.infer<typeof ObjectInfo>;
