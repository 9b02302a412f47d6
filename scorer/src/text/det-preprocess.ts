/**
 * PaddleOCR's detector input, as `tools/infer/predict_det.py` builds it for the DB models: `DetResizeForTest`
 * (limit type "max") then `NormalizeImage` with ImageNet statistics, then HWC → CHW.
 */

/** The longest side the detector sees; PaddleOCR's `det_limit_side_len` for PP-OCRv4 inference. */
export const detLimitSidePx = 960;

/** DB's backbone downsamples by 32, so both input sides must be multiples of it. */
const detStridePx = 32;

// PaddleOCR reads images with cv2.imread, so channel 0 is BLUE: the model was trained with the first
// mean/std pair applied to B, not R. We keep their numbers and their order, and feed planes as B, G, R.
const planeMean = [0.485, 0.456, 0.406] as const;
const planeStd = [0.229, 0.224, 0.225] as const;

export interface DetInputSize { widthPx: number; heightPx: number }

/**
 * The size an image is resized to before detection: scaled down (never up) so the longest side is at most
 * `limitSidePx`, then each side rounded to the nearest multiple of 32, at least 32.
 */
export function detInputSize(widthPx: number, heightPx: number, limitSidePx = detLimitSidePx): DetInputSize {
  const longest = Math.max(widthPx, heightPx);
  const ratio = longest > limitSidePx ? limitSidePx / longest : 1;
  // Truncate then round, as PaddleOCR does (int(h * ratio), then round(h / 32) * 32).
  const snap = (side: number) => Math.max(Math.round(Math.trunc(side * ratio) / detStridePx) * detStridePx, detStridePx);
  return { widthPx: snap(widthPx), heightPx: snap(heightPx) };
}

/**
 * Interleaved 8-bit RGB pixels → the model's float input, planar (CHW) in B, G, R order, each plane
 * normalised as (v / 255 − mean) / std.
 */
export function toDetTensorData(rgb: Uint8Array, size: DetInputSize): Float32Array {
  const { widthPx, heightPx } = size;
  const plane = widthPx * heightPx;
  if (rgb.length !== plane * 3) {
    throw new RangeError(`expected ${plane * 3} RGB bytes for ${widthPx}×${heightPx} but received ${rgb.length}`);
  }
  const out = new Float32Array(plane * 3);
  const [mB, mG, mR] = planeMean;
  const [sB, sG, sR] = planeStd;
  for (let p = 0, i = 0; p < plane; p++, i += 3) {
    out[p] = (rgb[i + 2]! / 255 - mB) / sB;
    out[plane + p] = (rgb[i + 1]! / 255 - mG) / sG;
    out[2 * plane + p] = (rgb[i]! / 255 - mR) / sR;
  }
  return out;
}
