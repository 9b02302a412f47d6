/**
 * A product photographed under one light and pasted onto another scene looks stuck on; a small pull of its
 * colour towards the scene's reads as shared light. The pull stays small on purpose: the product's true colour
 * is what the shopper buys.
 */

/** Options of {@link planHarmony}. */
export interface HarmonyOptions {
  /**
   * How far the product's colour balance moves towards the scene's, 0 (not at all) to 1 (fully).
   * @defaultValue {@link defaultHarmonyStrength}
   */
  strength?: number;
}

/** A tint of 6% of the scene's cast: visible side by side, invisible as a colour change of the product. */
export const defaultHarmonyStrength = 0.06;
/** The brightness pull is capped at ±3%: a darker scene dims the product a touch, never muddies it. */
const maxBrightnessShift = 0.03;
/** Sample every n-th pixel of the scene: a mean colour needs no more. */
const sampleStride = 7;

/** No change. */
export const neutralGain: readonly [number, number, number] = [1, 1, 1];

/**
 * Per-channel gains that tint the product slightly towards the scene's mean colour and brightness. Returns
 * {@link neutralGain} for a neutral scene (white or grey has no cast to share). Pure white presets skip it.
 * @param scene raw RGB of the scene (`× 3` bytes per pixel)
 * @example
 * const gainRgb = planHarmony(sceneRgb, { strength: 0.06 }); // → [1.012, 1.0, 0.981] on a warm beige
 */
export function planHarmony(scene: Buffer, options: HarmonyOptions = {}): readonly [number, number, number] {
  const strength = Math.min(1, Math.max(0, options.strength ?? defaultHarmonyStrength));
  if (strength === 0 || scene.length < 3) return neutralGain;
  let r = 0;
  let g = 0;
  let b = 0;
  let count = 0;
  for (let o = 0; o + 2 < scene.length; o += 3 * sampleStride) {
    r += scene[o]!;
    g += scene[o + 1]!;
    b += scene[o + 2]!;
    count++;
  }
  r /= count * 255;
  g /= count * 255;
  b /= count * 255;
  const luma = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  if (luma <= 0.02) return neutralGain;
  // The cast is each channel relative to the scene's luma: 1 for a neutral grey, above 1 where the scene leans.
  const brightness = 1 + Math.max(-maxBrightnessShift, Math.min(maxBrightnessShift, (luma - 0.85) * strength));
  const gain = (c: number): number => (1 + strength * (c / luma - 1)) * brightness;
  return [gain(r), gain(g), gain(b)];
}
