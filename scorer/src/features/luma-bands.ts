import type { RgbImage } from './working-copy.ts';

/** Rows per band: 8 rows of one JPEG block row plus the first row of the next, so every band spans one boundary. */
export const bandRows = 9;

/**
 * Pixels sampled from an image, about: 160,000 pixels give over a thousand local noise estimates and as many
 * block-boundary steps, stable figures at a small fraction of the decode's cost whatever the image's size.
 */
export const sampledPixels = 160_000;
/** Fewest and most bands: a few for very wide images, at most 16 (the whole of a small image's height, nearly). */
const minBands = 4;
const maxBands = 16;

/** Luma of sampled rows of the original, in bands that start on the JPEG block grid (multiples of 8). */
export interface LumaBands {
  widthPx: number;
  /** First row of each band in the original; always a multiple of 8. */
  startRows: number[];
  /** One array per band, `rows × widthPx` values; rows is {@link bandRows} except in images shorter than that. */
  bands: Float32Array[];
  rows: number;
}

/**
 * Reads evenly spaced bands of the original's luma. Noise and JPEG blocking are properties of the file's own pixel
 * grid, which any resize blurs away, so they are measured here rather than on the working copy.
 */
export function lumaBands(original: RgbImage): LumaBands {
  const { widthPx: w, heightPx: h, data } = original;
  const { rows, startRows } = bandLayout(w, h);
  const bands = startRows.map((y0) => {
    const band = new Float32Array(rows * w);
    for (let r = 0; r < rows; r++) {
      let j = (y0 + r) * w * 3;
      for (let x = 0, i = r * w; x < w; x++, i++, j += 3) {
        band[i] = 0.299 * data[j]! + 0.587 * data[j + 1]! + 0.114 * data[j + 2]!;
      }
    }
    return band;
  });
  return { widthPx: w, startRows, bands, rows };
}

/** The same sampling of a luma image that is already computed (the working copy's), copying the rows out. */
export function lumaBandsOf(luma: Float32Array, widthPx: number, heightPx: number): LumaBands {
  const { rows, startRows } = bandLayout(widthPx, heightPx);
  const bands = startRows.map((y0) => luma.slice(y0 * widthPx, (y0 + rows) * widthPx));
  return { widthPx, startRows, bands, rows };
}

/** Band height and evenly spaced start rows on the 8-row grid. */
function bandLayout(widthPx: number, heightPx: number): { rows: number; startRows: number[] } {
  const rows = Math.min(bandRows, heightPx);
  const wanted = Math.min(maxBands, Math.max(minBands, Math.round(sampledPixels / (bandRows * Math.max(1, widthPx)))));
  const lastStart = Math.floor((heightPx - rows) / 8) * 8; // the last grid row a whole band still fits after
  const slots = lastStart / 8 + 1;
  const count = Math.min(wanted, slots);
  const startRows: number[] = [];
  for (let k = 0; k < count; k++) {
    const slot = count === 1 ? 0 : Math.round((k * (slots - 1)) / (count - 1));
    startRows.push(slot * 8);
  }
  return { rows, startRows };
}
