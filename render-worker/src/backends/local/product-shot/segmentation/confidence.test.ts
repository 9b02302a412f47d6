import { describe, expect, it } from 'vitest';
import { confidenceSignals, extentCoverage, invisibleOutlineShare } from './confidence.ts';

const w = 40;
const h = 40;

/** A Lab image of one colour (L, a, b) everywhere, with `paint` choosing another colour per pixel. */
function labImage(base: [number, number, number], paint: (x: number, y: number) => [number, number, number] | null): Float32Array {
  const lab = new Float32Array(w * h * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) lab.set(paint(x, y) ?? base, (y * w + x) * 3);
  }
  return lab;
}

function rectMask(x0: number, y0: number, x1: number, y1: number): Uint8Array {
  const mask = new Uint8Array(w * h);
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) mask[y * w + x] = 1;
  return mask;
}

const fine = { boundaryDeltaE: 40, agreementIoU: 1, keptShare: 1, solidity: 1, frameContactFraction: 0, holeShare: 0, invisibleOutlineShare: 0, extentCoverage: 1 };

describe('invisibleOutlineShare', () => {
  it('is 0 for a dark square on white, whose whole outline is an edge', () => {
    const mask = rectMask(10, 10, 30, 30);
    const lab = labImage([95, 0, 0], (x, y) => (mask[y * w + x] ? [20, 0, 0] : null));
    expect(invisibleOutlineShare(mask, lab, w, h)).toBe(0);
  });

  it('counts the part of the outline that runs through plain backdrop (a scrap of it came with the product)', () => {
    // The product is the left half of the mask; the right half is backdrop taken along: its outline is invisible,
    // but for the right side of the product, where the product meets its scrap.
    const product = rectMask(10, 10, 20, 30);
    const mask = rectMask(10, 10, 30, 30);
    const lab = labImage([95, 0, 0], (x, y) => (product[y * w + x] ? [20, 0, 0] : null));
    const share = invisibleOutlineShare(mask, lab, w, h);
    expect(share).toBeGreaterThan(0.4);
    expect(share).toBeLessThan(0.6);
  });

  it('more than a quarter of the outline invisible makes the boundary contrast signal weak, though its mean ΔE is high', () => {
    expect(confidenceSignals({ ...fine, invisibleOutlineShare: 0.1 }).boundaryContrast).toBe(1);
    expect(confidenceSignals({ ...fine, invisibleOutlineShare: 0.3 }).boundaryContrast).toBe(0);
  });
});

describe('extentCoverage', () => {
  it('is 1 when the other method sees nothing beyond the cut', () => {
    expect(extentCoverage(rectMask(10, 10, 30, 30), rectMask(12, 12, 28, 28), w, h)).toBe(1);
  });

  it('is the share of the joint extent the cut spans: a cut that kept the top of a product and lost its body', () => {
    // The other method's marks (a print on the lost body) span the whole product below the kept part.
    const marks = new Uint8Array(w * h);
    for (let y = 10; y < 30; y++) { marks[y * w + 10] = 1; marks[y * w + 29] = 1; }
    const coverage = extentCoverage(rectMask(10, 10, 30, 15), marks, w, h);
    expect(coverage).toBeCloseTo(0.25, 2);
    expect(confidenceSignals({ ...fine, extentCoverage: coverage }).agreement).toBe(0);
  });
});
