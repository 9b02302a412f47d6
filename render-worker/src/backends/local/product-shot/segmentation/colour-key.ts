import { floodFromEdge } from '@shotfarm/shared/images';
import {
  borderBand, distanceMap, fitBackgroundModel, medianBackgroundRgb, type BackgroundSurface,
} from './background-surface.ts';
import { keepProductIslands, touchesProduct } from './islands.ts';
import { toLab } from './lab.ts';
import { frameContact } from './mask-stats.ts';
import type { MaskImage, WorkingCopy } from './types.ts';

/** The border band's width as a fraction of the working copy's longest side. */
const borderBandFraction = 0.03;

/** What the colour key learns from a photo; nothing is refused here (see refusals.ts). */
export interface ColourKey {
  /** Soft mask: 255 product, a ramp on the background ring touching it, 0 elsewhere. */
  mask: MaskImage;
  /** The fitted background surface (Lab quadratic over the frame). */
  surface: BackgroundSurface;
  backgroundRgb: [number, number, number];
  /** ΔE of every working pixel from the surface at its place. */
  distance: Float32Array;
  /** Indices of the border band the surface was fitted on. */
  band: Int32Array;
  diagnostics: { borderBusyFraction: number; borderTextureDeltaE: number; frameContactFraction: number };
}

/**
 * The colour key: the background is modelled from a band along the image border (a quadratic surface in Lab,
 * fitted with trimming), and a flood fill from the border over near-background pixels marks what is background.
 * Near-background regions the fill cannot reach (a white label on a dark bottle) stay opaque.
 */
export function colourKey(img: WorkingCopy, toleranceDeltaE: number): ColourKey {
  const { widthPx: w, heightPx: h } = img;
  const n = w * h;
  const lab = toLab(img);
  const bandPx = Math.max(2, Math.round(borderBandFraction * Math.max(w, h)));
  const band = borderBand(w, h, bandPx);
  const surface = fitBackgroundModel(lab, w, h, band, toleranceDeltaE);
  const distance = distanceMap(lab, w, h, surface);

  // Busy-ness, measured before any pixel is classified: how much of the border is not background, and how
  // textured the part that is.
  let far = 0;
  let nearSum = 0;
  for (const i of band) {
    const d = distance[i]!;
    if (d > toleranceDeltaE) far++;
    else nearSum += d;
  }
  const borderBusyFraction = far / band.length;
  const borderTextureDeltaE = band.length > far ? nearSum / (band.length - far) : toleranceDeltaE;

  const passable = new Uint8Array(n);
  for (let i = 0; i < n; i++) passable[i] = distance[i]! < toleranceDeltaE ? 1 : 0;
  const background = floodFromEdge(passable, w, h);
  const candidate = new Uint8Array(n);
  for (let i = 0; i < n; i++) candidate[i] = background[i] ? 0 : 1;
  const product = keepProductIslands(candidate, w, h);
  const mask = new Uint8Array(n);
  // The soft ramp runs only on the ring of background pixels touching the product: there a pixel is a mix of
  // both, and its distance says roughly how much product it holds. Elsewhere background is fully transparent,
  // so the photo's faint shading does not come along as haze.
  const rampStart = toleranceDeltaE * 0.5;
  for (let y = 0, i = 0; y < h; y++) {
    for (let x = 0; x < w; x++, i++) {
      if (product[i]) {
        mask[i] = 255;
      } else if (background[i] && distance[i]! > rampStart && touchesProduct(product, w, h, x, y)) {
        const t = (distance[i]! - rampStart) / (toleranceDeltaE - rampStart);
        mask[i] = Math.round(255 * t * t * (3 - 2 * t));
      }
    }
  }
  const productMask = { data: mask, widthPx: w, heightPx: h };
  return {
    mask: productMask, surface, distance, band,
    backgroundRgb: medianBackgroundRgb(img, band, distance, toleranceDeltaE),
    diagnostics: { borderBusyFraction, borderTextureDeltaE, frameContactFraction: frameContact(productMask) },
  };
}
