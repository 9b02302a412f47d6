import { connectedComponents } from '@shotfarm/shared/images';

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
