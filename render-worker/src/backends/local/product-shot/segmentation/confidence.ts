import { connectedComponents } from '@shotfarm/shared/images';
import type { ConfidenceSignals } from './types.ts';

/**
 * Confidence from measurable signals. Each maps to 0–1 by a linear ramp between a value that plainly means
 * "broken" and one that plainly means "fine"; the confidence is their geometric mean, so one signal near zero
 * drags the whole below any sensible minimum, as one visible fault spoils an image.
 */

/**
 * ΔE (CIE76) across the outline: about 2.3 is a just-noticeable difference; under two of those (5) the outline
 * is not on a visible edge, above about six (15) it clearly is.
 */
const contrastRamp = [5, 15] as const;
/**
 * ΔE under which one step across the outline is not on a visible edge: two just-noticeable differences (the
 * "broken" end of {@link contrastRamp}).
 */
export const invisibleEdgeDeltaE = 5;
/**
 * Share of the outline not on a visible edge. A product part of the backdrop's own colour (a white sole on a white
 * floor, the light heel of a shoe) hides part of one of its four sides, about a sixth of its outline, and the rest
 * still follows edges; when more than one side's worth (above a quarter; 0.3 is "broken") runs through plain
 * backdrop, the matte ends where nothing ends in the photo: a piece of the backdrop (a fold of a sheet, a shadow)
 * came with it, or the cut runs through the product. A mean ΔE hides this, as the rest of the outline is crisp.
 * Measured on the colour key's cut (GrabCut's is judged by its extent against the key instead): there a weak value
 * sends the photo on to GrabCut, and the two are compared.
 */
const invisibleOutlineRamp = [0.3, 0.15] as const;
/** IoU of two independent estimates: under 0.6 they describe different objects, above 0.9 the same one. */
const agreementRamp = [0.6, 0.9] as const;
/**
 * The cut's extent (convex-hull area) over the extent of the cut together with everything a second method took for
 * product: under 0.6 the cut covers little more than half of what the other method says the product spans (the
 * berries kept and the white bowl under them lost: the key still sees the bowl's print and shading), above 0.9 the
 * two agree on where the product is and how far it reaches. Pixels alone cannot say this: a white part of a product
 * on white is invisible to the key, but its markings and shaded side still span it.
 */
const extentRamp = [0.6, 0.9] as const;
/** Share of the raw foreground in the kept regions: under 0.8 a fifth of it was scattered bits, above 0.97 clean. */
const compactnessRamp = [0.8, 0.97] as const;
/**
 * Solidity (area over convex-hull area): a sprawling matte under 0.3 is not one object; above 0.6 it is at least as
 * solid as a product on a thin stem or frame (a table lamp, a chair, a pair of glasses reach 0.4–0.6; a mug 0.8).
 */
const solidityRamp = [0.3, 0.6] as const;
/**
 * Share of the area inside the outline that is enclosed background (holes). A see-through opening of a product — a
 * mug's handle, a bag's handle loop — is a small part of what its outline encloses (about a twentieth and a sixth);
 * when nearly half is "background", a product part of the background's colour (a white clock face on a white sheet)
 * was more likely taken for background than seen through.
 */
const holeShareRamp = [0.45, 0.25] as const;
/** Share of the frame's outermost pixels that is product: 0 is clear, 0.15 (the refusal limit) is not. */
const frameContactRamp = [0, 0.15] as const;

/** The smallest a signal is taken as, so a logarithm stays finite. */
const signalFloor = 0.01;

export interface RawSignals {
  boundaryDeltaE: number;
  agreementIoU: number;
  keptShare: number;
  solidity: number;
  frameContactFraction: number;
  /** See {@link holeShare}. */
  holeShare: number;
  /** See {@link invisibleOutlineShare}. */
  invisibleOutlineShare: number;
  /** See {@link extentCoverage}; 1 when there is no second method to compare extents with. */
  extentCoverage: number;
}

