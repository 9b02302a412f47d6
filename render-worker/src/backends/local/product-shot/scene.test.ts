import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { TaskError } from '@shotfarm/shared';
import { hexToRgb, mixHex, renderScene, rgbToHex, SceneSpec } from './scene.ts';

const at = (rgb: Buffer, w: number, x: number, y: number): number[] =>
  Array.from(rgb.subarray((y * w + x) * 3, (y * w + x) * 3 + 3));

const luma = ([r, g, b]: number[]): number => 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;

describe('SceneSpec', () => {
  it('accepts each kind and fills defaults', () => {
    expect(SceneSpec.parse({ kind: 'gradient', from: '#ffffff', to: '#000000' })).toMatchObject({ angleDeg: 180 });
    expect(SceneSpec.parse({ kind: 'studio-sweep', color: '#e9e4f0' })).toMatchObject({ horizonPct: 66 });
    expect(SceneSpec.parse({ kind: 'image', image: Buffer.from([1]) }).kind).toBe('image');
  });

  it('refuses colours that are not #rrggbb, unknown kinds and unknown keys', () => {
    expect(SceneSpec.safeParse({ kind: 'solid', color: 'white' }).success).toBe(false);
    expect(SceneSpec.safeParse({ kind: 'solid', color: '#fff' }).success).toBe(false);
    expect(SceneSpec.safeParse({ kind: 'marble', color: '#ffffff' }).success).toBe(false);
    expect(SceneSpec.safeParse({ kind: 'solid', color: '#ffffff', extra: 1 }).success).toBe(false);
  });
});

describe('renderScene', () => {
  it('fills a solid scene with exactly the colour', async () => {
    const rgb = await renderScene({ kind: 'solid', color: '#f4efe6' }, 40, 30);
    expect(rgb.length).toBe(40 * 30 * 3);
    expect(at(rgb, 40, 0, 0)).toEqual([0xf4, 0xef, 0xe6]);
    expect(at(rgb, 40, 39, 29)).toEqual([0xf4, 0xef, 0xe6]);
  });

  it('runs a gradient along its CSS angle: 180° top to bottom, 90° left to right', async () => {
    const down = await renderScene({ kind: 'gradient', from: '#ffffff', to: '#000000', angleDeg: 180 }, 64, 64);
    expect(at(down, 64, 32, 0)[0]).toBeGreaterThan(245);
    expect(at(down, 64, 32, 63)[0]).toBeLessThan(10);
    expect(Math.abs(at(down, 64, 0, 32)[0]! - at(down, 64, 63, 32)[0]!)).toBeLessThanOrEqual(1);
    const right = await renderScene({ kind: 'gradient', from: '#000000', to: '#ffffff', angleDeg: 90 }, 64, 64);
    expect(at(right, 64, 0, 32)[0]).toBeLessThan(10);
    expect(at(right, 64, 63, 32)[0]).toBeGreaterThan(245);
  });

  it('dithers a slow gradient instead of banding it', async () => {
    const rgb = await renderScene({ kind: 'gradient', from: '#808080', to: '#828282', angleDeg: 180 }, 8, 64);
    // Row 16 sits halfway between two levels (128.5): dithering mixes both rather than rounding the row to one.
    const row = Array.from({ length: 8 }, (_, x) => at(rgb, 8, x, 16)[0]);
    expect(new Set(row).size).toBeGreaterThan(1);
  });

  it('lights a studio sweep: brightest in the middle, falling off to the corners, same hue throughout', async () => {
    const w = 200;
    const rgb = await renderScene({ kind: 'studio-sweep', color: '#e3e8ef', horizonPct: 66 }, w, 200);
    const centre = at(rgb, w, 100, 100);
    const corner = at(rgb, w, 0, 0);
    expect(luma(centre)).toBeGreaterThan(luma(corner) + 8);
    expect(luma(centre)).toBeLessThanOrEqual(luma(hexToRgb('#e3e8ef')) + 2);
    // A cool base colour stays cool (blue above red) everywhere.
    expect(corner[2]!).toBeGreaterThan(corner[0]!);
  });

  it('cover-crops an uploaded scene to the canvas', async () => {
    const wide = await sharp({ create: { width: 300, height: 100, channels: 3, background: '#336699' } }).jpeg().toBuffer();
    const rgb = await renderScene({ kind: 'image', image: wide }, 80, 120);
    expect(rgb.length).toBe(80 * 120 * 3);
    expect(at(rgb, 80, 40, 60).map((c) => Math.round(c / 8))).toEqual([0x33, 0x66, 0x99].map((c) => Math.round(c / 8)));
  });

  it('flattens a transparent or greyscale scene image to RGB', async () => {
    const grey = await sharp({ create: { width: 50, height: 50, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } })
      .png().toBuffer();
    const rgb = await renderScene({ kind: 'image', image: grey }, 20, 20);
    expect(at(rgb, 20, 10, 10)).toEqual([255, 255, 255]);
  });

  it('answers SF_RENDER_INPUT_UNREADABLE for a scene image that is no image', async () => {
    const error = await renderScene({ kind: 'image', image: Buffer.from('nope') }, 10, 10).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TaskError);
    expect((error as TaskError).code).toBe('SF_RENDER_INPUT_UNREADABLE');
  });
});

describe('colour helpers', () => {
  it('round-trips hex and mixes in sRGB', () => {
    expect(rgbToHex(hexToRgb('#a1b2c3'))).toBe('#a1b2c3');
    expect(mixHex('#000000', '#ffffff', 0.5)).toBe('#808080');
    expect(mixHex('#102030', '#102030', 0.7)).toBe('#102030');
  });
});
