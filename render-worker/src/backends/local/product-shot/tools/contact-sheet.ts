import { readdir, readFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import sharp, { type OverlayOptions } from 'sharp';
import { TaskError, type SegmenterKind } from '@shotfarm/shared';
import { analyseCutout, renderMask } from '../cutout.ts';
import { renderProductShot } from '../pipeline.ts';

/**
 * Writes a contact sheet of product photos through the recipe: per photo a row of source, matte (on a grey/white
 * checker of the matte's values) and the rendered main image, or the refusal's code and reason.
 * Usage: tsx contact-sheet.ts <photo dir> <out.png> [classic|colour-key]
 */
const cellPx = 260;
const labelPx = 46;

async function main(): Promise<void> {
  const [dir, out, segmenterArg] = process.argv.slice(2);
  if (!dir || !out) throw new Error('usage: contact-sheet.ts <photo dir> <out.png> [classic|colour-key]');
  const segmenter = (segmenterArg ?? 'classic') as SegmenterKind;
  const files = (await readdir(dir)).filter((f) => /\.(jpe?g|png|webp)$/i.test(f)).sort();
  const rows: OverlayOptions[] = [];
  for (const [row, file] of files.entries()) {
    const photo = await readFile(path.join(dir, file));
    const top = row * (cellPx + labelPx);
    const cells: (Buffer | null)[] = [await fit(photo), null, null];
    let label = file;
    const started = performance.now();
    try {
      const analysis = await analyseCutout(photo, { segmenter });
      const whole = { left: 0, top: 0, width: analysis.sourceWidthPx, height: analysis.sourceHeightPx };
      const matte = await renderMask(analysis, { scale: 1, windowPx: whole, featherPx: 0 });
      cells[1] = await fit(await sharp(matte.data, { raw: { width: matte.widthPx, height: matte.heightPx, channels: 1 } }).png().toBuffer());
      const shot = await renderProductShot({
        product: photo, params: { preset: 'taobao-800', scene: 'solid', color: '#d8d2c8', segmenter }, variantIndex: 0, seed: 1,
      });
      cells[2] = await fit(shot.data);
      label += `  ${analysis.method}  conf ${analysis.confidence.toFixed(2)}  ` +
        Object.entries(analysis.signals).map(([k, v]) => `${k.slice(0, 6)} ${v.toFixed(2)}`).join(' ') +
        `  busy ${analysis.diagnostics.borderBusyFraction.toFixed(2)} texture ${analysis.diagnostics.borderTextureDeltaE.toFixed(1)}`;
    } catch (error) {
      label += error instanceof TaskError ? `  REFUSED ${error.code}: ${error.message.slice(0, 150)}` : `  ERROR ${String(error)}`;
    }
    label += `  ${Math.round(performance.now() - started)} ms`;
    cells.forEach((cell, col) => { if (cell) rows.push({ input: cell, left: col * cellPx, top }); });
    rows.push({ input: await text(label, 3 * cellPx, labelPx), left: 0, top: top + cellPx });
    console.log(label);
  }
  await mkdir(path.dirname(out), { recursive: true });
  await sharp({ create: { width: 3 * cellPx, height: files.length * (cellPx + labelPx), channels: 3, background: '#ffffff' } })
    .composite(rows).png().toFile(out);
}

async function fit(image: Buffer): Promise<Buffer> {
  return sharp(image, { autoOrient: true }).resize(cellPx, cellPx, { fit: 'contain', background: '#7f7f7f' }).flatten({ background: '#7f7f7f' }).png().toBuffer();
}

async function text(label: string, widthPx: number, heightPx: number): Promise<Buffer> {
  const escaped = label.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const half = Math.ceil(escaped.length / 2);
  const lines = escaped.length > 110 ? [escaped.slice(0, half), escaped.slice(half)] : [escaped];
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${widthPx}" height="${heightPx}"><rect width="100%" height="100%" fill="#fff"/>` +
    lines.map((l, k) => `<text x="4" y="${16 + k * 18}" font-family="sans-serif" font-size="12">${l}</text>`).join('') + '</svg>';
  return sharp(Buffer.from(svg)).png().toBuffer();
}

await main();