export function confidenceSignals(raw: RawSignals): ConfidenceSignals {
  return {
    // On a visible edge on average and nearly everywhere: the weaker of the two.
    boundaryContrast: Math.min(ramp(raw.boundaryDeltaE, contrastRamp), ramp(raw.invisibleOutlineShare, invisibleOutlineRamp)),
    // The same pixels and the same extent: the weaker of the two.
    agreement: Math.min(ramp(raw.agreementIoU, agreementRamp), ramp(raw.extentCoverage, extentRamp)),
    // Connected (little of it in scattered bits) and compact (one solid object): the weaker of the two.
    // Connected (little of it in scattered bits), compact (one solid object) and whole (not hollowed out): the
    // weakest of the three.
    compactness: Math.min(ramp(raw.keptShare, compactnessRamp), ramp(raw.solidity, solidityRamp), ramp(raw.holeShare, holeShareRamp)),
    borderClearance: 1 - ramp(raw.frameContactFraction, frameContactRamp),
  };
}

/**
 * Below this, border clearance refuses the cut-out on its own (see refusals.ts), whatever the mean: 0.9 is product
 * on 1.5% of the frame's outermost pixels. A cut-out that touches the frame is either a product the photo cropped
 * (the main image would show it cut off) or a strip of the scene that came along (a table edge, a bench); either is
 * a fault a shopper sees, and a crisp edge or two methods agreeing cannot make up for it.
 */
export const visibleFaultCap = 0.9;

/** The geometric mean of the signals. */
export function combineConfidence(signals: ConfidenceSignals): number {
  const values = Object.values(signals);
  let logSum = 0;
  for (const v of values) logSum += Math.log(Math.max(signalFloor, v));
  return Math.exp(logSum / values.length);
}

/** Border clearance when it is under {@link visibleFaultCap} (a visible fault); else null. */
export function visibleFault(signals: ConfidenceSignals): ['borderClearance', number] | null {
  return signals.borderClearance < visibleFaultCap ? ['borderClearance', signals.borderClearance] : null;
}

/** 0 at `bad`, 1 at `good`, linear between (either may be the larger). */
function ramp(x: number, [bad, good]: readonly [number, number]): number {
  if (!Number.isFinite(x)) return 0;
  const t = (x - bad) / (good - bad);
  return t <= 0 ? 0 : t >= 1 ? 1 : t;
}

/** Enclosed background (components not touching the frame) over product plus enclosed background, of a 0/1 mask. */
export function holeShare(mask: Uint8Array, w: number, h: number): number {
  const background = new Uint8Array(mask.length);
  for (let i = 0; i < mask.length; i++) background[i] = mask[i] ? 0 : 1;
  const { labels, onFrame } = connectedComponents(background, w, h);
  let holes = 0;
  let product = 0;
  for (let i = 0; i < mask.length; i++) {
    if (!background[i]) product++;
    else if (!onFrame[labels[i]!]) holes++;
  }
  return holes + product > 0 ? holes / (holes + product) : 0;
}

/**
 * Every step across the mask's outline: for each pixel whose right or lower neighbour is on the other side, the
 * colour two pixels inside against two pixels outside (one pixel either side is often a mixed edge pixel); `visit`
 * gets each step's ΔE.
 */
function forEachOutlineStep(mask: Uint8Array, lab: Float32Array, w: number, h: number, visit: (deltaE: number) => void): void {
  const deltaE = (a: number, b: number): number => {
    const dL = lab[a * 3]! - lab[b * 3]!;
    const da = lab[a * 3 + 1]! - lab[b * 3 + 1]!;
    const db = lab[a * 3 + 2]! - lab[b * 3 + 2]!;
    return Math.sqrt(dL * dL + da * da + db * db);
  };
  for (let y = 2; y < h - 2; y++) {
    for (let x = 2; x < w - 2; x++) {
      const i = y * w + x;
      const here = mask[i]!;
      if (here !== mask[i + 1]) visit(deltaE(i - 1, i + 2));
      if (here !== mask[i + w]) visit(deltaE(i - w, i + 2 * w));
    }
  }
}

