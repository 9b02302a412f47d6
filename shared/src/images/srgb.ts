// The sRGB transfer function (IEC 61966-2-1), once: every piece of image maths that mixes light works in linear light.

/** sRGB-encoded value in [0, 1] → linear light in [0, 1]. */
export function srgbToLinear(encoded: number): number {
  return encoded <= 0.04045 ? encoded / 12.92 : ((encoded + 0.055) / 1.055) ** 2.4;
}

/** Linear light in [0, 1] → sRGB-encoded value in [0, 1]. */
export function linearToSrgb(linear: number): number {
  return linear <= 0.0031308 ? 12.92 * linear : 1.055 * linear ** (1 / 2.4) - 0.055;
}

/** Linear light of each 8-bit sRGB value: per-pixel code reads this table instead of calling a power. */
export const srgbByteToLinear: Float64Array = Float64Array.from({ length: 256 }, (_, v) => srgbToLinear(v / 255));
