/** Side of the greyscale thumbnail the DCT runs on. */
const thumbSidePx = 32;
/** Side of the block of low frequencies kept (rows and columns 1–8: the DC row and column are left out). */
const keptSide = 8;

/** cos((2x + 1) u π / 64) for u, x in 0–31: the DCT-II basis, computed once. */
const basis = (() => {
  const n = thumbSidePx;
  const out = new Float64Array(n * n);
  for (let u = 0; u < n; u++) for (let x = 0; x < n; x++) out[u * n + x] = Math.cos(((2 * x + 1) * u * Math.PI) / (2 * n));
  return out;
})();

/**
 * Perceptual hash of a luma image, as pHash (phash.org) computes it: area-average to 32 × 32, 2-D DCT, keep the
 * 8 × 8 lowest frequencies after the DC row and column (overall brightness and pure one-directional ramps say little
 * about content), and set one bit per coefficient above their median. Returned as 16 hex digits (64 bits), first
 * coefficient in the highest bit. Resizing, mild compression and small colour changes move few bits; different
 * content moves about half of them.
 */
export function phash(luma: Float32Array, widthPx: number, heightPx: number): string {
  const n = thumbSidePx;
  const thumb = areaAverage(luma, widthPx, heightPx, n);
  // Separable DCT: rows first (only the 9 lowest frequencies are ever needed), then columns.
  const rows = new Float64Array(n * (keptSide + 1));
  for (let y = 0; y < n; y++) {
    for (let u = 0; u <= keptSide; u++) {
      let s = 0;
      for (let x = 0; x < n; x++) s += thumb[y * n + x]! * basis[u * n + x]!;
      rows[y * (keptSide + 1) + u] = s;
    }
  }
  const coeffs = new Float64Array(keptSide * keptSide);
  for (let v = 1; v <= keptSide; v++) {
    for (let u = 1; u <= keptSide; u++) {
      let s = 0;
      for (let y = 0; y < n; y++) s += rows[y * (keptSide + 1) + u]! * basis[v * n + y]!;
      coeffs[(v - 1) * keptSide + (u - 1)] = s;
    }
  }
  const sorted = Float64Array.from(coeffs).sort();
  const median = (sorted[31]! + sorted[32]!) / 2;
  let hex = '';
  for (let nibble = 0; nibble < 16; nibble++) {
    let value = 0;
    for (let b = 0; b < 4; b++) value = (value << 1) | (coeffs[nibble * 4 + b]! > median ? 1 : 0);
    hex += value.toString(16);
  }
  return hex;
}


/** Mean of the source pixels whose centres fall in each cell of a side × side grid (nearest pixel if none do). */
function areaAverage(luma: Float32Array, w: number, h: number, side: number): Float64Array {
  const out = new Float64Array(side * side);
  for (let gy = 0; gy < side; gy++) {
    const ya = Math.min(h - 1, Math.floor((gy * h) / side));
    const yb = Math.max(ya + 1, Math.floor(((gy + 1) * h) / side));
    for (let gx = 0; gx < side; gx++) {
      const xa = Math.min(w - 1, Math.floor((gx * w) / side));
      const xb = Math.max(xa + 1, Math.floor(((gx + 1) * w) / side));
      let s = 0;
      for (let y = ya; y < yb; y++) for (let x = xa; x < xb; x++) s += luma[y * w + x]!;
      out[gy * side + gx] = s / ((yb - ya) * (xb - xa));
    }
  }
  return out;
}
