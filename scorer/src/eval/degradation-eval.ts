import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { extractFeatures } from '../features/extract-features.ts';
import { qualityScore } from '../quality/quality-score.ts';
import type { EvalSection } from './eval-section.ts';
import { degradationNames, degradations, type DegradationName, type DegradedEncoding } from './degradations.ts';

/** The fixture photos beside the repo (../shared/fixtures/images: products, garments, persons), read where they lie. */
export const defaultFixtureImagesDir = fileURLToPath(new URL('../../../../shared/fixtures/images/', import.meta.url));

/** Issue 5's bar: the original must win at least this share of the pairs, for every degradation. */
export const requiredDegradationAccuracy = 0.95;

/** How often the quality score ranked originals above one kind of degradation. */
export interface DegradationAccuracy {
  /** Original/degraded pairs compared. */
  pairs: number;
  /** Pairs where the original scored strictly higher. */
  wins: number;
  /** wins / pairs (1 when there were no pairs). */
  accuracy: number;
  /** The images whose degraded copy scored as high as the original or higher, for a look at what went wrong. */
  losses: string[];
}

/** Options of {@link evaluateDegradations}. */
export interface EvaluateDegradationsOptions {
  /** How degraded copies are stored. @defaultValue 'png' */
  encoding?: DegradedEncoding;
  /** Called after each image, e.g. to print progress. */
  onImage?: (imagePath: string) => void;
}

/**
 * Issue 5's sanity check: for every image, the quality score must rank the original above each synthetic degradation
 * of it (blur, over-exposure, JPEG quality 10, noise, an off-centre crop that cuts the product). Each image is scored,
 * degraded every way (deterministically; the crop cuts into the product box the extractor found) and each copy
 * scored; a pair is won when the original scores strictly higher.
 * @throws FeatureExtractionError when an image cannot be read.
 */
export async function evaluateDegradations(
  imagePaths: readonly string[], opts: EvaluateDegradationsOptions = {},
): Promise<Record<DegradationName, DegradationAccuracy>> {
  const result = Object.fromEntries(
    degradationNames.map((d) => [d, { pairs: 0, wins: 0, accuracy: 1, losses: [] as string[] }]),
  ) as Record<DegradationName, DegradationAccuracy>;
  for (const imagePath of imagePaths) {
    const image = await readFile(imagePath);
    const original = await extractFeatures(image);
    const originalScore = qualityScore(original.vector).score;
    for (const name of degradationNames) {
      const degraded = await degradations[name](image, { productBox: original.mask.bboxPx, encoding: opts.encoding });
      const degradedScore = qualityScore((await extractFeatures(degraded)).vector).score;
      const entry = result[name];
      entry.pairs++;
      if (originalScore > degradedScore) entry.wins++;
      else entry.losses.push(imagePath);
    }
    opts.onImage?.(imagePath);
  }
  for (const name of degradationNames) {
    const entry = result[name];
    entry.accuracy = entry.pairs > 0 ? entry.wins / entry.pairs : 1;
  }
  return result;
}

/** Every JPEG, PNG and WebP under a folder (recursively), sorted, so runs compare the same list in the same order. */
export async function listImages(dir: string = defaultFixtureImagesDir): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((e) => e.isFile() && /\.(jpe?g|png|webp)$/i.test(e.name))
    .map((e) => path.join(e.parentPath, e.name))
    .sort();
}

/** The `pnpm eval:scorer` section: pairwise accuracy per degradation on the fixture photos, against the 95 % bar. */
export const degradationEvalSection: EvalSection = {
  title: 'Quality score vs synthetic degradations (fixture photos)',
  async run() {
    const images = await listImages();
    const result = await evaluateDegradations(images);
    const lines = [`${images.length} images, original must score higher than its degraded copy`];
    let pass = images.length > 0;
    for (const name of degradationNames) {
      const r = result[name];
      const ok = r.accuracy >= requiredDegradationAccuracy;
      pass &&= ok;
      const lost = r.losses.length > 0 ? `  (lost: ${r.losses.map((p) => path.basename(p)).join(', ')})` : '';
      lines.push(`${name.padEnd(14)} ${String(r.wins).padStart(3)}/${r.pairs}  ${(100 * r.accuracy).toFixed(1)}%  ${ok ? 'ok' : `below ${100 * requiredDegradationAccuracy}%`}${lost}`);
    }
    return { lines, pass };
  },
};
