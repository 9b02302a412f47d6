import sharp from 'sharp';
import { z } from 'zod';
import { HexColor, TaskError } from '@shotfarm/shared';
import { linearToSrgb, srgbToLinear } from '@shotfarm/shared/images';

export { HexColor };

/**
 * What the product stands on. `gradient` follows CSS's angle convention (0 = towards the top, 90 = towards the
 * right, 180 = towards the bottom); `studio-sweep` is a wall curving into a floor, lit from the front, with a
 * soft crease at the horizon and light falling off towards the corners; `image` is an uploaded scene,
 * cover-cropped to the canvas.
 */
export const SceneSpec = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('solid'), color: HexColor }),
  z.strictObject({
    kind: z.literal('gradient'), from: HexColor, to: HexColor, angleDeg: z.number().min(-360).max(360).default(180),
  }),
  z.strictObject({
    kind: z.literal('studio-sweep'), color: HexColor,
    /** Where the wall meets the floor, percent of the height from the top. */
    horizonPct: z.number().min(30).max(90).default(66),
  }),
  z.strictObject({ kind: z.literal('image'), image: z.instanceof(Buffer) }),
]);
export type SceneSpec = z.infer<typeof SceneSpec>;

/**
 * Renders a scene at the canvas size, as raw 8-bit RGB (`widthPx × heightPx × 3` bytes, rows top to bottom).
 * Generated scenes are ordered-dithered, so slow gradients do not band once JPEG-encoded.
 * @throws TaskError `SF_RENDER_INPUT_UNREADABLE` when an `image` scene cannot be decoded.
 * @example
 * const rgb = await renderScene({ kind: 'studio-sweep', color: '#e9e4f0', horizonPct: 66 }, 800, 800);
 */
export async function renderScene(spec: SceneSpec, widthPx: number, heightPx: number): Promise<Buffer> {
  switch (spec.kind) {
    case 'solid':
      return solid(hexToRgb(spec.color), widthPx, heightPx);
    case 'gradient':
      return gradient(spec, widthPx, heightPx);
    case 'studio-sweep':
      return studioSweep(spec, widthPx, heightPx);
    case 'image':
      return coverCrop(spec.image, widthPx, heightPx);
    default: {
      const unknown: never = spec;
      throw new TaskError('SF_RENDER_TASK_INVALID', `unknown scene ${JSON.stringify(unknown)}`);
    }
  }
}

/** `#rrggbb` → `[r, g, b]`, 0–255. */
export function hexToRgb(hex: HexColor): [number, number, number] {
  const v = Number.parseInt(hex.slice(1), 16);
  return [(v >> 16) & 255, (v >> 8) & 255, v & 255];
}

/** `[r, g, b]` → `#rrggbb`, rounding and clamping each channel. */
export function rgbToHex(rgb: readonly [number, number, number]): HexColor {
  return `#${rgb.map((c) => Math.min(255, Math.max(0, Math.round(c))).toString(16).padStart(2, '0')).join('')}`;
}

/** Mixes two colours in sRGB: `t = 0` gives `a`, `t = 1` gives `b`. */
export function mixHex(a: HexColor, b: HexColor, t: number): HexColor {
  const ca = hexToRgb(a);
  const cb = hexToRgb(b);
  return rgbToHex([0, 1, 2].map((i) => ca[i]! + (cb[i]! - ca[i]!) * t) as [number, number, number]);
}

function solid(rgb: [number, number, number], w: number, h: number): Buffer {
  return Buffer.alloc(w * h * 3, Buffer.from(rgb));
}

/** 4×4 Bayer thresholds in [0, 1): added before flooring, they spread rounding error into a fine pattern. */
const bayer4 = [0, 8, 2, 10, 12, 4, 14, 6, 3, 11, 1, 9, 15, 7, 13, 5].map((v) => (v + 0.5) / 16);

function dithered(v: number, x: number, y: number): number {
  const q = Math.floor(v + bayer4[((y & 3) << 2) | (x & 3)]!);
  return q < 0 ? 0 : q > 255 ? 255 : q;
}

