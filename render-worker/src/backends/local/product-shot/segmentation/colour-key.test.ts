import { describe, expect, it } from 'vitest';
import { TaskError } from '@shotfarm/shared';
import { colourKey } from './colour-key.ts';
import { holeShare } from './confidence.ts';
import { grabCut, seed } from './grabcut.ts';
import { fillForeignHoles } from './islands.ts';
import { toLab } from './lab.ts';
import { refuseUncertain } from './refusals.ts';
import type { WorkingCopy } from './types.ts';

const sizePx = 240;

/** A working copy drawn pixel by pixel: `paint` gives each pixel's sRGB colour. */
function drawn(paint: (x: number, y: number) => readonly [number, number, number]): WorkingCopy {
  const data = Buffer.alloc(sizePx * sizePx * 3);
  for (let y = 0; y < sizePx; y++) {
    for (let x = 0; x < sizePx; x++) data.set(paint(x, y).map(Math.round), (y * sizePx + x) * 3);
  }
  return { data, widthPx: sizePx, heightPx: sizePx, channels: 3, sourceWidthPx: sizePx, sourceHeightPx: sizePx };
}

const at = (mask: { data: Uint8Array }, x: number, y: number): number => mask.data[y * sizePx + x]!;
const grey = (v: number): [number, number, number] => [v, v, v];
const tolerance = 18;

describe('colour key', () => {
  it('floods a soft shadow on the backdrop (darker, same hue), but not a grey product with a hard outline', () => {
    const photo = drawn((x, y) => {
      // A dark product standing on the sweep, and a soft shadow fading over 30 px below it, wider than it.
      if (x >= 60 && x < 120 && y >= 60 && y < 150) return [50, 55, 70];
      if (y >= 150 && y < 180 && x >= 40 && x < 140) {
        const fade = Math.min(1, (y - 150) / 30 + Math.max(0, Math.abs(x - 90) - 30) / 20);
        return grey(240 * (0.75 + 0.25 * fade));
      }
      // A light-grey product (as dark as the shadow's core) with a hard outline.
      if (x >= 160 && x < 210 && y >= 60 && y < 150) return grey(180);
      return grey(240);
    });
    const key = colourKey(photo, tolerance);
    expect(at(key.mask, 90, 165)).toBe(0);
    expect(at(key.mask, 185, 100)).toBe(255);
    expect(at(key.mask, 90, 100)).toBe(255);
  });

  it('gives back a faint product part (a white sole on a light-grey sweep) that the loose flood swallowed', () => {
    const photo = drawn((x, y) => {
      const sole = ((x - 120) / 90) ** 2 + ((y - 160) / 22) ** 2 <= 1;
      const upper = ((x - 100) / 55) ** 2 + ((y - 130) / 40) ** 2 <= 1 && y < 160;
      return sole ? grey(250) : upper ? [60, 60, 65] : grey(225);
    });
    const key = colourKey(photo, tolerance);
    expect(at(key.mask, 180, 160)).toBe(255);
    expect(at(key.mask, 100, 120)).toBe(255);
    expect(at(key.mask, 10, 10)).toBe(0);
  });

  it('clears the backdrop seen through a thin handle, but keeps a backdrop-coloured label on a thick body', () => {
    const photo = drawn((x, y) => {
      const body = x >= 50 && x < 190 && y >= 110 && y < 210;
      const label = x >= 95 && x < 145 && y >= 140 && y < 180;
      const r = Math.hypot(x - 120, y - 110);
      const handle = y < 110 && r >= 50 && r <= 56;
      if (body) return label ? grey(244) : [125, 72, 42];
      return handle ? [90, 50, 30] : grey(244);
    });
    const key = colourKey(photo, tolerance);
    expect(at(key.mask, 120, 85)).toBe(0); // inside the handle's loop
    expect(at(key.mask, 120, 57)).toBe(255); // the handle itself
    expect(at(key.mask, 120, 160)).toBe(255); // the label
  });
});

