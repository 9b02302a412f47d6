import { boxMean, connectedComponents, floodFromEdge } from '@shotfarm/shared/images';
import {
  borderBand, distanceMap, fitBackgroundModel, medianBackgroundRgb, type BackgroundSurface,
} from './background-surface.ts';
import { keepProductIslands, maxLoopThicknessFraction, touchesProduct } from './islands.ts';
import { toLab } from './lab.ts';
import { frameContact } from './mask-stats.ts';
import { shadowAwareDistance } from './background-shadow.ts';
import type { MaskImage, WorkingCopy } from './types.ts';

/** The border band's width as a fraction of the working copy's longest side. */
const borderBandFraction = 0.03;
/**
 * A backdrop's own noise: this many times the border's 90th-percentile distance from the background model is the
 * "tight" tolerance. If the residuals were Gaussian per Lab channel, the 90th percentile of ΔE is about 2.5σ and
 * twice it about 5σ, so practically no clean background pixel is beyond it.
 */
const noiseToleranceFactor = 2;
/**
 * The tight tolerance never goes below this ΔE: about one just-noticeable difference (2.3) and a little more, so
 * what is recovered is a part the eye can tell from the backdrop, not compression noise.
 */
const minTightToleranceDeltaE = 1.2;
/**
 * Recovered parts must survive a morphological opening of this radius (share of the longest side): a product part
 * is a body, while compression ringing along a strong edge is a thin ring a few pixels wide.
 */
const recoveryOpeningFraction = 0.012;

/** What the colour key learns from a photo; nothing is refused here (see refusals.ts). */
export interface ColourKey {
  /** Soft mask: 255 product, a ramp on the background ring touching it, 0 elsewhere. */
  mask: MaskImage;
  /** The fitted background surface (Lab quadratic over the frame). */
  surface: BackgroundSurface;
  backgroundRgb: [number, number, number];
  /**
   * ΔE of every working pixel from the surface at its place; for a pixel that is the background in shadow, its
   * distance from the shadow line instead (see shadow.ts).
   */
  distance: Float32Array;
  /** The tolerance the key flooded with (the configured one, times the share asked for). */
  toleranceDeltaE: number;
  /** Indices of the border band the surface was fitted on. */
  band: Int32Array;
  diagnostics: { borderBusyFraction: number; borderTextureDeltaE: number; frameContactFraction: number };
}

/**
 * The colour key: the background is modelled from a band along the image border (a quadratic surface in Lab,
 * fitted with trimming), and a flood fill from the border over near-background pixels marks what is background.
 * Near-background regions the fill cannot reach (a white label on a dark bottle) stay opaque.
 */
export function colourKey(img: WorkingCopy, maxToleranceDeltaE: number, toleranceShare = 1): ColourKey {
  const { widthPx: w, heightPx: h } = img;
  const n = w * h;
  const lab = toLab(img);
  const bandPx = Math.max(2, Math.round(borderBandFraction * Math.max(w, h)));
  const band = borderBand(w, h, bandPx);
  const surface = fitBackgroundModel(lab, w, h, band, maxToleranceDeltaE);
  const litDistance = distanceMap(lab, w, h, surface);
  const distance = shadowAwareDistance(lab, w, h, surface, litDistance);
  const toleranceDeltaE = toleranceShare * maxToleranceDeltaE;

  // Busy-ness, measured before any pixel is classified: how much of the border is not background, and how
  // textured the part that is.
  let far = 0;
  let nearSum = 0;
  for (const i of band) {
    const d = distance[i]!;
    if (d > maxToleranceDeltaE) far++;
    else nearSum += d;
  }
  const borderBusyFraction = far / band.length;
  const borderTextureDeltaE = band.length > far ? nearSum / (band.length - far) : maxToleranceDeltaE;

  const passable = new Uint8Array(n);
  for (let i = 0; i < n; i++) passable[i] = distance[i]! < toleranceDeltaE ? 1 : 0;
  const background = floodFromEdge(passable, w, h);
  const candidate = new Uint8Array(n);
  for (let i = 0; i < n; i++) candidate[i] = background[i] ? 0 : 1;
  const tight = Math.min(toleranceDeltaE, tightTolerance(distance, band, maxToleranceDeltaE));
  recoverFaintParts(candidate, background, distance, tight, w, h);
  // Holes are judged on the lit backdrop's colour: a grey product inside its own outline must not pass for shadow.
  clearSeeThroughHoles(candidate, background, litDistance, toleranceDeltaE, tight, w, h);
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
    mask: productMask, surface, distance, band, toleranceDeltaE,
    backgroundRgb: medianBackgroundRgb(img, band, distance, maxToleranceDeltaE),
    diagnostics: { borderBusyFraction, borderTextureDeltaE, frameContactFraction: frameContact(productMask) },
  };
}

