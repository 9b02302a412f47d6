import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { TaskError } from '@shotfarm/shared';
import { MarketplacePresetId } from '@shotfarm/shared';
import { ProductShotPipeline, renderProductShot, type ProductShotStage } from './pipeline.ts';
import { mulberry32 } from '@shotfarm/shared/images';

const repoRoot = fileURLToPath(new URL('../../../../../', import.meta.url));
/** Real product photos, read at test time and never copied into the repository. */
const productFixtures = path.resolve(repoRoot, '../shared/fixtures/images/products');

/** A studio-like product photo: an orange mug-shaped product on a noisy, unevenly lit off-white sweep. */
async function studioPhoto(widthPx = 900, heightPx = 700): Promise<Buffer> {
  const random = mulberry32(11);
  const data = Buffer.alloc(widthPx * heightPx * 3);
  for (let y = 0; y < heightPx; y++) {
    for (let x = 0; x < widthPx; x++) {
      const noise = (random() - 0.5) * 5;
      const bg = 246 - 12 * (y / heightPx);
      const inBody = Math.abs(x - widthPx * 0.5) < widthPx * 0.14 && y > heightPx * 0.3 && y < heightPx * 0.8;
      const inHandle = Math.abs(Math.hypot(x - widthPx * 0.66, y - heightPx * 0.55) - heightPx * 0.1) < heightPx * 0.025;
      const rgb = inBody || inHandle ? [226 + noise, 110 + noise, 40 + noise] : [bg + noise, bg + noise, bg - 3 + noise];
      data.set(rgb.map((c) => Math.max(0, Math.min(255, Math.round(c)))), (y * widthPx + x) * 3);
    }
  }
  return sharp(data, { raw: { width: widthPx, height: heightPx, channels: 3 } }).jpeg({ quality: 92 }).toBuffer();
}

async function expectCode(promise: Promise<unknown>, code: string): Promise<TaskError> {
  const error = await promise.then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(TaskError);
  expect((error as TaskError).code).toBe(code);
  return error as TaskError;
}

let photo: Buffer;
beforeAll(async () => {
  photo = await studioPhoto();
});

describe('ProductShotPipeline', () => {
  it.each(MarketplacePresetId.options)('encodes %s as a JPEG of exactly the preset size', async (preset) => {
    const shot = await new ProductShotPipeline(photo).fit(preset).toBuffer();
    const meta = await sharp(shot.data).metadata();
    expect(meta.format).toBe('jpeg');
    expect([meta.width, meta.height]).toEqual([shot.info.widthPx, shot.info.heightPx]);
    expect(shot.info).toMatchObject({ format: 'jpeg', bytes: shot.data.length });
    const expected = { 'taobao-800': [800, 800], 'taobao-750x1000': [750, 1000], 'amazon-2000': [2000, 2000] }[preset];
    expect([meta.width, meta.height]).toEqual(expected);
  });

  it('gives amazon-2000 pure white corners whatever scene was asked, with the product filling 85%', async () => {
    const shot = await new ProductShotPipeline(photo)
      .scene({ kind: 'solid', color: '#2b3a67' }).shadow({ opacity: 0.6 }).fit('amazon-2000').toBuffer();
    const { data, info } = await sharp(shot.data).raw().toBuffer({ resolveWithObject: true });
    for (const [x0, y0] of [[0, 0], [1960, 0], [0, 1960], [1960, 1960]] as const) {
      for (let y = y0; y < y0 + 40; y++) {
        for (let x = x0; x < x0 + 40; x++) {
          const o = (y * info.width + x) * info.channels;
          expect([data[o], data[o + 1], data[o + 2]]).toEqual([255, 255, 255]);
        }
      }
    }
    expect(Math.max(shot.placement.widthPx, shot.placement.heightPx)).toBeCloseTo(1700, 0);
  });

  it('puts the product where the placement says, on the asked scene', async () => {
    const shot = await new ProductShotPipeline(photo).scene({ kind: 'solid', color: '#dfe7e2' }).shadow({ opacity: 0 })
      .fit('taobao-800').toBuffer();
    const { data } = await sharp(shot.data).raw().toBuffer({ resolveWithObject: true });
    const px = (x: number, y: number): number[] => Array.from(data.subarray((y * 800 + x) * 3, (y * 800 + x) * 3 + 3));
    const p = shot.placement;
    const inside = px(Math.round(p.leftPx + p.widthPx * 0.3), Math.round(p.topPx + p.heightPx * 0.5));
    expect(inside[0]! - inside[2]!).toBeGreaterThan(120); // the orange body
    const corner = px(5, 5);
    [0xdf, 0xe7, 0xe2].forEach((expected, i) => expect(Math.abs(corner[i]! - expected)).toBeLessThanOrEqual(3));
    expect(shot.cutout.method).toBe('border-colour');
  });

  it('checks options when they are given, before any pixel moves', () => {
    const pipeline = new ProductShotPipeline(photo);
    expect(() => pipeline.scene({ kind: 'solid', color: 'orange' })).toThrow(TaskError);
    expect(() => pipeline.fit('ebay-500' as MarketplacePresetId)).toThrow(/preset/);
    expect(() => pipeline.shadow({ opacity: 2 })).toThrow(TaskError);
    expect(() => new ProductShotPipeline(Buffer.alloc(0))).toThrow(TaskError);
  });

  it('reports each stage in order and ends at 1', async () => {
    const seen: [number, ProductShotStage][] = [];
    await new ProductShotPipeline(photo).toBuffer({ onProgress: (f, s) => seen.push([f, s]) });
    expect(seen.map(([, s]) => s)).toEqual(['cutout', 'scene', 'shadow', 'harmony', 'composite', 'encode']);
    const fractions = seen.map(([f]) => f);
    expect(fractions).toEqual([...fractions].sort((a, b) => a - b));
    expect(fractions.at(-1)).toBe(1);
  });

  it('flags an enlarged photo', async () => {
    const small = await studioPhoto(300, 240);
    const shot = await new ProductShotPipeline(small).fit('taobao-800').toBuffer();
    expect(shot.placement.upscaled).toBe(true);
  });
});