describe('fillForeignHoles (after GrabCut)', () => {
  it('fills a hole deep inside a body or of a colour the surround lacks; keeps the opening of a handle onto the scene', () => {
    const sceneColour = (x: number, y: number): [number, number, number] => [70 + (x % 9), 120 + (y % 7), 80];
    // A red body with a white label (GrabCut dropped it: a hole) and a handle loop on its right showing the scene.
    const body = (x: number, y: number): boolean => x >= 40 && x < 150 && y >= 50 && y < 200;
    const label = (x: number, y: number): boolean => x >= 75 && x < 115 && y >= 110 && y < 140;
    const loop = (x: number, y: number): boolean => x >= 150 && Math.hypot(x - 150, y - 125) >= 30 && Math.hypot(x - 150, y - 125) <= 38;
    const opening = (x: number, y: number): boolean => x >= 150 && Math.hypot(x - 150, y - 125) < 30;
    const cut = new Uint8Array(sizePx * sizePx);
    for (let y = 0; y < sizePx; y++) {
      for (let x = 0; x < sizePx; x++) cut[y * sizePx + x] = (body(x, y) && !label(x, y)) || loop(x, y) ? 1 : 0;
    }
    // A white label (a colour the surround lacks), then one of the scene's very colour (deep inside the body).
    for (const labelColour of [(): [number, number, number] => grey(250), sceneColour]) {
      const photo = drawn((x, y) => (label(x, y) ? labelColour(x, y) : body(x, y) || loop(x, y) ? [170, 30, 60] : sceneColour(x, y)));
      const filled = fillForeignHoles(cut, toLab(photo), sizePx, sizePx, tolerance);
      expect(filled[125 * sizePx + 95]).toBe(1); // the label
      expect(filled[125 * sizePx + 165]).toBe(0); // the scene seen through the handle
    }
    expect(opening(165, 125)).toBe(true);
  });
});

describe('confidence', () => {
  it('refuses a cut-out that runs into the frame even when the mean confidence is high, unless no minimum is set', () => {
    const signals = { boundaryContrast: 1, agreement: 1, compactness: 1, borderClearance: 0.8 };
    let error: unknown = null;
    try { refuseUncertain(0.95, 0.6, signals); } catch (caught) { error = caught; }
    expect(error).toBeInstanceOf(TaskError);
    expect((error as TaskError).code).toBe('SF_CUTOUT_UNCERTAIN');
    expect((error as TaskError).message).toMatch(/borderClearance 0\.80/);
    expect(() => refuseUncertain(0.95, 0, signals)).not.toThrow();
    expect(() => refuseUncertain(0.95, 0.6, { ...signals, borderClearance: 1 })).not.toThrow();
  });

  it('measures the share of the outline that is enclosed background', () => {
    const ring = new Uint8Array(100 * 100);
    for (let y = 0; y < 100; y++) {
      for (let x = 0; x < 100; x++) {
        const r = Math.hypot(x - 50, y - 50);
        ring[y * 100 + x] = r <= 40 && r > 20 ? 1 : 0;
      }
    }
    // Hole π·20² over disc π·40²: a quarter.
    expect(holeShare(ring, 100, 100)).toBeCloseTo(0.25, 1);
  });
});

describe('grabCut', () => {
  it('cuts the same photo the same way whatever ran before it in the process', async () => {
    const photo = drawn((x, y) => (Math.hypot(x - 120, y - 120) < 60 ? [180 + (x % 7), 60, 60] : [90 + (y % 11), 140, 90 + (x % 13)]));
    const other = drawn((x, y) => (x > 100 ? [20, 200, 30] : [240, 240, 10 + (y % 50)]));
    const seeds = new Uint8Array(sizePx * sizePx).fill(seed.probableBackground);
    for (let y = 80; y < 160; y++) for (let x = 80; x < 160; x++) seeds[y * sizePx + x] = seed.probableForeground;
    for (let i = 0; i < sizePx; i++) { seeds[i] = seed.background; seeds[sizePx * sizePx - 1 - i] = seed.background; }
    const first = await grabCut(photo, seeds);
    await grabCut(other, seeds);
    const again = await grabCut(photo, seeds);
    expect(Buffer.from(again).equals(Buffer.from(first))).toBe(true);
    expect(first[120 * sizePx + 120]).toBe(1);
    expect(first[5 * sizePx + 120]).toBe(0);
  }, 30_000); // OpenCV's WASM build compiles on first use
});
