/** The 4-connected regions of a binary mask. */
export interface Components {
  /** Per pixel: 0 outside the mask, else the region's id (1-based). */
  labels: Int32Array;
  /** Pixel count of each region, indexed by id (index 0 unused, always 0). */
  sizes: number[];
  /** Whether each region reaches the frame's outermost pixels, indexed by id (index 0 unused, always false). */
  onFrame: boolean[];
}

/**
 * Labels the 4-connected regions of the pixels where `mask` is non-zero, with one explicit stack (no recursion).
 * The work runs on a copy with a one-pixel empty frame around it, so no neighbour needs a bounds check.
 */
export function connectedComponents(mask: Uint8Array, widthPx: number, heightPx: number): Components {
  const pw = widthPx + 2;
  const padded = new Int32Array(pw * (heightPx + 2)); // −1 unlabelled mask pixel, 0 outside, > 0 label
  for (let y = 0; y < heightPx; y++) {
    const row = (y + 1) * pw + 1;
    for (let x = 0, i = y * widthPx; x < widthPx; x++, i++) if (mask[i]) padded[row + x] = -1;
  }
  const sizes: number[] = [0];
  const stack = new Int32Array(widthPx * heightPx);
  for (let start = pw; start < padded.length - pw; start++) {
    if (padded[start] !== -1) continue;
    const id = sizes.length;
    let size = 0;
    let top = 0;
    padded[start] = id;
    stack[top++] = start;
    while (top > 0) {
      const i = stack[--top]!;
      size++;
      if (padded[i - 1] === -1) { padded[i - 1] = id; stack[top++] = i - 1; }
      if (padded[i + 1] === -1) { padded[i + 1] = id; stack[top++] = i + 1; }
      if (padded[i - pw] === -1) { padded[i - pw] = id; stack[top++] = i - pw; }
      if (padded[i + pw] === -1) { padded[i + pw] = id; stack[top++] = i + pw; }
    }
    sizes.push(size);
  }
  const labels = new Int32Array(widthPx * heightPx);
  for (let y = 0; y < heightPx; y++) {
    const row = (y + 1) * pw + 1;
    for (let x = 0, i = y * widthPx; x < widthPx; x++, i++) labels[i] = padded[row + x]!;
  }
  const onFrame = sizes.map(() => false);
  forEachRingPixel(widthPx, heightPx, (i) => { onFrame[labels[i]!] = true; });
  onFrame[0] = false;
  return { labels, sizes, onFrame };
}

/** Visits each of the frame's outermost pixels once (row-major index). */
export function forEachRingPixel(widthPx: number, heightPx: number, visit: (i: number) => void): void {
  const w = widthPx;
  const h = heightPx;
  for (let x = 0; x < w; x++) { visit(x); if (h > 1) visit((h - 1) * w + x); }
  for (let y = 1; y < h - 1; y++) { visit(y * w); if (w > 1) visit(y * w + w - 1); }
}

/**
 * 1 where `passable` is non-zero and the pixel connects (4-connected) to the frame's edge through passable pixels:
 * the background a flood from the border reaches. Runs on a copy with a one-pixel closed frame, so no neighbour
 * needs a bounds check.
 */
export function floodFromEdge(passable: Uint8Array, widthPx: number, heightPx: number): Uint8Array {
  const w = widthPx;
  const h = heightPx;
  const pw = w + 2;
  // 1 = may be reached, 2 = reached, 0 = closed (not passable, or the padding frame).
  const state = new Uint8Array(pw * (h + 2));
  for (let y = 0; y < h; y++) {
    const row = (y + 1) * pw + 1;
    for (let x = 0, i = y * w; x < w; x++, i++) if (passable[i]) state[row + x] = 1;
  }
  const stack = new Int32Array(w * h);
  let top = 0;
  forEachRingPixel(w, h, (i) => {
    const p = (Math.floor(i / w) + 1) * pw + (i % w) + 1;
    if (state[p] === 1) { state[p] = 2; stack[top++] = p; }
  });
  while (top > 0) {
    const p = stack[--top]!;
    if (state[p - 1] === 1) { state[p - 1] = 2; stack[top++] = p - 1; }
    if (state[p + 1] === 1) { state[p + 1] = 2; stack[top++] = p + 1; }
    if (state[p - pw] === 1) { state[p - pw] = 2; stack[top++] = p - pw; }
    if (state[p + pw] === 1) { state[p + pw] = 2; stack[top++] = p + pw; }
  }
  const reached = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    const row = (y + 1) * pw + 1;
    for (let x = 0, i = y * w; x < w; x++, i++) reached[i] = state[row + x] === 2 ? 1 : 0;
  }
  return reached;
}
