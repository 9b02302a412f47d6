import { connectedComponents, floodFromEdge, forEachRingPixel } from './connected-components.ts';

/** An 8-bit RGB image, three bytes a pixel, row-major. */
export interface RgbImage {
  data: Uint8Array;
  widthPx: number;
  heightPx: number;
}

/** How the product was told from the background. */
export type ProductMaskMethod =
  /** The file's alpha channel: a cut-out. */
  | 'alpha'
  /** A flood fill from the frame's edge over pixels near the background colour estimated on the border. */
  | 'border-flood'
  /** No background could be separated (a busy scene, or a product that fills the frame): the frame is the subject. */
  | 'whole-frame'
  /** Everything is background: an empty frame. */
  | 'empty';

/** Which working-copy pixels are product. */
export interface ProductMask {
  /** 1 for product, 0 for background, one byte per working-copy pixel. */
  data: Uint8Array;
  widthPx: number;
  heightPx: number;
  method: ProductMaskMethod;
  /** Pixel count of each separate product region (4-connected), largest first. */
  regionSizesPx: number[];
  /** The background colour estimated on the border (white for `alpha`), sRGB. */
  backgroundRgb: readonly [number, number, number];
  /** Pixels of the regions dropped as specks (not in `data`): a clean cut-out on a smooth background has next to none. */
  speckPx: number;
}

/** Alpha at or below this is transparent when deciding whether an alpha channel is a real cut-out. */
const transparentAlpha = 16;
/** A cut-out has at least this share of transparent pixels; a PNG that is merely RGBA has none. */
const minTransparentShare = 0.005;
/** Width of the border band the background colour is estimated on, as a share of the shorter side. */
const borderBandShare = 0.02;
/**
 * Tolerance of the flood, as RGB distance from the background colour: the base admits the gentle shading of a
 * studio backdrop and JPEG's few levels of error; the terms added for a varied border and for noise keep a
 * gradient backdrop or a noisy one from breaking into false product islands.
 */
const baseTolerance = 14;
const borderSpreadFactor = 2.5;
/** RGB distance per unit of luma noise σ: per-channel σ is about 1.5 luma σ, and three channels add up to ~2.6. */
const noiseFactor = 6;
const maxTolerance = 90;
/** Regions smaller than this share of the frame are specks (dust, noise), not product. */
const minRegionShare = 0.001;
/** Fewer than this share of the frame's outermost pixels reached by the flood: the border is no background. */
const minBackgroundRingShare = 0.35;
/** A "product" covering more than this share of the frame means the background was not separated. */
const maxProductShare = 0.97;

/** Options of {@link productMask}. */
export interface ProductMaskOptions {
  /** The working copy's alpha channel, when the file has one. */
  alpha: Uint8Array | null;
  /** Luma noise σ of the working copy (0–255), which widens the flood's tolerance. @defaultValue 0 */
  noiseSigma?: number;
}

/**
 * The product's mask: from the alpha channel when the file is a cut-out, else a flood fill from the frame's edge
 * over pixels near the background colour, which is the median of a band along the border. What the flood cannot
 * reach is product; specks are dropped. A border that is mostly not background (a scene) gives `whole-frame`.
 */
export function productMask(img: RgbImage, opts: ProductMaskOptions): ProductMask {
  const { widthPx: w, heightPx: h } = img;
  const n = w * h;
  if (opts.alpha && isCutOut(opts.alpha)) {
    const data = new Uint8Array(n);
    for (let i = 0; i < n; i++) data[i] = opts.alpha[i]! >= 128 ? 1 : 0;
    const cleaned = dropSpecks(data, w, h);
    return {
      data: cleaned.data, widthPx: w, heightPx: h, method: cleaned.count > 0 ? 'alpha' : 'empty',
      regionSizesPx: cleaned.regionSizesPx, backgroundRgb: [255, 255, 255], speckPx: cleaned.speckPx,
    };
  }

  const bandPx = Math.max(1, Math.round(borderBandShare * Math.min(w, h)));
  const backgroundRgb = medianBandRgb(img.data, w, h, bandPx);
  const distanceSq = squaredDistanceMap(img.data, n, backgroundRgb);
  const spread = medianBandDistance(distanceSq, w, h, bandPx);
  const tolerance = Math.min(maxTolerance, baseTolerance + borderSpreadFactor * spread + noiseFactor * (opts.noiseSigma ?? 0));
  const toleranceSq = tolerance * tolerance;
  const passable = new Uint8Array(n);
  for (let i = 0; i < n; i++) passable[i] = distanceSq[i]! <= toleranceSq ? 1 : 0;
  const reached = floodFromEdge(passable, w, h);

  let ringReached = 0;
  let ringCount = 0;
  forEachRingPixel(w, h, (i) => { ringCount++; if (reached[i]) ringReached++; });
  for (let i = 0; i < n; i++) reached[i] = reached[i] ? 0 : 1; // now: product
  const cleaned = dropSpecks(reached, w, h);
  if (cleaned.count === 0) {
    return { data: cleaned.data, widthPx: w, heightPx: h, method: 'empty', regionSizesPx: [], backgroundRgb, speckPx: cleaned.speckPx };
  }
  if (ringReached < ringCount * minBackgroundRingShare || cleaned.count > n * maxProductShare) {
    return {
      data: new Uint8Array(n).fill(1), widthPx: w, heightPx: h, method: 'whole-frame', regionSizesPx: [n], backgroundRgb, speckPx: 0,
    };
  }
  return {
    data: cleaned.data, widthPx: w, heightPx: h, method: 'border-flood', regionSizesPx: cleaned.regionSizesPx, backgroundRgb,
    speckPx: cleaned.speckPx,
  };
}

