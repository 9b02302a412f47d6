import { srgbByteToLinear } from '@shotfarm/shared/images';
import type { WorkingCopy } from './types.ts';

/** sRGB 8-bit → CIELAB (D65), three floats per pixel. */
export function toLab(img: WorkingCopy): Float32Array {
  const n = img.widthPx * img.heightPx;
  const out = new Float32Array(n * 3);
  const { channels, data } = img;
  for (let i = 0, c = 0; i < n; i++, c += channels) labOf(data[c]!, data[c + 1]!, data[c + 2]!, out, i * 3);
  return out;
}

/** Writes the Lab of one 8-bit sRGB colour at `out[o..o+2]`. */
export function labOf(r8: number, g8: number, b8: number, out: Float32Array, o: number): void {
  const r = srgbByteToLinear[r8]!;
  const g = srgbByteToLinear[g8]!;
  const b = srgbByteToLinear[b8]!;
  const fx = labF((0.4124564 * r + 0.3575761 * g + 0.1804375 * b) * (1 / 0.95047));
  const fy = labF(0.2126729 * r + 0.7151522 * g + 0.072175 * b);
  const fz = labF((0.0193339 * r + 0.119192 * g + 0.9503041 * b) * (1 / 1.08883));
  out[o] = 116 * fy - 16;
  out[o + 1] = 500 * (fx - fy);
  out[o + 2] = 200 * (fy - fz);
}

/** Lab's f(t) on [0, 1.1] (X/Xn and Z/Zn reach a little past 1), tabulated: a cube root per channel per pixel adds up. */
const labFSteps = 4096;
const labFTable = Float64Array.from({ length: labFSteps + 2 }, (_, i) => {
  const t = (i / labFSteps) * 1.1;
  return t > 0.008856 ? Math.cbrt(t) : 7.787 * t + 16 / 116;
});

function labF(t: number): number {
  // Linear interpolation between table entries: error below 1e-4 in f, far under a ΔE of 0.1, except near 0
  // where the cube root is steep; the exact form is cheap there anyway.
  if (t < 0.02) return t > 0.008856 ? Math.cbrt(t) : 7.787 * t + 16 / 116;
  const x = (t * labFSteps) / 1.1;
  const i = x | 0;
  if (i >= labFSteps) return Math.cbrt(t);
  const f = x - i;
  return labFTable[i]! + (labFTable[i + 1]! - labFTable[i]!) * f;
}

