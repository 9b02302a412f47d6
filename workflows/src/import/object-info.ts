// The `/object_info` shapes are protocol types, shared with the render worker and the studio.
import type { ObjectInfoInputSpec, ObjectInfoNode } from '@shotfarm/shared/comfyui';

export { ObjectInfo, ObjectInfoInputSpec, ObjectInfoNode } from '@shotfarm/shared/comfyui';

/** Types the editor draws as a widget; everything else (MODEL, IMAGE, …) is a socket only. */
const widgetTypes = new Set(['INT', 'FLOAT', 'STRING', 'BOOLEAN', 'COMBO']);

/** Names the editor gives a "control after generate" widget even when an old object_info lacks the flag. */
const implicitSeedNames = new Set(['seed', 'noise_seed']);

export interface WidgetInput {
  name: string;
  type: string;
  options: Record<string, unknown>;
  /** Values after this one in `widgets_values` that belong to editor-only widgets (seed control, combo filter). */
  trailingControls: number;
  /** Declared under `optional`: the server falls back to its default when the input is absent. */
  optional: boolean;
  /** Combo options, when the spec lists them. */
  choices?: unknown[];
}

function specOf(spec: ObjectInfoInputSpec): { type: string; options: Record<string, unknown>; choices?: unknown[] } {
  const [head, options = {}] = spec;
  if (Array.isArray(head)) return { type: 'COMBO', options, choices: head };
  if (head === 'COMBO' && Array.isArray(options.options)) return { type: 'COMBO', options, choices: options.options };
  return { type: head, options };
}

function controlsAfter(name: string, type: string, options: Record<string, unknown>): number {
  const flag = options.control_after_generate;
  if (type === 'INT') {
    if (flag === false) return 0;
    return flag || implicitSeedNames.has(name) ? 1 : 0;
  }
  // Combos with a control widget also get its filter-list widget (frontends since 2023-11).
  if (type === 'COMBO' && flag) return 2;
  return 0;
}

/** The class's inputs in declaration order (required, then optional), each with its widget facts or null for sockets. */
export function orderedInputs(node: ObjectInfoNode): { name: string; widget: WidgetInput | null }[] {
  const out: { name: string; widget: WidgetInput | null }[] = [];
  for (const group of ['required', 'optional'] as const) {
    const specs = node.input[group] ?? {};
    const order = node.input_order?.[group] ?? Object.keys(specs);
    for (const name of order) {
      const spec = specs[name];
      if (!spec) continue;
      const { type, options, choices } = specOf(spec);
      const isWidget = widgetTypes.has(type) && options.forceInput !== true;
      out.push({
        name,
        widget: isWidget ? { name, type, options, optional: group === 'optional', trailingControls: controlsAfter(name, type, options), ...(choices ? { choices } : {}) } : null,
      });
    }
  }
  return out;
}

/** Inputs that are widgets, in the order their values sit in a UI node's `widgets_values`. */
export function widgetInputs(node: ObjectInfoNode): WidgetInput[] {
  return orderedInputs(node).flatMap((i) => (i.widget ? [i.widget] : []));
}

/** True when the input takes an image upload button in the editor (LoadImage `image`, LoadImageMask …). */
export function hasUploadButton(widget: WidgetInput): boolean {
  return widget.options.image_upload === true || widget.options.video_upload === true || widget.options.audio_upload === true;
}
