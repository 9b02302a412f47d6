import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { assertValidDataset, type CtrDataset, type CtrRow } from './ctr-dataset.ts';

/** File names inside a click-log folder. */
export const clickLogFiles = { images: 'images.csv', clicks: 'clicks.csv', description: 'README.txt' } as const;

/**
 * Write a dataset as a click-log folder: `images.csv` (imageId, productId, one column per feature) and `clicks.csv`
 * (day, productId, imageId, impressions, clicks), the shape aggregated logs have in the studio's database. Numbers
 * are written in their shortest exact form, so reading the folder back gives the same dataset bit for bit.
 */
export async function writeClickLogCsv(dataset: CtrDataset, dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  const images = new Map<string, CtrRow>();
  for (const r of dataset.rows) if (!images.has(r.imageId)) images.set(r.imageId, r);
  const imageLines = [['imageId', 'productId', ...dataset.featureNames].join(',')];
  for (const r of images.values()) imageLines.push([r.imageId, r.productId, ...r.features.map(String)].join(','));
  const clickLines = ['day,productId,imageId,impressions,clicks'];
  for (const r of dataset.rows) clickLines.push(`${r.day},${r.productId},${r.imageId},${r.impressions},${r.clicks}`);
  await writeFile(path.join(dir, clickLogFiles.images), `${imageLines.join('\n')}\n`);
  await writeFile(path.join(dir, clickLogFiles.clicks), `${clickLines.join('\n')}\n`);
  await writeFile(path.join(dir, clickLogFiles.description), `${dataset.description}\n`);
}

/** Read a folder written by {@link writeClickLogCsv}; ids must not contain commas (ours never do). */
export async function readClickLogCsv(dir: string): Promise<CtrDataset> {
  const lines = async (file: string) => (await readFile(path.join(dir, file), 'utf8')).split('\n').filter((l) => l.length > 0);
  const [imageHeader, ...imageRows] = await lines(clickLogFiles.images);
  const featureNames = (imageHeader ?? '').split(',').slice(2);
  const features = new Map<string, number[]>();
  for (const line of imageRows) {
    const [imageId, , ...values] = line.split(',');
    features.set(imageId!, values.map(Number));
  }
  const [, ...clickRows] = await lines(clickLogFiles.clicks);
  const rows = clickRows.map((line, i): CtrRow => {
    const [day, productId, imageId, impressions, clicks] = line.split(',');
    const f = features.get(imageId!);
    if (!f) throw new RangeError(`${clickLogFiles.clicks} line ${i + 2}: image ${imageId} is not in ${clickLogFiles.images}`);
    return { day: Number(day), productId: productId!, imageId: imageId!, impressions: Number(impressions), clicks: Number(clicks), features: f };
  });
  const description = (await readFile(path.join(dir, clickLogFiles.description), 'utf8').catch(() => `click logs in ${dir}`)).trim();
  const dataset = { featureNames, rows, description };
  assertValidDataset(dataset);
  return dataset;
}
