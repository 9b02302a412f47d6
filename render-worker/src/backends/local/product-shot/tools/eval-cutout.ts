import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
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
 * cases would have been bad (IoU < 0.85).
 * Two sets are reported apart: `tuning` (the composites the constants were looked at with) and `check` (held out:
 * other products, backdrops, scenes and shadows; see {@link checkShapes}).
 * Usage: tsx eval-cutout.ts [tuning photo dir] [classic|colour-key] [check photo dir] [--set tuning|check]
 *   [--class plain|gradient|textured|busy] [--dump DIR]
 */
const sizePx = 400;
const fixtureImages = path.resolve(fileURLToPath(new URL('../../../../../../../shared/fixtures/images', import.meta.url)));
const defaultPhotos = path.join(fixtureImages, 'products');
const defaultCheckPhotos = [path.join(fixtureImages, 'garments'), path.join(fixtureImages, 'persons')];

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

/**
 * The check set: composites no constant was chosen on (the tuning set above is the one the segmenters' constants were
 * looked at with). Other products (a lamp on a thin stem with a light shade, a bag with a thin handle arc, a pale
 * bowl, a small phone off-centre), other backdrop colours, a vignette and a warm sweep, another texture, real scenes
 * from other photos (the garment and person fixtures, or any folder given), and a shadow that follows the product's
 * footprint instead of a fixed band. Honest status: after its first run two constants were revised with it in view —
 * the solidity ramp (its lamp on a thin stem was refused as "not one object") and the lower end of the hole-share
 * ramp (its bag's handle loop encloses 16% of the outline) — so it is held out for every other constant only.
 */
const checkShapes: Record<string, Shape> = {
  lamp: (x, y) => {
    const shade = y >= 90 && y <= 170 && Math.abs(x - 215) <= 40 + (y - 90) * 0.5;
    const stem = Math.abs(x - 215) <= 3 && y > 170 && y < 300;
    const base = ((x - 215) / 60) ** 2 + ((y - 305) / 14) ** 2 <= 1;
    return shade ? [245, 238, 222] : stem || base ? [175, 135, 60] : null;
  },
  bag: (x, y) => {
    const body = x >= 110 && x <= 300 && y >= 170 && y <= 320 && Math.hypot(Math.max(0, Math.abs(x - 205) - 75), Math.max(0, Math.abs(y - 245) - 55)) <= 20;
    const r = Math.hypot((x - 205) / 1.2, y - 170);
    const handle = y < 172 && r >= 55 && r <= 61;
    return body ? [125, 72, 42] : handle ? [90, 50, 30] : null;
  },
  bowl: (x, y) => {
    const inside = y >= 200 && ((x - 190) / 120) ** 2 + ((y - 200) / 95) ** 2 <= 1;
    const rim = Math.abs(y - 200) <= 6 && Math.abs(x - 190) <= 120;
    return rim ? [215, 215, 222] : inside ? [232, 232, 238] : null;
  },
  phone: (x, y) => {
    const inBody = Math.hypot(Math.max(0, Math.abs(x - 140) - 45), Math.max(0, Math.abs(y - 210) - 95)) <= 12;
    const screen = Math.abs(x - 140) <= 48 && Math.abs(y - 205) <= 90;
    if (!inBody) return null;
    return screen ? [40 + Math.round((y - 115) / 2), 90, 170] : [22, 22, 26];
  },
};