function isCutOut(alpha: Uint8Array): boolean {
  let transparent = 0;
  for (let i = 0; i < alpha.length; i++) if (alpha[i]! <= transparentAlpha) transparent++;
  return transparent >= alpha.length * minTransparentShare;
}

/** Visits each pixel of the band `bandPx` wide along all four edges, once. */
function forEachBandPixel(w: number, h: number, bandPx: number, visit: (i: number) => void): void {
  for (let y = 0; y < h; y++) {
    if (y < bandPx || y >= h - bandPx) {
      for (let x = 0, i = y * w; x < w; x++, i++) visit(i);
    } else {
      for (let x = 0; x < Math.min(bandPx, w); x++) visit(y * w + x);
      for (let x = Math.max(bandPx, w - bandPx); x < w; x++) visit(y * w + x);
    }
  }
}

function medianBandRgb(data: Uint8Array, w: number, h: number, bandPx: number): [number, number, number] {
  const hr = new Uint32Array(256);
  const hg = new Uint32Array(256);
  const hb = new Uint32Array(256);
  let count = 0;
  forEachBandPixel(w, h, bandPx, (i) => {
    hr[data[i * 3]!]!++;
    hg[data[i * 3 + 1]!]!++;
    hb[data[i * 3 + 2]!]!++;
    count++;
  });
  return [medianOfBins(hr, count), medianOfBins(hg, count), medianOfBins(hb, count)];
}

/** Median distance from the background colour over the band, to the nearest grey level. */
function medianBandDistance(distanceSq: Int32Array, w: number, h: number, bandPx: number): number {
  const bins = new Uint32Array(443); // the largest RGB distance is 255·√3 < 442
  let count = 0;
  forEachBandPixel(w, h, bandPx, (i) => { bins[Math.round(Math.sqrt(distanceSq[i]!))]!++; count++; });
  return medianOfBins(bins, count);
}

function medianOfBins(bins: Uint32Array, count: number): number {
  const half = count / 2;
  let acc = 0;
  for (let v = 0; v < bins.length; v++) {
    acc += bins[v]!;
    if (acc >= half) return v;
  }
  return bins.length - 1;
}

/** Squared RGB distance of each pixel from a colour: exact integers, and no square roots for the flood. */
function squaredDistanceMap(data: Uint8Array, n: number, ref: readonly [number, number, number]): Int32Array {
  const out = new Int32Array(n);
  const [r0, g0, b0] = ref;
  for (let i = 0, j = 0; i < n; i++, j += 3) {
    const dr = data[j]! - r0;
    const dg = data[j + 1]! - g0;
    const db = data[j + 2]! - b0;
    out[i] = dr * dr + dg * dg + db * db;
  }
  return out;
}

function dropSpecks(mask: Uint8Array, w: number, h: number): { data: Uint8Array; count: number; regionSizesPx: number[]; speckPx: number } {
  const { labels, sizes } = connectedComponents(mask, w, h);
  const minSize = Math.max(1, Math.ceil(minRegionShare * w * h));
  const out = new Uint8Array(w * h);
  let count = 0;
  for (let i = 0; i < out.length; i++) {
    const id = labels[i]!;
    if (id && sizes[id]! >= minSize) { out[i] = 1; count++; }
  }
  const regionSizesPx = sizes.filter((s, id) => id > 0 && s >= minSize).sort((a, b) => b - a);
  const speckPx = sizes.reduce((sum, s, id) => (id > 0 && s < minSize ? sum + s : sum), 0);
  return { data: out, count, regionSizesPx, speckPx };
}
