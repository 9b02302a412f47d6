/** The one zoom and pan every image of a comparison shares, so the same detail sits in the same place. */
export interface ViewTransform {
  scale: number;
  /** Pan in CSS pixels of the pane, applied before the scale. */
  x: number;
  y: number;
}

export const identityTransform: ViewTransform = { scale: 1, x: 0, y: 0 };
export const minScale = 1;
export const maxScale = 8;
/** One wheel notch or one +/- press multiplies the scale by this. */
export const zoomFactor = 1.25;
/** One arrow-key press pans this far. */
export const panStep = 40;

const clamp = (v: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, v));

/**
 * Zooms by `factor` about a point of the pane (its centre when not given), so what is under the pointer stays
 * under it. At scale 1 the pan resets: an image cannot be pushed out of its pane.
 */
export function zoomAbout(t: ViewTransform, factor: number, at: { x: number; y: number } = { x: 0, y: 0 }): ViewTransform {
  const scale = clamp(t.scale * factor, minScale, maxScale);
  if (scale === minScale) return identityTransform;
  const k = scale / t.scale;
  return { scale, x: at.x - (at.x - t.x) * k, y: at.y - (at.y - t.y) * k };
}

export function panBy(t: ViewTransform, dx: number, dy: number): ViewTransform {
  if (t.scale === minScale) return t;
  return { ...t, x: t.x + dx, y: t.y + dy };
}

/** What a key does to the shared view; null for keys the comparison does not use. */
export function transformForKey(t: ViewTransform, key: string): ViewTransform | null {
  switch (key) {
    case '+': case '=': return zoomAbout(t, zoomFactor);
    case '-': case '_': return zoomAbout(t, 1 / zoomFactor);
    case '0': return identityTransform;
    case 'ArrowLeft': return panBy(t, panStep, 0);
    case 'ArrowRight': return panBy(t, -panStep, 0);
    case 'ArrowUp': return panBy(t, 0, panStep);
    case 'ArrowDown': return panBy(t, 0, -panStep);
    default: return null;
  }
}

export function cssTransform(t: ViewTransform): string {
  return `translate(${t.x}px, ${t.y}px) scale(${t.scale})`;
}