describe('renderProductShot', () => {
  const params = { preset: 'taobao-800' } as const;
  /** Each render segments the photo (GrabCut or the key, then the edge refinement at output size): seconds on a busy CPU. */
  const rendersTimeoutMs = 30_000;

  it('renders four distinct variants of the same photo', async () => {
    const shots = await Promise.all([0, 1, 2, 3].map((variantIndex) =>
      renderProductShot({ product: photo, params, variantIndex, seed: 100 + variantIndex })));
    expect(new Set(shots.map((s) => s.data.toString('base64'))).size).toBe(4);
  }, rendersTimeoutMs);

  it('renders four distinct variants on pure white too', async () => {
    const shots = await Promise.all([0, 1, 2, 3].map((variantIndex) =>
      renderProductShot({ product: photo, params: { preset: 'amazon-2000' }, variantIndex, seed: 5 })));
    expect(new Set(shots.map((s) => s.data.toString('base64'))).size).toBe(4);
  }, rendersTimeoutMs);

  it('gives identical bytes for identical inputs', async () => {
    const a = await renderProductShot({ product: photo, params, variantIndex: 2, seed: 77 });
    const b = await renderProductShot({ product: photo, params, variantIndex: 2, seed: 77 });
    expect(a.data.equals(b.data)).toBe(true);
  }, rendersTimeoutMs);

  it('stands the product on an uploaded scene', async () => {
    const scene = await sharp({ create: { width: 1200, height: 900, channels: 3, background: '#5a7d9a' } }).jpeg().toBuffer();
    const shot = await renderProductShot({ product: photo, scene, params, variantIndex: 1, seed: 1 });
    const { data } = await sharp(shot.data).raw().toBuffer({ resolveWithObject: true });
    expect(Math.abs(data[0]! - 0x5a)).toBeLessThanOrEqual(6);
    expect(Math.abs(data[2]! - 0x9a)).toBeLessThanOrEqual(6);
  });

  it('stops with SF_RENDER_CANCELED when the signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    await expectCode(renderProductShot({ product: photo, params, variantIndex: 0, seed: 1, signal: controller.signal }),
      'SF_RENDER_CANCELED');
  });

  it('stops with SF_RENDER_CANCELED between stages when aborted mid-render', async () => {
    const controller = new AbortController();
    const stages: string[] = [];
    const error = await expectCode(renderProductShot({
      product: photo, params, variantIndex: 0, seed: 1, signal: controller.signal,
      onProgress: (_f, stage) => { stages.push(stage); if (stage === 'scene') controller.abort(); },
    }), 'SF_RENDER_CANCELED');
    expect(stages).toEqual(['cutout', 'scene']);
    expect(error.message).toMatch(/shadow/);
  });

  it('refuses unknown parameters with SF_RENDER_TASK_INVALID', async () => {
    await expectCode(renderProductShot({ product: photo, params: { preset: 'taobao-800', glow: 1 } as never, variantIndex: 0, seed: 1 }),
      'SF_RENDER_TASK_INVALID');
  });

  it('renders the real product photos, or refuses them (too busy, or a cut-out not confident enough)', async () => {
    const files = (await readdir(productFixtures)).filter((f) => /\.(jpe?g|png|webp)$/i.test(f)).sort();
    expect(files.length).toBeGreaterThan(0);
    const rendered: string[] = [];
    const refused: string[] = [];
    for (const file of files) {
      const product = await readFile(path.join(productFixtures, file));
      try {
        const shot = await renderProductShot({ product, params, variantIndex: 0, seed: 1 });
        const meta = await sharp(shot.data).metadata();
        expect([meta.width, meta.height]).toEqual([800, 800]);
        rendered.push(file);
      } catch (error) {
        expect(error).toBeInstanceOf(TaskError);
        expect(['SF_RENDER_BACKGROUND_TOO_BUSY', 'SF_CUTOUT_UNCERTAIN']).toContain((error as TaskError).code);
        refused.push(file);
      }
    }
    // The set mixes studio shots with products photographed in a scene (a backpack on a mountain, a sneaker on a
    // park bench); what the classic segmenter cannot cut with confidence it must refuse rather than paste the scene.
    // The photos looked at in a contact sheet and seen cut well are rendered; the two seen cut badly (the berries
    // without their white bowl, the clock with sheet folds at its base) are refused, not shown as a success.
    expect(rendered).toEqual(expect.arrayContaining([
      'cc0-hat-2a12baab.jpg', 'cc0-shoes-132e5fa5.jpg', 'cc0-shoes-20209905.jpg', 'dreambooth-backpack-02.jpg', 'dreambooth-vase-02.jpg',
    ]));
    expect(refused).toEqual(expect.arrayContaining(['dreambooth-berry_bowl-00.jpg', 'dreambooth-clock-03.jpg']));
  }, 60_000);
});