/** Mean ΔE across the mask's outline (see {@link forEachOutlineStep}). */
export function boundaryDeltaE(mask: Uint8Array, lab: Float32Array, w: number, h: number): number {
  let sum = 0;
  let count = 0;
  forEachOutlineStep(mask, lab, w, h, (deltaE) => { sum += deltaE; count++; });
  return count > 0 ? sum / count : 0;
}

/** Share of the outline's steps (as in {@link boundaryDeltaE}) whose ΔE is under {@link invisibleEdgeDeltaE}. */
export function invisibleOutlineShare(mask: Uint8Array, lab: Float32Array, w: number, h: number): number {
  let invisible = 0;
  let count = 0;
  forEachOutlineStep(mask, lab, w, h, (deltaE) => { if (deltaE < invisibleEdgeDeltaE) invisible++; count++; });
  return count > 0 ? invisible / count : 0;
}

/**
 * The cut's convex-hull area over the hull area of the cut together with `other` (a second method's product mask):
 * 1 when the other method sees nothing beyond the cut's extent.
 */
export function extentCoverage(cut: Uint8Array, other: Uint8Array, w: number, h: number): number {
  const union = new Uint8Array(cut.length);
  for (let i = 0; i < cut.length; i++) union[i] = cut[i] || other[i] ? 1 : 0;
  const whole = hullArea(union, w, h).hull;
  return whole > 0 ? hullArea(cut, w, h).hull / whole : 1;
}

/** Intersection over union of two binary masks (1 when both are empty). */
export function maskIoU(a: Uint8Array, b: Uint8Array): number {
  let inter = 0;
  let union = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] ? 1 : 0;
    const y = b[i] ? 1 : 0;
    inter += x & y;
    union += x | y;
  }
  return union > 0 ? inter / union : 1;
}

/**
 * Solidity: the mask's area over the area of its convex hull (1 for a convex shape). A product is mostly one solid
 * object (a bottle 1, a shoe about 0.9, a mug with its handle about 0.8); a matte that grabbed strips of the scene
 * sprawls across the frame and its hull is mostly empty.
 */
export function solidity(mask: Uint8Array, w: number, h: number): number {
  const { area, hull } = hullArea(mask, w, h);
  return area > 0 && hull > 0 ? Math.min(1, area / hull) : 0;
}

/** The mask's area and the area of its convex hull (over pixel corners, so a one-pixel row has an area). */
function hullArea(mask: Uint8Array, w: number, h: number): { area: number; hull: number } {
  const points: [number, number][] = [];
  let area = 0;
  for (let y = 0; y < h; y++) {
    let first = -1;
    let last = -1;
    for (let x = 0; x < w; x++) {
      if (!mask[y * w + x]) continue;
      area++;
      if (first < 0) first = x;
      last = x;
    }
    if (first >= 0) points.push([first, y], [first, y + 1], [last + 1, y], [last + 1, y + 1]);
  }
  if (area === 0) return { area: 0, hull: 0 };
  const hull = convexHull(points);
  let twice = 0;
  for (let i = 0; i < hull.length; i++) {
    const [x1, y1] = hull[i]!;
    const [x2, y2] = hull[(i + 1) % hull.length]!;
    twice += x1 * y2 - x2 * y1;
  }
  return { area, hull: Math.abs(twice) / 2 };
}

/** Andrew's monotone chain. */
function convexHull(points: [number, number][]): [number, number][] {
  const sorted = [...points].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  if (sorted.length < 3) return sorted;
  const cross = (o: [number, number], a: [number, number], b: [number, number]): number =>
    (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
  const lower: [number, number][] = [];
  for (const p of sorted) {
    while (lower.length >= 2 && cross(lower[lower.length - 2]!, lower[lower.length - 1]!, p) <= 0) lower.pop();
    lower.push(p);
  }
  const upper: [number, number][] = [];
  for (let i = sorted.length - 1; i >= 0; i--) {
    const p = sorted[i]!;
    while (upper.length >= 2 && cross(upper[upper.length - 2]!, upper[upper.length - 1]!, p) <= 0) upper.pop();
    upper.push(p);
  }
  lower.pop();
  upper.pop();
  return lower.concat(upper);
}
