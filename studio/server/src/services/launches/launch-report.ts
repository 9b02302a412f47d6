import { Readable } from 'node:stream';
import sharp from 'sharp';
import yazl from 'yazl';
import type { tables, Db } from '@shotfarm/shared/db';
import type { Storage } from '@shotfarm/shared/storage';
import { picksOf, skuBatches, spendBySku } from './launch-view.ts';

type LaunchRow = typeof tables.launches.$inferSelect;

const csvColumns = ['sku', 'title', 'category', 'status', 'slot', 'rank', 'file', 'url', 'ctr', 'quality', 'gate_pass', 'picked_by', 'failing_rules', 'cost_yuan', 'error'] as const;

/** One CSV cell: quoted when needed, and a leading = + - @ defused so a spreadsheet never runs it as a formula. */
function cell(v: unknown): string {
  const s = v === null || v === undefined ? '' : String(v);
  const safe = /^[=+\-@\t\r]/.test(s) && !/^-?\d/.test(s) ? `'${s}` : s;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** The file a pick has in the report ZIP: `<sku>/<slot>-<rank>.jpg` (`.mp4` for a video). */
export const pickFileName = (sku: string, slot: string, rank: number, mime: string): string => `${sku}/${slot}-${rank}.${mime.startsWith('video/') ? 'mp4' : 'jpg'}`;

const yuan = (milliFen: number): string => (milliFen / 100_000).toFixed(4);

/**
 * The report, one line per pick (a SKU without picks gets one line with its status and why): picked image URLs,
 * scores, the gate verdict, what the SKU cost. Generated page by page, so a 10,000-SKU report never sits in memory.
 */
export async function* reportCsvLines(db: Db, storage: Storage, launch: LaunchRow, opts: { urls: boolean } = { urls: true }): AsyncGenerator<string> {
  // A BOM so Excel opens the UTF-8 (Chinese titles) correctly.
  yield `\uFEFF${csvColumns.join(',')}\r\n`;
  for await (const batch of skuBatches(db, launch.id)) {
    const picks = await picksOf(db, batch.map((s) => s.id));
    const spend = await spendBySku(db, launch.id, batch.map((s) => s.sku));
    let out = '';
    for (const s of batch) {
      const mine = picks.filter((p) => p.skuId === s.id);
      const base = { sku: s.sku, title: s.title, category: s.category, status: s.status, cost_yuan: yuan(spend.get(s.sku) ?? 0),
        failing_rules: s.failingRules.map((r) => `${r.id}×${r.count}`).join('; '), error: s.errorMessage ?? '' };
      const rows = mine.length === 0 ? [base] : await Promise.all(mine.map(async (p) => ({
        ...base, slot: p.slot, rank: p.rank, file: pickFileName(s.sku, p.slot, p.rank, p.mime), url: opts.urls ? await storage.signedUrl(p.key) : '',
        ctr: p.ctr?.toFixed(4) ?? '', quality: p.quality?.toFixed(4) ?? '', gate_pass: p.gatesPassed === null ? '' : String(p.gatesPassed.includes(launch.plan.profile)),
        picked_by: p.by,
      })));
      for (const r of rows) out += `${csvColumns.map((c) => cell((r as Record<string, unknown>)[c])).join(',')}\r\n`;
    }
    yield out;
  }
}

/** Marketplaces take JPEG: a pick stored as PNG or WebP is re-encoded; a JPEG (or a video) goes in as stored. */
async function marketplaceBytes(storage: Storage, key: string, mime: string): Promise<Buffer> {
  const bytes = await storage.get(key);
  if (mime === 'image/jpeg' || mime.startsWith('video/')) return bytes;
  return sharp(bytes).flatten({ background: '#ffffff' }).jpeg({ quality: 92, chromaSubsampling: '4:4:4' }).toBuffer();
}

/**
 * The marketplace bundle, streamed: each picked image as `<sku>/<slot>-<rank>.jpg`, read from storage only when the
 * archive reaches it (one at a time), then `report.csv`. Entries are stored, not deflated: JPEG and MP4 do not shrink.
 */
export function reportZipStream(db: Db, storage: Storage, launch: LaunchRow, log: { error: (o: object, m: string) => void }): NodeJS.ReadableStream {
  const zip = new yazl.ZipFile();
  const lazy = (read: () => Promise<Buffer>) => (cb: (err: unknown, stream: NodeJS.ReadableStream) => void) => {
    read().then((b) => cb(null, Readable.from([b])), (err: unknown) => cb(err, Readable.from([])));
  };
  void (async () => {
    try {
      for await (const batch of skuBatches(db, launch.id)) {
        const picks = await picksOf(db, batch.map((s) => s.id));
        const skuOf = new Map(batch.map((s) => [s.id, s.sku]));
        for (const p of picks) {
          zip.addReadStreamLazy(pickFileName(skuOf.get(p.skuId)!, p.slot, p.rank, p.mime), { compress: false },
            lazy(() => marketplaceBytes(storage, p.key, p.mime)));
        }
        // Hold the next page until the archive has caught up: the queue of entries stays a page long.
        await drained(zip);
      }
      zip.addReadStreamLazy('report.csv', { compress: true }, (cb) => cb(null, Readable.from(reportCsvLines(db, storage, launch))));
      zip.end();
    } catch (err) {
      if ((zip.outputStream as { destroyed?: boolean }).destroyed) return;
      log.error({ err, launchId: launch.id }, 'building the report ZIP failed');
      zip.outputStream.emit('error', err);
    }
  })();
  return zip.outputStream;
}

/** Resolves once the archive has written every entry queued so far (yazl exposes its queue only internally). */
function drained(zip: yazl.ZipFile): Promise<void> {
  const internal = zip as unknown as { entries: { state: number }[] };
  const out = zip.outputStream as NodeJS.ReadableStream & { destroyed?: boolean };
  return new Promise((resolve, reject) => {
    const check = () => {
      // yazl's entry states: 0 waiting for metadata, 1 ready, 2 data in progress, 3 done (Entry.FILE_DATA_DONE).
      if (out.destroyed) reject(new Error('the client went away'));
      else if (internal.entries.every((e) => e.state === 3)) resolve();
      else setTimeout(check, 20);
    };
    check();
  });
}
