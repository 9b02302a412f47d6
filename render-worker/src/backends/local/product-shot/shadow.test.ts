import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { renderShadow, ShadowOptions, shadowScale, type ShadowTarget } from './shadow.ts';

/** A 400×400 canvas with a 160×200 box product standing at its centre, and its mask at shadow scale. */
function target(): ShadowTarget {
  const w = 400;
  const h = 400;
  const productBoxPx = { left: 120, top: 100, width: 160, height: 200 };
  const k = shadowScale(w, h);
  const mw = Math.round(productBoxPx.width * k);
  const mh = Math.round(productBoxPx.height * k);
  const mask = {
    data: new Uint8Array(mw * mh).fill(255), widthPx: mw, heightPx: mh,
    leftPx: Math.round(productBoxPx.left * k), topPx: Math.round(productBoxPx.top * k),
  };
  return { widthPx: w, heightPx: h, productBoxPx, mask };
}

/** Renders the shadow onto a flat scene the way the pipeline does: sharp's multiply blend. */
async function onScene(options: Partial<ShadowOptions>, rgb: [number, number, number] = [255, 255, 255]): Promise<Buffer> {
  const t = target();
  const layer = await renderShadow(t, ShadowOptions.parse(options));
  const image = sharp({ create: { width: t.widthPx, height: t.heightPx, channels: 3, background: { r: rgb[0], g: rgb[1], b: rgb[2] } } });
  if (layer) {
    image.composite([{
      input: layer.data, raw: { width: layer.widthPx, height: layer.heightPx, channels: 3 },
      left: layer.leftPx, top: layer.topPx, blend: 'multiply',
    }]);
  }
  // Compositing adds an alpha band; the checks read RGB.
  return image.removeAlpha().raw().toBuffer();
}

const value = (scene: Buffer, x: number, y: number, channel = 0): number => scene[(y * 400 + x) * 3 + channel]!;

describe('renderShadow', () => {
  it('darkens the floor at the product base and leaves the corners alone', async () => {
    const scene = await onScene({});
    const base = value(scene, 200, 300);
    expect(base).toBeLessThan(255 * (1 - 0.35) + 12);
    expect(value(scene, 0, 0)).toBe(255);
    expect(value(scene, 399, 399)).toBe(255);
    // Softer further from the base.
    expect(value(scene, 200, 330)).toBeGreaterThan(base);
  });

  it('covers only the region it darkens', async () => {
    const layer = await renderShadow(target(), ShadowOptions.parse({ drop: false }));
    expect(layer).not.toBeNull();
    expect(layer!.topPx).toBeGreaterThan(200);
    expect(layer!.data.length).toBe(layer!.widthPx * layer!.heightPx * 3);
  });

  it('scales with opacity and draws nothing at 0', async () => {
    const faint = await onScene({ opacity: 0.15 });
    const dark = await onScene({ opacity: 0.6 });
    expect(value(dark, 200, 300)).toBeLessThan(value(faint, 200, 300));
    expect(await renderShadow(target(), ShadowOptions.parse({ opacity: 0 }))).toBeNull();
  });

  it('adds the faint drop shadow around the product only when asked', async () => {
    const withDrop = await onScene({ drop: true });
    const without = await onScene({ drop: false });
    // Just right of the product, halfway up: only the drop shadow reaches there.
    expect(value(without, 290, 220)).toBe(255);
    expect(value(withDrop, 290, 220)).toBeLessThan(255);
  });

  it('keeps the scene hue: a tinted floor is darkened, not greyed', async () => {
    const scene = await onScene({ opacity: 0.5 }, [240, 220, 200]);
    const [r, g, b] = [value(scene, 200, 300, 0), value(scene, 200, 300, 1), value(scene, 200, 300, 2)];
    expect(r / b).toBeCloseTo(240 / 200, 1);
    expect(g).toBeLessThan(200);
  });

  it('follows the footprint: two feet cast two contact shadows, a part in the air none', async () => {
    // Two legs at the bottom corners of the box joined by a crossbar at the top: the gap between the legs is air.
    const t = target();
    const { widthPx: mw, heightPx: mh } = t.mask;
    const legPx = Math.round(mw * 0.2);
    for (let y = 0; y < mh; y++) {
      for (let x = 0; x < mw; x++) t.mask.data[y * mw + x] = y < mh * 0.3 || x < legPx || x >= mw - legPx ? 255 : 0;
    }
    const layer = await renderShadow(t, ShadowOptions.parse({ drop: false }));
    const scene = sharp({ create: { width: 400, height: 400, channels: 3, background: '#ffffff' } }).composite([{
      input: layer!.data, raw: { width: layer!.widthPx, height: layer!.heightPx, channels: 3 },
      left: layer!.leftPx, top: layer!.topPx, blend: 'multiply',
    }]);
    const pixels = await scene.removeAlpha().raw().toBuffer();
    const underLeg = value(pixels, 120 + 16, 300);
    const betweenLegs = value(pixels, 200, 300);
    expect(underLeg).toBeLessThan(255 * (1 - 0.35) + 20);
    expect(betweenLegs).toBeGreaterThan(underLeg + 40);
  });

  it('validates its options', () => {
    expect(ShadowOptions.parse({})).toEqual({ opacity: 0.35, drop: true });
    expect(ShadowOptions.safeParse({ opacity: 1.5 }).success).toBe(false);
    expect(ShadowOptions.safeParse({ blurPx: -1 }).success).toBe(false);
  });
});
