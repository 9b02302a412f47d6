import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import sharp from 'sharp';
import { LaunchPlan, newId } from '@shotfarm/shared';
import { openDatabase, tables } from '@shotfarm/shared/db';
import { createStorage } from '@shotfarm/shared/storage';
import { reportZipStream } from '@shotfarm/studio';
import { Closers } from '../closers.ts';
import { formatRate, type Benchmark, type BenchmarkResult } from '../measure.ts';
import { makeProductPhoto } from '../product-photo.ts';
import { slope } from './launch-scale.ts';

/** Options of {@link runLaunchReportZip}. */
export interface LaunchReportZipOptions {
  /** SKUs of the finished launch. @defaultValue 2000 */
  skus?: number;
  /** Picks per SKU (all main). @defaultValue 2 */
  picks?: number;
}

const mib = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
/** Distinct stored JPEGs the picks point to (a real launch has a file per pick; reading is the same work). */
const distinctImages = 8;

/**
 * The report ZIP of a large finished launch, streamed by the API's own code (`reportZipStream`) from a database and a
 * folder storage seeded with N SKUs × K picks of 800×800 JPEGs, without rendering them first (rendering 2,000 SKUs takes
 * hours on two cores; the ZIP reads only what the launch left). Bytes are counted and dropped as they come, the
 * process's RSS and heap sampled every 100 ms: flat memory means both stay level while the entries stream, whatever N.
 */
export async function runLaunchReportZip(opts: LaunchReportZipOptions = {}): Promise<BenchmarkResult> {
  const skus = opts.skus ?? 2000;
  const picksPerSku = opts.picks ?? 2;
  const closers = new Closers();
  try {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'shotfarm-bench-zip-'));
    closers.add(() => rm(dataDir, { recursive: true, force: true }));
    const database = await openDatabase({ engine: 'pglite', dataDir: path.join(dataDir, 'db') });
    closers.add(() => database.close());
    const { db } = database;
    const storage = await createStorage({ driver: 'folder', root: path.join(dataDir, 'storage'), publicBaseUrl: 'http://127.0.0.1:1', secret: 'bench-report-zip-secret', ttlS: 3600 });

    // Seed: the stored outputs, a finished launch, its SKUs (done) and their picks.
    const assetIds: string[] = [];
    for (let i = 0; i < distinctImages; i++) {
      const jpeg = await sharp(await makeProductPhoto(800 + 8 * i)).resize(800, 800).jpeg({ quality: 90 }).toBuffer();
      const key = `outputs/bench/${i}.jpg`;
      await storage.put(key, jpeg, { contentType: 'image/jpeg' });
      const id = newId();
      await db.insert(tables.assets).values({ id, kind: 'output', mime: 'image/jpeg', width: 800, height: 800, bytes: jpeg.length, sha256: createHash('sha256').update(jpeg).digest('hex'), key });
      assetIds.push(id);
    }
    const launchId = newId();
    const plan = LaunchPlan.parse({ recipes: [{ recipe: 'product-shot/studio-local', variants: 4 }], pick: picksPerSku });
    await db.insert(tables.launches).values({ id: launchId, name: 'bench', status: 'finished', contentHash: launchId, plan, rejected: [], totalSkus: skus });
    for (let from = 0; from < skus; from += 500) {
      const rows = Array.from({ length: Math.min(500, skus - from) }, (_, j) => {
        const n = from + j;
        return { id: newId(), launchId, line: n + 2, sku: `ZIP-${String(n + 1).padStart(5, '0')}`, title: `商品 ${n + 1}`, category: 'home', photos: [], status: 'done' as const };
      });
      await db.insert(tables.launchSkus).values(rows);
      await db.insert(tables.launchPicks).values(rows.flatMap((r, j) => Array.from({ length: picksPerSku }, (_, k) => ({
        skuId: r.id, slot: 'main', rank: k + 1, assetId: assetIds[(from + j + k) % distinctImages]!, by: 'auto' as const,
      }))));
    }
    const [launch] = await db.select().from(tables.launches);

    global.gc?.();
    const before = process.memoryUsage();
    const samples: { atMs: number; bytes: number; rss: number; heap: number }[] = [];
    let bytes = 0;
    const started = performance.now();
    const sample = () => { const m = process.memoryUsage(); samples.push({ atMs: performance.now() - started, bytes, rss: m.rss, heap: m.heapUsed }); };
    const sampler = setInterval(sample, 100);
    try {
      const stream = reportZipStream(db, storage, launch!, { error: (o, m) => console.error(m, o) });
      for await (const chunk of stream as AsyncIterable<Buffer>) bytes += chunk.length;
    } finally {
      clearInterval(sampler);
    }
    sample();
    const elapsedS = (performance.now() - started) / 1000;
    const half = samples.filter((s) => s.atMs <= (elapsedS * 1000) / 2);
    const rest = samples.filter((s) => s.atMs > (elapsedS * 1000) / 2);
    const mean = (xs: typeof samples, pick: (s: (typeof samples)[number]) => number) => xs.reduce((a, s) => a + pick(s), 0) / Math.max(1, xs.length);
    const perMiB = (pick: (s: (typeof samples)[number]) => number) => slope(samples.map((s) => ({ x: s.bytes / 2 ** 20, y: pick(s) })));
    const notes = [
      `  report.zip of ${skus} SKUs × ${picksPerSku} picks: ${mib(bytes)} in ${elapsedS.toFixed(1)} s (${formatRate(skus / elapsedS)} SKUs/s, ${samples.length} samples);`
        + ` RSS before ${mib(before.rss)}, peak ${mib(Math.max(...samples.map((s) => s.rss)))}, mean 1st half → 2nd half ${mib(mean(half, (s) => s.rss))} → ${mib(mean(rest, (s) => s.rss))};`
        + ` heap before ${mib(before.heapUsed)}, peak ${mib(Math.max(...samples.map((s) => s.heap)))}`,
      `  growth per MiB of ZIP written (least-squares slope): RSS ${(perMiB((s) => s.rss) / 1024).toFixed(1)} KiB, heap ${(perMiB((s) => s.heap) / 1024).toFixed(1)} KiB`,
    ];
    return {
      name: launchReportZip.name, itemNoun: 'SKUs', itemsPerRound: skus, baselineLabel: 'itself',
      comparison: { subjectPerS: [skus / elapsedS], baselinePerS: [skus / elapsedS] }, notes,
    };
  } finally {
    await closers.closeAll();
  }
}

export const launchReportZip: Benchmark = {
  name: 'launch-report-zip',
  run: (flags = {}) => runLaunchReportZip({
    skus: flags.skus === undefined ? undefined : Number.parseInt(flags.skus, 10), picks: flags.picks === undefined ? undefined : Number.parseInt(flags.picks, 10),
  }),
};
