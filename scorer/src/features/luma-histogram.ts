/** A 256-bin histogram of rounded luma, with its pixel count and sum (for the mean). */
export interface LumaHistogram {
  bins: Uint32Array;
  count: number;
  sum: number;
}

/** Histogram of the pixels of `luma` where `region` is `want` (all pixels when no region is given). */
export function lumaHistogram(luma: Float32Array, region?: { mask: Uint8Array; want: 0 | 1 }): LumaHistogram {
  const bins = new Uint32Array(256);
  let count = 0;
  let sum = 0;
  for (let i = 0; i < luma.length; i++) {
    if (region && region.mask[i] !== region.want) continue;
    const v = luma[i]!;
    bins[v <= 0 ? 0 : v >= 255 ? 255 : Math.round(v)]!++;
    count++;
    sum += v;
  }
  return { bins, count, sum };
}

/** Histograms of the whole frame, of the product (mask 1) and of the background (mask 0), in one pass. */
export function splitLumaHistograms(
  luma: Float32Array, mask: Uint8Array,
): { frame: LumaHistogram; product: LumaHistogram; background: LumaHistogram } {
  const product = new Uint32Array(256);
  const background = new Uint32Array(256);
  let productSum = 0;
  let backgroundSum = 0;
  let productCount = 0;
  for (let i = 0; i < luma.length; i++) {
    const v = luma[i]!;
    const bin = v <= 0 ? 0 : v >= 255 ? 255 : (v + 0.5) | 0;
    if (mask[i]) { product[bin]!++; productSum += v; productCount++; } else { background[bin]!++; backgroundSum += v; }
  }
  const frame = new Uint32Array(256);
  for (let v = 0; v < 256; v++) frame[v] = product[v]! + background[v]!;
  return {
    frame: { bins: frame, count: luma.length, sum: productSum + backgroundSum },
    product: { bins: product, count: productCount, sum: productSum },
    background: { bins: background, count: luma.length - productCount, sum: backgroundSum },
  };
}

/** The smallest level at or below which at least `fraction` of the pixels lie; 0 for an empty histogram. */
export function histogramPercentile(h: LumaHistogram, fraction: number): number {
  if (h.count === 0) return 0;
  const target = Math.max(1, Math.ceil(fraction * h.count));
  let acc = 0;
  for (let v = 0; v < 256; v++) {
    acc += h.bins[v]!;
    if (acc >= target) return v;
  }
  return 255;
}

/** Share of the pixels at or above `level` (`atOrAbove`) or at or below it; 0 for an empty histogram. */
export function histogramShare(h: LumaHistogram, level: number, atOrAbove: boolean): number {
  if (h.count === 0) return 0;
  let acc = 0;
  if (atOrAbove) for (let v = level; v < 256; v++) acc += h.bins[v]!;
  else for (let v = 0; v <= level; v++) acc += h.bins[v]!;
  return acc / h.count;
}
