import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { TaskError, type SegmenterKind } from '@shotfarm/shared';
import { mulberry32 } from '@shotfarm/shared/images';
import { analyseCutout, renderMask } from '../cutout.ts';

/**
 * Measures the segmenters on composites whose truth is known: products drawn at test time with exact alpha (a bottle
 * with a strap, a mug with a handle, a shoe-like blob) placed on plain, gradient, textured (noise) and real busy
 * backgrounds (crops of the fixture photos, read from disk, or of any folder given). Prints per background class the
 * mean IoU and boundary F-score (2-px tolerance) of the accepted cut-outs, the refusal rate, and how many refused
 * cases would have been bad (IoU < 0.85). Usage: tsx eval-cutout.ts [photo dir] [classic|colour-key]
 */
const sizePx = 400;
const defaultPhotos = path.resolve(fileURLToPath(new URL('../../../../../../../shared/fixtures/images/products', import.meta.url)));

type Shape = (x: number, y: number) => [number, number, number] | null;

const shapes: Record<string, Shape> = {
  bottle: (x, y) => {
    const body = ((x - 200) / 70) ** 2 + ((y - 225) / 110) ** 2 <= 1;
    const neck = Math.abs(x - 200) <= 20 && y >= 70 && y < 225;
    const strap = Math.abs(x - 282) <= 2 && y >= 140 && y <= 290;
    if (strap) return [40, 30, 30];
    if (!(body || neck)) return null;
    return Math.abs(y - 225) <= 25 && body ? [30, 70, 200] : [200, 40, 50];
  },
  mug: (x, y) => {
    const cup = Math.abs(x - 180) <= 80 && y >= 120 && y <= 300;
    const r = Math.hypot(x - 262, y - 210);
    const handle = x > 260 && r >= 35 && r <= 52;
    return cup || handle ? [235, 225, 200] : null; // a cream mug: close to light backgrounds on purpose
  },
  shoe: (x, y) => {
    const sole = ((x - 200) / 150) ** 2 + ((y - 270) / 45) ** 2 <= 1;
    const upper = ((x - 160) / 90) ** 2 + ((y - 220) / 70) ** 2 <= 1 && y < 270;
    return sole ? [250, 250, 250] : upper ? [60, 60, 65] : null;
  },
};

async function backgrounds(photoDir: string): Promise<Record<string, Buffer[]>> {
  const plain = [Buffer.alloc(sizePx * sizePx * 3, 246), Buffer.alloc(sizePx * sizePx * 3, 225)];
  const gradient = [0, 1].map((k) => {
    const out = Buffer.alloc(sizePx * sizePx * 3);
    for (let i = 0; i < sizePx * sizePx; i++) {
      const t = (Math.floor(i / sizePx) + (k ? i % sizePx : 0)) / (sizePx * (k ? 2 : 1));
      out.set([Math.round(240 - 50 * t), Math.round(232 - 40 * t), Math.round(220 - 20 * t)], i * 3);
    }
    return out;
  });
  const random = mulberry32(5);
  const textured = [0, 1].map(() => {
    const out = Buffer.alloc(sizePx * sizePx * 3);
    for (let i = 0; i < out.length; i++) out[i] = Math.round(200 + (random() - 0.5) * 40);
    return out;
  });
  const files = (await readdir(photoDir)).filter((f) => /\.(jpe?g|png|webp)$/i.test(f)).sort();
  const busy: Buffer[] = [];
  for (const file of files) {
    const photo = await readFile(path.join(photoDir, file));
    const { width = 0, height = 0 } = await sharp(photo).metadata();
    const side = Math.round(Math.min(width, height) * 0.45);
    busy.push(await sharp(photo).extract({ left: 0, top: 0, width: side, height: side }).resize(sizePx, sizePx).removeAlpha().raw().toBuffer());
  }
  return { plain, gradient, textured, busy };
}

interface Outcome { iou: number; boundaryF: number | null; refused: boolean; /** For a refused case: its IoU with no confidence minimum (null: still refused). */ unrefusedIoU?: number | null }