function gradient(spec: Extract<SceneSpec, { kind: 'gradient' }>, w: number, h: number): Buffer {
  const from = hexToRgb(spec.from);
  const to = hexToRgb(spec.to);
  const rad = (spec.angleDeg * Math.PI) / 180;
  const dx = Math.sin(rad);
  const dy = -Math.cos(rad);
  // CSS's gradient line: long enough that the corners get exactly `from` and `to`.
  const length = Math.abs(w * dx) + Math.abs(h * dy) || 1;
  const out = Buffer.allocUnsafe(w * h * 3);
  for (let y = 0, o = 0; y < h; y++) {
    const rowT = ((y + 0.5 - h / 2) * dy) / length + 0.5;
    for (let x = 0; x < w; x++, o += 3) {
      const t = Math.min(1, Math.max(0, rowT + ((x + 0.5 - w / 2) * dx) / length));
      out[o] = dithered(from[0] + (to[0] - from[0]) * t, x, y);
      out[o + 1] = dithered(from[1] + (to[1] - from[1]) * t, x, y);
      out[o + 2] = dithered(from[2] + (to[2] - from[2]) * t, x, y);
    }
  }
  return out;
}

/** Linear light [0, 1] → sRGB 0–255 (float), tabulated: the sweep evaluates it for every pixel. */
const linearToSrgbTable = Float64Array.from({ length: 4097 }, (_, i) => 255 * linearToSrgb(i / 4096));

function studioSweep(spec: Extract<SceneSpec, { kind: 'studio-sweep' }>, w: number, h: number): Buffer {
  const base = hexToRgb(spec.color).map((v) => srgbToLinear(v / 255)) as [number, number, number];
  const horizon = spec.horizonPct / 100;
  // Light falls in linear light, so the shading is a multiplier there. Per row: the wall darkens towards the
  // top (farther from the key light), a soft crease marks the curve, the floor brightens towards the camera.
  const rowGain = new Float64Array(h);
  for (let y = 0; y < h; y++) {
    const v = (y + 0.5) / h;
    const sweep = v < horizon ? 1 - 0.1 * (1 - v / horizon) ** 2 : 1 + 0.025 * ((v - horizon) / (1 - horizon));
    const crease = 0.035 * Math.exp(-(((v - horizon) / 0.07) ** 2));
    rowGain[y] = sweep - crease;
  }
  // A wide vignette, centred a little below the middle where the product stands.
  const radius = 0.75 * Math.max(w, h);
  const columnFalloff = Float64Array.from({ length: w }, (_, x) => 0.12 * ((x + 0.5 - w / 2) / radius) ** 2);
  const cy = h * 0.55;
  const table = linearToSrgbTable;
  const [br, bg, bb] = base;
  const out = Buffer.allocUnsafe(w * h * 3);
  for (let y = 0, o = 0; y < h; y++) {
    const rowFalloff = 0.12 * ((y + 0.5 - cy) / radius) ** 2;
    const row = rowGain[y]!;
    for (let x = 0; x < w; x++, o += 3) {
      const gain = row * (1 - rowFalloff - columnFalloff[x]!);
      const threshold = bayer4[((y & 3) << 2) | (x & 3)]!;
      out[o] = Math.min(255, table[tableIndex(br * gain)]! + threshold) | 0;
      out[o + 1] = Math.min(255, table[tableIndex(bg * gain)]! + threshold) | 0;
      out[o + 2] = Math.min(255, table[tableIndex(bb * gain)]! + threshold) | 0;
    }
  }
  return out;
}

function tableIndex(linear: number): number {
  return linear <= 0 ? 0 : linear >= 1 ? 4096 : (linear * 4096 + 0.5) | 0;
}

async function coverCrop(image: Buffer, w: number, h: number): Promise<Buffer> {
  try {
    const { data, info } = await sharp(image, { autoOrient: true, failOn: 'error' })
      .resize(w, h, { fit: 'cover', position: 'centre' })
      .flatten({ background: '#ffffff' })
      .toColourspace('srgb')
      .raw()
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3 || info.width !== w || info.height !== h) {
      throw new Error(`unexpected decode ${info.width}×${info.height}×${info.channels}`);
    }
    return data;
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new TaskError('SF_RENDER_INPUT_UNREADABLE', `cannot read the scene image: ${reason}`, { cause });
  }
}
