/** The 4-connected regions of a binary mask. */
export interface Components {
  /** Per pixel: 0 outside the mask, else the region's id (1-based). */
  labels: Int32Array;
  /** Pixel count of each region, indexed by id (index 0 unused, always 0). */
  sizes: number[];
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
  return { labels, sizes };
}