async function checkBackgrounds(photoDirs: string[]): Promise<Record<string, Buffer[]>> {
  const solid = (rgb: [number, number, number]): Buffer => {
    const out = Buffer.alloc(sizePx * sizePx * 3);
    for (let i = 0; i < sizePx * sizePx; i++) out.set(rgb, i * 3);
    return out;
  };
  const plain = [solid([250, 248, 245]), solid([205, 212, 220])];
  const vignette = Buffer.alloc(sizePx * sizePx * 3);
  const sweep = Buffer.alloc(sizePx * sizePx * 3);
  for (let y = 0; y < sizePx; y++) {
    for (let x = 0; x < sizePx; x++) {
      const r = Math.hypot(x - sizePx / 2, y - sizePx / 2) / (sizePx * 0.71);
      vignette.set([245 - 45 * r * r, 245 - 45 * r * r, 245 - 40 * r * r].map(Math.round), (y * sizePx + x) * 3);
      const t = y / sizePx;
      sweep.set([250 - 35 * t, 235 - 45 * t, 215 - 55 * t].map(Math.round), (y * sizePx + x) * 3);
    }
  }
  const random = mulberry32(11);
  const textured = [0, 1].map((k) => {
    const out = Buffer.alloc(sizePx * sizePx * 3);
    const base = k ? [180, 170, 160] : [120, 150, 130];
    for (let i = 0; i < sizePx * sizePx; i++) {
      const blotch = 12 * Math.sin((i % sizePx) / 23 + k) * Math.cos(Math.floor(i / sizePx) / 31);
      for (let c = 0; c < 3; c++) out[i * 3 + c] = Math.round(base[c]! + blotch + (random() - 0.5) * 30);
    }
    return out;
  });
  const busy: Buffer[] = [];
  for (const dir of photoDirs) {
    const files = (await readdir(dir)).filter((f) => /\.(jpe?g|png|webp)$/i.test(f)).sort();
    for (const file of files) {
      const photo = await readFile(path.join(dir, file));
      const { width = 0, height = 0 } = await sharp(photo).metadata();
      const side = Math.round(Math.min(width, height) * 0.5);
      busy.push(await sharp(photo).extract({ left: width - side, top: height - side, width: side, height: side })
        .resize(sizePx, sizePx).removeAlpha().raw().toBuffer());
    }
  }
  return { plain, gradient: [vignette, sweep], textured, busy };
}

/** A soft contact shadow under the tuning set's products, as in a real photo: a fixed band. */
function bandShadow(photo: Buffer, truth: Uint8Array): void {
  for (let y = 300; y < 330; y++) {
    for (let x = 80; x < 320; x++) {
      const i = y * sizePx + x;
      if (truth[i]) continue;
      for (let c = 0; c < 3; c++) photo[i * 3 + c] = Math.round(photo[i * 3 + c]! * (0.8 + 0.2 * ((y - 300) / 30)));
    }
  }
}

/** The check set's shadow: under each column's lowest product pixel, darkest at the contact and fading over 18 px. */
function footprintShadow(photo: Buffer, truth: Uint8Array): void {
  for (let x = 0; x < sizePx; x++) {
    let lowest = -1;
    for (let y = sizePx - 1; y >= 0 && lowest < 0; y--) if (truth[y * sizePx + x]) lowest = y;
    if (lowest < 0) continue;
    for (let y = lowest + 1; y < Math.min(sizePx, lowest + 19); y++) {
      const i = y * sizePx + x;
      if (truth[i]) continue;
      const gain = 0.65 + 0.35 * ((y - lowest) / 18);
      for (let c = 0; c < 3; c++) photo[i * 3 + c] = Math.round(photo[i * 3 + c]! * gain);
    }
  }
}

interface Outcome { iou: number; boundaryF: number | null; refused: boolean; /** For a refused case: its IoU with no confidence minimum (null: still refused). */ unrefusedIoU?: number | null }

/** Where to write each case's photo, truth and matte (`--dump DIR`), for looking at failures; null: nowhere. */
let dumpDir: string | null = null;

