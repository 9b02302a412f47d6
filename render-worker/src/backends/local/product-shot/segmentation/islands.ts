import { boxMean, connectedComponents } from '@shotfarm/shared/images';

/** Product islands smaller than this fraction of the largest one are noise or dust, not product. */
export const minIslandFraction = 0.01;

/**
 * Keeps the product's islands of a candidate mask (1 = maybe product): drops islands far smaller than the
 * largest one (dust, noise, a stray speck of texture). Several large islands survive: a pair of shoes is two.
 * When the largest island lies inside the frame, islands cut by the frame's edge are surroundings (a table
 * edge, a wall), not product.
 */
export function keepProductIslands(candidate: Uint8Array, w: number, h: number, minFraction = minIslandFraction): Uint8Array {
  const n = w * h;
  const { labels, sizes, onFrame } = connectedComponents(candidate, w, h);
  let largest = 0;
  for (let id = 1; id < sizes.length; id++) if (sizes[id]! > sizes[largest]!) largest = id;
  const dropFrameIslands = largest > 0 && !onFrame[largest];
  const keep = sizes.map((s, id) =>
    id > 0 && s >= sizes[largest]! * minFraction && !(dropFrameIslands && onFrame[id]));
  const product = new Uint8Array(n);
  for (let i = 0; i < n; i++) if (keep[labels[i]!]) product[i] = 1;
  return product;
}

/**
 * Fills holes in the product (background regions not connected to the frame's edge) smaller than `maxFraction`
 * of the product's area: a segmentation's pinholes on a shiny surface, not the gap inside a handle.
 */
export function fillSmallHoles(product: Uint8Array, w: number, h: number, maxFraction: number): Uint8Array {
  const n = w * h;
  const background = new Uint8Array(n);
  let area = 0;
  for (let i = 0; i < n; i++) {
    if (product[i]) area++;
    else background[i] = 1;
  }
  const { labels, sizes, onFrame } = connectedComponents(background, w, h);
  const out = Uint8Array.from(product);
  const limit = area * maxFraction;
  for (let i = 0; i < n; i++) {
    const id = labels[i]!;
    if (id && !onFrame[id] && sizes[id]! <= limit) out[i] = 1;
  }
  return out;
}

/** Whether any of the 8 neighbours of (x, y) is product. */
export function touchesProduct(product: Uint8Array, w: number, h: number, x: number, y: number): boolean {
  for (let dy = -1; dy <= 1; dy++) {
    const yy = y + dy;
    if (yy < 0 || yy >= h) continue;
    for (let dx = -1; dx <= 1; dx++) {
      const xx = x + dx;
      if (xx >= 0 && xx < w && product[yy * w + xx]) return true;
    }
  }
  return false;
}

/**
 * The thickest a handle or strap around a see-through opening is taken to be, as a share of the longest side (a mug's
 * handle is about 4%): an opening deeper inside the product than that is enclosed by a body, not a loop.
 */
export const maxLoopThicknessFraction = 0.05;
/** The band outside the product whose colours a see-through hole is compared with, as a share of the longest side. */
const surroundBandFraction = 0.03;
/** At most this many surround pixels are compared with each hole (a stride over the band). */
const maxSurroundSamples = 2000;

/**
 * Fills holes (enclosed background) that cannot be see-through openings. A see-through opening (inside a handle)
 * is enclosed by a loop no thicker than {@link maxLoopThicknessFraction}, and shows what lies behind the product,
 * which is what surrounds it; a hole deep inside a body, or of a colour found nowhere in a band around the product
 * (a white label on a red backpack), is a part of the product the segmentation dropped. A hole is kept when its median Lab colour is within `toleranceDeltaE` of enough of the
 * surround's pixels to be a colour the surround really has (the 2nd percentile of the distances).
 */
export function fillForeignHoles(product: Uint8Array, lab: Float32Array, w: number, h: number, toleranceDeltaE: number): Uint8Array {
  const n = w * h;
  const background = new Uint8Array(n);
  for (let i = 0; i < n; i++) background[i] = product[i] ? 0 : 1;
  const { labels, sizes, onFrame } = connectedComponents(background, w, h);
  let anyHole = false;
  for (let id = 1; id < sizes.length; id++) if (!onFrame[id]) anyHole = true;
  if (!anyHole) return product;
  const near = boxMean(Float32Array.from(product), w, h, Math.max(2, Math.round(surroundBandFraction * Math.max(w, h))));
  const outside = new Float32Array(n);
  for (let i = 0; i < n; i++) if (background[i] && onFrame[labels[i]!]) outside[i] = 1;
  const nearOutside = boxMean(outside, w, h, Math.max(2, Math.round(maxLoopThicknessFraction * Math.max(w, h))));
  const surround: number[] = [];
  for (let i = 0; i < n; i++) if (background[i] && onFrame[labels[i]!] && near[i]! > 0) surround.push(i);
  if (surround.length === 0) return product;
  const stride = Math.max(1, Math.floor(surround.length / maxSurroundSamples));
  const samples: number[] = [];
  for (let k = 0; k < surround.length; k += stride) samples.push(surround[k]!);
  const holeMembers = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const id = labels[i]!;
    if (!id || onFrame[id]) continue;
    let list = holeMembers.get(id);
    if (!list) holeMembers.set(id, (list = []));
    list.push(i);
  }
  const out = Uint8Array.from(product);
  for (const members of holeMembers.values()) {
    if (!members.some((i) => nearOutside[i]! > 0)) {
      for (const i of members) out[i] = 1;
      continue;
    }
    const median = [0, 1, 2].map((c) => {
      const values = Float32Array.from(members, (i) => lab[i * 3 + c]!).sort();
      return values[values.length >> 1]!;
    });
    const distances = Float32Array.from(samples, (j) => Math.hypot(lab[j * 3]! - median[0]!, lab[j * 3 + 1]! - median[1]!, lab[j * 3 + 2]! - median[2]!)).sort();
    const typical = distances[Math.floor(distances.length * 0.02)]!;
    if (typical > toleranceDeltaE) for (const i of members) out[i] = 1;
  }
  return out;
}
