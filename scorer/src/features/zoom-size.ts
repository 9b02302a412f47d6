/**
 * Longest side, in pixels, at which sharpness and noise are judged: 1000 px is where Amazon turns on zoom (Taobao:
 * 800), the closest a shopper looks at a listing image. A 4000-px photo whose edges are 3 px wide, or whose noise
 * is σ 6, looks crisp and clean there; an image no larger than this is judged at its own size (it cannot be zoomed).
 */
export const zoomSidePx = 1000;

/** Pixels at the zoom size per original pixel: 1 for an image no larger than {@link zoomSidePx}. */
export function zoomScale(widthPx: number, heightPx: number): number {
  return Math.min(1, zoomSidePx / Math.max(1, widthPx, heightPx));
}