async function evaluate(
  background: Buffer, shape: Shape, shadow: (photo: Buffer, truth: Uint8Array) => void,
  segmenter: SegmenterKind, minConfidence?: number, caseName = 'case',
): Promise<Outcome> {
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
  shadow(photo, truth);
  const jpeg = await sharp(photo, { raw: { width: sizePx, height: sizePx, channels: 3 } }).jpeg({ quality: 90 }).toBuffer();
  let predicted: Uint8Array;
  const dumping = dumpDir !== null && minConfidence === undefined;
  let caseLine = '';
  if (dumping) await writeFile(path.join(dumpDir!, `${caseName}.photo.jpg`), jpeg);
  try {
    const analysis = await analyseCutout(jpeg, { segmenter, minConfidence });
    const matte = await renderMask(analysis, { scale: 1, windowPx: { left: 0, top: 0, width: sizePx, height: sizePx }, featherPx: 0 });
    predicted = Uint8Array.from(matte.data, (v) => (v >= 128 ? 1 : 0));
    if (dumping) {
      const raw = { raw: { width: sizePx, height: sizePx, channels: 1 as const } };
      await sharp(Buffer.from(matte.data), raw).png().toFile(path.join(dumpDir!, `${caseName}.matte.png`));
      await sharp(Buffer.from(truth.map((v) => v * 255)), raw).png().toFile(path.join(dumpDir!, `${caseName}.truth.png`));
      caseLine = (`    ${caseName}: ${analysis.method} conf ${analysis.confidence.toFixed(3)} ` +
        Object.entries(analysis.signals).map(([k, v]) => `${k} ${v.toFixed(2)}`).join(' '));
    }
  } catch (error) {
    if (!(error instanceof TaskError)) throw error;
    if (dumping) console.log(`    ${caseName}: refused ${error.code} ${error.message.slice(0, 160)}`);
    return { iou: 0, boundaryF: null, refused: true };
  }
  let inter = 0;
  let union = 0;
  for (let i = 0; i < truth.length; i++) { inter += predicted[i]! & truth[i]!; union += predicted[i]! | truth[i]!; }
  if (caseLine) console.log(`${caseLine} IoU ${(inter / union).toFixed(3)}`);
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
  const args = process.argv.slice(2);
  const flag = (name: string): string | undefined => {
    const at = args.indexOf(name);
    if (at < 0) return undefined;
    const [, value] = args.splice(at, 2);
    return value;
  };
  dumpDir = flag('--dump') ?? null;
  const onlyClass = flag('--class');
  const onlySet = flag('--set');
  if (dumpDir) await mkdir(dumpDir, { recursive: true });
  const [dirArg, segmenterArg, checkDirArg] = args;
  const segmenter = (segmenterArg ?? 'classic') as SegmenterKind;
  const sets = [
    { name: 'tuning', shapes, shadow: bandShadow, classes: () => backgrounds(dirArg ?? defaultPhotos) },
    { name: 'check', shapes: checkShapes, shadow: footprintShadow, classes: () => checkBackgrounds(checkDirArg ? [checkDirArg] : defaultCheckPhotos) },
  ].filter((set) => !onlySet || set.name === onlySet);
  console.log(`eval:cutout — segmenter ${segmenter}; drawn products × backgrounds; IoU and boundary F over accepted cut-outs`);
  for (const set of sets) {
    const classes = await set.classes();
    const all: Outcome[] = [];
    console.log(`— ${set.name} set (${Object.keys(set.shapes).join(', ')})${set.name === 'tuning' ? ': constants were looked at with these' : ': held out (but for the solidity and hole-share ramps, see checkShapes, and the choice to judge only the colour key\'s outline by its invisible share)'}`);
    for (const [name, list] of Object.entries(classes)) {
      if (onlyClass && name !== onlyClass) continue;
      const outcomes: Outcome[] = [];
      for (const [k, background] of list.entries()) {
        for (const [shapeName, shape] of Object.entries(set.shapes)) {
          const outcome = await evaluate(background, shape, set.shadow, segmenter, undefined, `${set.name}-${name}-${k}-${shapeName}`);
          if (!outcome.refused && outcome.iou < 0.85) console.log(`  accepted but bad: ${name} #${k} ${shapeName} IoU ${outcome.iou.toFixed(3)}`);
          if (outcome.refused) {
            const loose = await evaluate(background, shape, set.shadow, segmenter, 0);
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
      console.log(`${set.name.padEnd(6)} ${name.padEnd(9)} n=${String(outcomes.length).padStart(2)}  accepted ${accepted.length}  mean IoU ${mean(accepted.map((o) => o.iou))}` +
        `  boundary F ${mean(accepted.map((o) => o.boundaryF!))}  worst accepted IoU ${worst}  refused ${refused} (${((100 * refused) / outcomes.length).toFixed(0)}%)`);
    }
    const refusedCases = all.filter((o) => o.refused);
    const bad = refusedCases.filter((o) => o.unrefusedIoU === null || o.unrefusedIoU! < 0.85).length;
    console.log(`${set.name.padEnd(6)} refused ${refusedCases.length}; of those, ${bad} would have been bad (IoU < 0.85, or no matte even with no confidence minimum)`);
  }
}

await main();