/** The tight tolerance: {@link noiseToleranceFactor} × the border's 90th-percentile distance, within its bounds. */
function tightTolerance(distance: Float32Array, band: Int32Array, maxToleranceDeltaE: number): number {
  const near: number[] = [];
  for (const i of band) if (distance[i]! <= maxToleranceDeltaE) near.push(distance[i]!);
  if (near.length === 0) return maxToleranceDeltaE;
  near.sort((a, b) => a - b);
  const p90 = near[Math.min(near.length - 1, Math.floor(near.length * 0.9))]!;
  return Math.min(maxToleranceDeltaE, Math.max(minTightToleranceDeltaE, noiseToleranceFactor * p90));
}

/**
 * Hysteresis for faint product parts (a white sole on a light-grey sweep). The flood runs at the configured
 * tolerance, which is loose enough to cross compression ringing and soft shading; a part of the product that is
 * only a little off the backdrop is flooded too. Here the flooded pixels beyond the backdrop's own noise (the tight
 * tolerance) are opened morphologically — rings along edges vanish, bodies survive — and the surviving regions that
 * touch the product are given back to it. Updates `candidate` in place.
 */
function recoverFaintParts(
  candidate: Uint8Array, background: Uint8Array, distance: Float32Array, tight: number, w: number, h: number,
): void {
  const n = w * h;
  const faint = new Float32Array(n);
  let any = false;
  for (let i = 0; i < n; i++) if (background[i] && distance[i]! > tight) { faint[i] = 1; any = true; }
  if (!any) return;
  const { labels, sizes } = connectedComponents(opening(faint, w, h), w, h);
  const touches = new Uint8Array(sizes.length);
  for (let y = 0, i = 0; y < h; y++) {
    for (let x = 0; x < w; x++, i++) {
      const id = labels[i]!;
      if (!id || touches[id]) continue;
      if ((x > 0 && candidate[i - 1]) || (x < w - 1 && candidate[i + 1]) || (y > 0 && candidate[i - w]) || (y < h - 1 && candidate[i + w])) {
        touches[id] = 1;
      }
    }
  }
  for (let i = 0; i < n; i++) if (touches[labels[i]!]) candidate[i] = 1;
}

/**
 * The backdrop seen through the product (inside a mug's or a bag's handle) is enclosed, so the flood from the
 * frame never reaches it. Enclosed regions within the flood's tolerance that survive the same opening (not a
 * pinhole, not a thin highlight), whose median distance is within the backdrop's own noise (the tight tolerance:
 * the backdrop itself, its edge pixels mixed with the product by compression) and that lie within
 * {@link maxLoopThicknessFraction} of the outside background (what encloses them is a handle or a strap, not a body)
 * are background again. A label the backdrop's very colour on a product's body stays: a body is thicker than a strap.
 * Updates `candidate` in place.
 */
function clearSeeThroughHoles(
  candidate: Uint8Array, outside: Uint8Array, distance: Float32Array, loose: number, tight: number, w: number, h: number,
): void {
  const n = w * h;
  const backdrop = new Float32Array(n);
  let any = false;
  for (let i = 0; i < n; i++) if (candidate[i] && distance[i]! < loose) { backdrop[i] = 1; any = true; }
  if (!any) return;
  const { labels, sizes } = connectedComponents(opening(backdrop, w, h), w, h);
  const members: number[][] = sizes.map(() => []);
  for (let i = 0; i < n; i++) if (labels[i]) members[labels[i]!]!.push(distance[i]!);
  const outsideMask = Float32Array.from(outside);
  const nearOutside = boxMean(outsideMask, w, h, Math.max(2, Math.round(maxLoopThicknessFraction * Math.max(w, h))));
  const touches = new Uint8Array(sizes.length);
  for (let i = 0; i < n; i++) if (labels[i] && nearOutside[i]! > 0) touches[labels[i]!] = 1;
  const clear = members.map((ds, id) => {
    if (ds.length === 0 || !touches[id]) return false;
    ds.sort((a, b) => a - b);
    return ds[ds.length >> 1]! <= tight;
  });
  for (let i = 0; i < n; i++) if (clear[labels[i]!]) candidate[i] = 0;
}

/** Morphological opening (square element of {@link recoveryOpeningFraction} of the longest side) of a 0/1 mask. */
function opening(mask: Float32Array, w: number, h: number): Uint8Array {
  const n = w * h;
  const r = Math.max(2, Math.round(recoveryOpeningFraction * Math.max(w, h)));
  const eroded = boxMean(mask, w, h, r);
  const core = new Float32Array(n);
  for (let i = 0; i < n; i++) core[i] = eroded[i]! >= 0.999 ? 1 : 0;
  const grown = boxMean(core, w, h, r);
  const opened = new Uint8Array(n);
  for (let i = 0; i < n; i++) opened[i] = grown[i]! > 0.001 && mask[i] ? 1 : 0;
  return opened;
}