async function evaluate(background: Buffer, shape: Shape, segmenter: SegmenterKind, minConfidence?: number): Promise<Outcome> {
  const truth = new Uint8Array(sizePx * sizePx);
  const photo = Buffer.from(background);
  for (let y = 0; y < sizePx; y++) {
    for (let x = 0; x < sizePx; x++) {
      const rgb = shape(x, y);
      if (!rgb) continue;
      truth[y * sizePx + x] = 1;
      photo.set(rgb, (y * sizePx + x) * 3);
    }
  }
  // A soft contact shadow under the product, as in a real photo.
  for (let y = 300; y < 330; y++) {
    for (let x = 80; x < 320; x++) {
      const i = y * sizePx + x;
      if (truth[i]) continue;
      for (let c = 0; c < 3; c++) photo[i * 3 + c] = Math.round(photo[i * 3 + c]! * (0.8 + 0.2 * ((y - 300) / 30)));
    }
  }
  const jpeg = await sharp(photo, { raw: { width: sizePx, height: sizePx, channels: 3 } }).jpeg({ quality: 90 }).toBuffer();
  let predicted: Uint8Array;
  try {
    const analysis = await analyseCutout(jpeg, { segmenter, minConfidence });
    const matte = await renderMask(analysis, { scale: 1, windowPx: { left: 0, top: 0, width: sizePx, height: sizePx }, featherPx: 0 });
    predicted = Uint8Array.from(matte.data, (v) => (v >= 128 ? 1 : 0));
  } catch (error) {
    if (!(error instanceof TaskError)) throw error;
    return { iou: 0, boundaryF: null, refused: true };
  }
  let inter = 0;
  let union = 0;
  for (let i = 0; i < truth.length; i++) { inter += predicted[i]! & truth[i]!; union += predicted[i]! | truth[i]!; }
  return { iou: inter / union, boundaryF: boundaryF(predicted, truth), refused: false };
}

/** Boundary F-score: precision and recall of outline pixels matched within 2 px. */
function boundaryF(a: Uint8Array, b: Uint8Array): number {
  const outline = (m: Uint8Array): number[] => {
    const out: number[] = [];
    for (let y = 1; y < sizePx - 1; y++) {
      for (let x = 1; x < sizePx - 1; x++) {
        const i = y * sizePx + x;
        if (m[i] && (!m[i - 1] || !m[i + 1] || !m[i - sizePx] || !m[i + sizePx])) out.push(i);
      }
    }
    return out;
  };
  const near = (points: number[], other: Uint8Array): number => {
    const set = new Uint8Array(sizePx * sizePx);
    for (const i of outline(other)) set[i] = 1;
    let hit = 0;
    for (const i of points) {
      const x = i % sizePx;
      const y = Math.floor(i / sizePx);
      let found = false;
      for (let dy = -2; dy <= 2 && !found; dy++) for (let dx = -2; dx <= 2 && !found; dx++) if (set[(y + dy) * sizePx + x + dx]) found = true;
      if (found) hit++;
    }
    return points.length > 0 ? hit / points.length : 0;
  };
  const precision = near(outline(a), b);
  const recall = near(outline(b), a);
  return precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
}

async function main(): Promise<void> {
  const [dirArg, segmenterArg] = process.argv.slice(2);
  const segmenter = (segmenterArg ?? 'classic') as SegmenterKind;
  const classes = await backgrounds(dirArg ?? defaultPhotos);
  const all: Outcome[] = [];
  console.log(`eval:cutout — segmenter ${segmenter}, ${Object.keys(shapes).length} drawn products × backgrounds`);
  for (const [name, list] of Object.entries(classes)) {
    const outcomes: Outcome[] = [];
    for (const background of list) {
      for (const [shapeName, shape] of Object.entries(shapes)) {
        const outcome = await evaluate(background, shape, segmenter);
        if (!outcome.refused && outcome.iou < 0.85) console.log(`  accepted but bad: ${name} #${list.indexOf(background)} ${shapeName} IoU ${outcome.iou.toFixed(3)}`);
        if (outcome.refused) {
          const loose = await evaluate(background, shape, segmenter, 0);
          outcome.unrefusedIoU = loose.refused ? null : loose.iou;
        }
        outcomes.push(outcome);
      }
    }
    all.push(...outcomes);
    const accepted = outcomes.filter((o) => !o.refused);
    const mean = (xs: number[]): string => (xs.length ? (xs.reduce((a, b) => a + b, 0) / xs.length).toFixed(3) : '—');
    const refused = outcomes.length - accepted.length;
    const worst = accepted.length ? Math.min(...accepted.map((o) => o.iou)).toFixed(3) : '—';
    console.log(`${name.padEnd(9)} n=${String(outcomes.length).padStart(2)}  accepted ${accepted.length}  mean IoU ${mean(accepted.map((o) => o.iou))}` +
      `  boundary F ${mean(accepted.map((o) => o.boundaryF!))}  worst accepted IoU ${worst}  refused ${refused} (${((100 * refused) / outcomes.length).toFixed(0)}%)`);
  }
  const refusedCases = all.filter((o) => o.refused);
  const bad = refusedCases.filter((o) => o.unrefusedIoU === null || o.unrefusedIoU! < 0.85).length;
  console.log(`refused ${refusedCases.length}; of those, ${bad} would have been bad (IoU < 0.85, or no matte even with no confidence minimum)`);
}

await main();
