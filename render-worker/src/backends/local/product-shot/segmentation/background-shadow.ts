import type { BackgroundSurface } from './types.ts';
import { unit } from './background-surface.ts';

/**
 * Shadows on the background. A shadow is the background lit by less light: in linear RGB every channel is scaled
 * by the same gain g < 1, so in Lab the lightness drops and a*, b* shrink by the same factor as L + 16 does
 * (both follow the cube root of the gain). A pixel that matches that prediction is the background in shadow and
 * its distance from the background is only how far it is off the shadow line; the colour key may flood across it
 * and the saliency prior does not take it for product.
 *
 * Two guards keep a grey product on a white sweep (also "the background, darker") from being taken for shadow:
 * the gain may not fall below {@link minShadowGain} (a contact shadow darker than that is product-dark), and the
 * pixel must lie on a soft gradient — a shadow's edge is a penumbra, a product's outline is a step — so the
 * flood cannot cross a product's outline into its inside.
 */

/** Least linear-light gain still taken as shadow: a contact shadow under studio light keeps about a third. */
export const minShadowGain = 0.3;
/**
 * Largest lightness step (ΔL per working pixel, central difference) still inside a penumbra. A product's outline
 * jumps by tens of ΔL within a pixel or two; a soft shadow changes by a few per pixel at most.
 */
export const maxShadowStepDeltaL = 3;

/** Distances from the background where shadowed pixels count by their distance from the shadow line instead. */
export function shadowAwareDistance(
  lab: Float32Array, w: number, h: number, surface: BackgroundSurface, distance: Float32Array,
): Float32Array {
  const out = Float32Array.from(distance);
  const minScale = Math.cbrt(minShadowGain);
  const [cl, ca, cb] = surface;
  for (let y = 1; y < h - 1; y++) {
    const v = unit(y, h);
    for (let x = 1; x < w - 1; x++) {
      const i = y * w + x;
      const L = lab[i * 3]!;
      const u = unit(x, w);
      const bgL = at(cl, u, v);
      const scale = (L + 16) / (bgL + 16);
      if (scale >= 1 || scale < minScale) continue;
      const stepX = Math.abs(lab[(i + 1) * 3]! - lab[(i - 1) * 3]!) / 2;
      const stepY = Math.abs(lab[(i + w) * 3]! - lab[(i - w) * 3]!) / 2;
      if (Math.max(stepX, stepY) > maxShadowStepDeltaL) continue;
      const da = lab[i * 3 + 1]! - at(ca, u, v) * scale;
      const db = lab[i * 3 + 2]! - at(cb, u, v) * scale;
      const offLine = Math.sqrt(da * da + db * db);
      if (offLine < out[i]!) out[i] = offLine;
    }
  }
  return out;
}

function at(c: readonly number[], u: number, v: number): number {
  return c[0]! + c[1]! * u + c[2]! * v + c[3]! * u * v + c[4]! * u * u + c[5]! * v * v;
}
