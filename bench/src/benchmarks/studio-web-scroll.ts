import path from 'node:path';
import { eq, inArray } from 'drizzle-orm';
import Fastify, { type FastifyInstance } from 'fastify';
import { chromium, type Browser, type CDPSession } from 'playwright-core';
import { newId } from '@shotfarm/shared';
import { tables, type Db } from '@shotfarm/shared/db';
import { createStorage, storageKeys, type Storage } from '@shotfarm/shared/storage';
import { createBackends, RenderWorker } from '@shotfarm/render-worker';
import { readShippedModels, ScoreWorker } from '@shotfarm/scorer';
import { startBenchFarm, type BenchApi } from '../bench-farm.ts';
import { Closers } from '../closers.ts';
import { interleave, median, type Batch, type Benchmark, type BenchmarkResult } from '../measure.ts';
import { assertBrowserReady, chromiumArgs, chromiumPath, seedOutputs } from './studio-web.ts';

/** Options of {@link runStudioWebScroll}. */
export interface StudioWebScrollOptions {
  /** Outputs the gallery holds. @defaultValue 5000 */
  outputs?: number;
  /** Of those, outputs rendered by real jobs (and scored); the rest are copies of them. @defaultValue 200 */
  renderedOutputs?: number;
  /** Pixels scrolled per animation frame. @defaultValue 330, one gallery row */
  stepPx?: number;
  /** Paired rounds, each in a fresh browser context. @defaultValue 2 */
  rounds?: number;
  /** Seeding (render and score) or one scroll not done by then fails the benchmark. @defaultValue 600_000 and 480_000 */
  seedTimeoutMs?: number;
  scrollTimeoutMs?: number;
}

const defaults = { outputs: 5000, renderedOutputs: 200, stepPx: 330, rounds: 2, seedTimeoutMs: 600_000, scrollTimeoutMs: 480_000 };
const photoSidePx = 400;
const renderConcurrency = 2;
/** A frame longer than two 60 Hz frames is one a designer sees stutter. */
const jankMs = 33;
const insertChunk = 500;
/** Outputs per synthetic job, as the real seeding makes them (the most variants a job may ask for). */
const clonesPerJob = 16;
const assetsPageLimit = 200;
const pollMs = 250;
/** A normal desktop window: the gallery must scroll, unlike studio-web's one-screen-holds-all viewport. */
const viewport = { width: 1600, height: 1000 };
const gridSelector = '[data-testid=gallery-grid]';
const countSelector = '[data-testid=gallery-count]';
const cardSelector = '[data-testid=gallery-card]';
const scoreRequest = /\/api\/assets\/[^/]+\/score(\?|$)/;
const listRequest = /\/api\/assets\?/;

/** What one scroll from top to bottom measured, in the page. */
interface ScrollRun {
  /** rAF-to-rAF intervals while scrolling (frames spent idle at the loaded end, waiting for a page, left out). */
  intervals: number[];
  waitedMs: number;
  domNodesAtTop: number;
  domNodesMax: number;
  domNodesAtBottom: number;
  cardsAtBottom: number;
  scrollHeight: number;
  clientHeight: number;
  /** Distinct left edges of the cards at the top: the grid's columns. */
  columns: number;
  /** Scroll steps taken, one gallery row each. */
  rows: number;
  /** Long tasks (over 50 ms on the main thread) the page's PerformanceObserver saw while scrolling. */
  longTasks: number;
  longTaskMs: number;
  /** Main-thread work while scrolling, from Chromium's performance timeline (thread time, ms). */
  mainThread: MainThreadWork;
}

/** Deltas of Chromium's `Performance.getMetrics` over one scroll, in milliseconds of main-thread time. */
interface MainThreadWork {
  /** Every task the main thread ran: script, style, layout, paint setup, image decode callbacks. */
  taskMs: number;
  scriptMs: number;
  layoutMs: number;
  recalcStyleMs: number;
}

/** Requests the page made during one scroll. */
interface RequestCounts {
  scores: number;
  lists: number;
  images: number;
}

/**
 * Scrolling the production gallery through `outputs` outputs (paging them in as it goes) in Chromium, against the
 * same scroll over a bare page of the same height that shows the visible thumbnails as plain `<img>` tags. What is
 * compared is main-thread work per scrolled row, from Chromium's performance timeline (`TaskDuration`, in thread
 * time): rows per second of main-thread work, so the ratio is what the gallery (React, the virtualiser, cards,
 * score lines, paging) costs on top of the browser scrolling the same images. Frame rates are not the measure:
 * both pages are capped at the display refresh, which hides any cost under 16.7 ms a frame. Also prints the split
 * (script, layout, style), long tasks, p50/p95 frame times and the DOM size at the bottom.
 */
export async function runStudioWebScroll(opts: StudioWebScrollOptions = {}): Promise<BenchmarkResult> {
  const o = { ...defaults, ...opts };
  assertBrowserReady();
  const closers = new Closers();
  try {
    const { app, api, config, redisUrl, database, baseUrl, browserCookies } = await startBenchFarm(closers, { listen: true, shippedModels: await readShippedModels() });

    // Real outputs first: rendered by the local backend and scored, so every card shows real gate badges.
    const storage = await createStorage(config.storage);
    const renderer = new RenderWorker({ redisUrl, prefix: config.queuePrefix, storage, backends: createBackends(['local']), concurrency: renderConcurrency });
    const scorer = new ScoreWorker({ redisUrl, prefix: config.queuePrefix, storage });
    const stopWorkers = once(async () => { await renderer.close(); await scorer.close(); });
    closers.add(stopWorkers);
    await renderer.start();
    await scorer.start();
    const seedStarted = Date.now();
    await seedOutputs(api, { images: o.renderedOutputs, photoSidePx, timeoutMs: o.seedTimeoutMs });
    await waitForScores(database.db, o.renderedOutputs, seedStarted + o.seedTimeoutMs);
    // Nothing renders or scores while frames are timed.
    await stopWorkers();
    const cloneStarted = Date.now();
    await cloneOutputs(database.db, app.storage, o.outputs - o.renderedOutputs);
    const thumbs = await listThumbnails(api);
    if (thumbs.length !== o.outputs) throw new Error(`seeded ${o.outputs} outputs but GET /api/assets?kind=output lists ${thumbs.length}`);
    console.log(`studio-web-scroll-seed: ${o.renderedOutputs} outputs rendered and scored in ${((cloneStarted - seedStarted) / 1000).toFixed(0)} s,`
      + ` ${o.outputs - o.renderedOutputs} copied in ${((Date.now() - cloneStarted) / 1000).toFixed(1)} s`);

    const browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
    closers.add(() => browser.close());
    const galleryUrl = `${baseUrl}/gallery`;
    const scroll = { total: o.outputs, stepPx: o.stepPx, timeoutMs: o.scrollTimeoutMs };

    const galleryRuns: { run: ScrollRun; requests: RequestCounts }[] = [];
    const bareRuns: ScrollRun[] = [];
    let bare: { app: FastifyInstance; url: string } | undefined;
    // Rows per second of main-thread work: the page's own cost, whatever the frame rate cap.
    const workBatch = (run: ScrollRun): Batch => ({ items: run.rows, elapsedMs: run.mainThread.taskMs });
    const comparison = await interleave({
      rounds: o.rounds,
      // The bare page copies the gallery's geometry (columns, row height, scroll height), known once it has scrolled to the end.
      warmUp: async () => {
        const { run } = await scrollPage(browser, { ...scroll, url: galleryUrl, mode: 'gallery', cookies: browserCookies });
        bare = await bareServer(thumbs, { columns: run.columns, rowHeightPx: run.scrollHeight / Math.ceil(o.outputs / run.columns), clientHeightPx: run.clientHeight });
        closers.add(() => bare!.app.close());
        await scrollPage(browser, { ...scroll, url: bare.url, mode: 'bare', cookies: browserCookies });
      },
      baseline: async () => {
        const { run } = await scrollPage(browser, { ...scroll, url: bare!.url, mode: 'bare', cookies: browserCookies });
        bareRuns.push(run);
        return workBatch(run);
      },
      subject: async () => {
        const measured = await scrollPage(browser, { ...scroll, url: galleryUrl, mode: 'gallery', cookies: browserCookies });
        galleryRuns.push(measured);
        return workBatch(measured.run);
      },
    });

    const g = galleryRuns.map((r) => r.run);
    const perRow = (runs: readonly ScrollRun[], part: keyof MainThreadWork) => fmt(median(runs.map((r) => r.mainThread[part] / r.rows)));
    const work = (runs: readonly ScrollRun[]) => `${perRow(runs, 'taskMs')} ms of main-thread work per row (script ${perRow(runs, 'scriptMs')},`
      + ` layout ${perRow(runs, 'layoutMs')}, style ${perRow(runs, 'recalcStyleMs')}), ${median(runs.map((r) => r.longTasks))} long tasks`
      + ` totalling ${fmt(median(runs.map((r) => r.longTaskMs)))} ms`;
    console.log(`studio-web-scroll-main-thread: gallery ${work(g)} vs bare page ${work(bareRuns)} (medians of ${g.length} rounds)`);
    const gs = frameStats(g);
    const bs = frameStats(bareRuns);
    console.log(`studio-web-scroll-frames: gallery p50 ${fmt(gs.p50)} ms, p95 ${fmt(gs.p95)} ms, ${pct(gs.janky)} over ${jankMs} ms`
      + ` vs bare page p50 ${fmt(bs.p50)} ms, p95 ${fmt(bs.p95)} ms, ${pct(bs.janky)} over ${jankMs} ms`
      + ` (all frames of ${g.length} rounds each, ${o.stepPx} px a frame, viewport ${viewport.width}×${viewport.height}, ${g[0]!.columns} columns)`);
    console.log(`studio-web-scroll-dom: gallery ${median(g.map((r) => r.domNodesAtTop))} DOM nodes at the top, at most ${Math.max(...g.map((r) => r.domNodesMax))} while scrolling,`
      + ` ${median(g.map((r) => r.domNodesAtBottom))} at the bottom (${median(g.map((r) => r.cardsAtBottom))} cards mounted of ${o.outputs});`
      + ` bare page ${median(bareRuns.map((r) => r.domNodesAtBottom))} at the bottom`);
    const req = galleryRuns.map((r) => r.requests);
    console.log(`studio-web-scroll-requests: per scroll through ${o.outputs} outputs the gallery made ${median(req.map((r) => r.lists))} list requests,`
      + ` ${median(req.map((r) => r.scores))} score requests and ${median(req.map((r) => r.images))} image requests,`
      + ` and waited ${(median(g.map((r) => r.waitedMs)) / 1000).toFixed(1)} s at the loaded end for pages`);
    return { name: studioWebScroll.name, comparison, itemNoun: 'rows', itemsPerRound: Math.round(median(bareRuns.map((r) => r.rows))), baselineLabel: 'bare page' };
  } finally {
    await closers.closeAll();
  }
}

export const studioWebScroll: Benchmark = { name: 'studio-web-scroll', run: () => runStudioWebScroll() };

function once(f: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | undefined;
  return () => (running ??= f());
}

const fmt = (ms: number) => ms.toFixed(1);
const pct = (share: number) => `${(share * 100).toFixed(1)}%`;

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) throw new RangeError('quantile of no values');
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

/** Over every frame of every round: pooled, since rounds are whole scrolls of the same length. */
function frameStats(runs: readonly ScrollRun[]): { p50: number; p95: number; janky: number } {
  const all = runs.flatMap((r) => r.intervals).sort((a, b) => a - b);
  return { p50: quantile(all, 0.5), p95: quantile(all, 0.95), janky: all.filter((ms) => ms > jankMs).length / all.length };
}

/** Until every rendered output has a score (the scorer records them through the manager). */
async function waitForScores(db: Db, outputs: number, deadline: number): Promise<void> {
  for (;;) {
    const scored = await db.select({ id: tables.scores.id }).from(tables.scores)
      .innerJoin(tables.assets, eq(tables.scores.assetId, tables.assets.id)).where(eq(tables.assets.kind, 'output'));
    if (scored.length >= outputs) return;
    if (Date.now() > deadline) throw new Error(`only ${scored.length} of ${outputs} outputs scored in time`);
    await new Promise((r) => setTimeout(r, pollMs));
  }
}

/**
 * Rendering 5,000 outputs through real jobs would take the better part of an hour on this machine, and the
 * scroll measures the gallery, not the farm. So the rendered (and scored) outputs are copied: per copy a new
 * job/task/asset/score row through the product's own tables, and the image and its thumbnail stored again
 * under the copy's own key, as the render worker lays them out. Each copy thus has its own id (a UUIDv7
 * older than every real output, so the real ones stay first), its own created time and its own thumbnail
 * URL: the browser fetches and decodes 5,000 distinct images, as it would in production.
 */
async function cloneOutputs(db: Db, storage: Storage, count: number): Promise<void> {
  const sources = await db.select().from(tables.assets).where(eq(tables.assets.kind, 'output')).orderBy(tables.assets.id);
  if (sources.length === 0) throw new Error('no rendered outputs to copy');
  const sourceJobs = new Map((await db.select().from(tables.jobs)).map((j) => [j.id, j]));
  const sourceScores = new Map((await db.select().from(tables.scores).where(inArray(tables.scores.assetId, sources.map((s) => s.id)))).map((s) => [s.assetId, s]));
  const oldestMs = Math.min(...sources.map((s) => s.createdAt.getTime()));
  const jobs: (typeof tables.jobs.$inferInsert)[] = [];
  const tasks: (typeof tables.tasks.$inferInsert)[] = [];
  const assets: (typeof tables.assets.$inferInsert)[] = [];
  const scores: (typeof tables.scores.$inferInsert)[] = [];
  let job: typeof tables.jobs.$inferInsert | undefined;
  for (let i = 0; i < count; i++) {
    const src = sources[i % sources.length]!;
    const srcJob = src.jobId ? sourceJobs.get(src.jobId) : undefined;
    if (!srcJob) throw new Error(`output ${src.id} has no job`);
    // One second apart, counting back from the oldest real output: distinct ids and created times, newest first as listed.
    const createdAt = new Date(oldestMs - (i + 1) * 1000);
    if (i % clonesPerJob === 0) {
      job = { ...srcJob, id: newId(createdAt.getTime()), variants: Math.min(clonesPerJob, count - i), createdAt, finishedAt: createdAt };
      jobs.push(job);
    }
    const taskId = newId(createdAt.getTime());
    tasks.push({ id: taskId, jobId: job!.id, index: i % clonesPerJob, status: 'succeeded', progress: 1, params: src.params ?? {}, seed: i, attempts: 1,
      backend: 'local', createdAt, finishedAt: createdAt });
    const key = storageKeys.output({ jobId: job!.id, taskId }, src.sha256, path.extname(src.key).slice(1));
    await storage.put(key, await storage.get(src.key), { contentType: src.mime });
    const thumbKey = src.thumbKey ? storageKeys.thumbnail(key) : null;
    if (src.thumbKey && thumbKey) await storage.put(thumbKey, await storage.get(src.thumbKey), { contentType: 'image/webp' });
    const id = newId(createdAt.getTime());
    assets.push({ ...src, id, key, thumbKey, jobId: job!.id, taskId, createdAt });
    const score = sourceScores.get(src.id);
    if (score) scores.push({ ...score, id: newId(createdAt.getTime()), assetId: id, createdAt });
  }
  for (const [table, rows] of [[tables.jobs, jobs], [tables.tasks, tasks], [tables.assets, assets], [tables.scores, scores]] as const) {
    for (let at = 0; at < rows.length; at += insertChunk) await db.insert(table).values(rows.slice(at, at + insertChunk) as never);
  }
}

/** Every output's thumbnail URL, newest first, through the API as the gallery pages it. */
async function listThumbnails(app: BenchApi): Promise<string[]> {
  const urls: string[] = [];
  let cursor: string | null = null;
  do {
    const res = await app.inject({ method: 'GET', url: `/api/assets?kind=output&limit=${assetsPageLimit}${cursor ? `&cursor=${cursor}` : ''}` });
    if (res.statusCode !== 200) throw new Error(`GET /api/assets answered ${res.statusCode}: ${res.body}`);
    const page = res.json() as { items: { url: string; thumbnailUrl: string | null }[]; nextCursor: string | null };
    urls.push(...page.items.map((a) => a.thumbnailUrl ?? a.url));
    cursor = page.nextCursor;
  } while (cursor);
  return urls;
}

/**
 * The scroll, run in the page (a string: this file is type-checked without the DOM library). Each
 * animation frame records the interval since the last one and moves the container down `stepPx`. At the
 * loaded end of the gallery it waits for the next page; frames spent idle there are left out (they time
 * the API, not the page), but the frame in which the new page is rendered is kept.
 */
function scrollScript(opts: { selector: string; countSelector: string | null; total: number; stepPx: number; timeoutMs: number }): string {
  return `(async (o) => {
    const el = document.querySelector(o.selector);
    const loaded = () => o.countSelector === null ? o.total : Number((document.querySelector(o.countSelector)?.textContent ?? '').replace(/\\D/g, '') || 0);
    const nodes = () => document.getElementsByTagName('*').length;
    const lefts = new Set([...el.querySelectorAll(o.cardSelector)].map((c) => Math.round(c.getBoundingClientRect().left)));
    const run = { intervals: [], waitedMs: 0, domNodesAtTop: nodes(), domNodesMax: 0, domNodesAtBottom: 0, cardsAtBottom: 0, scrollHeight: 0, clientHeight: el.clientHeight, columns: lefts.size, rows: 0, longTasks: 0, longTaskMs: 0 };
    const longTasks = new PerformanceObserver((list) => { for (const e of list.getEntries()) { run.longTasks++; run.longTaskMs += e.duration; } });
    longTasks.observe({ type: 'longtask' });
    el.scrollTop = 0;
    await new Promise((resolve, reject) => {
      const deadline = performance.now() + o.timeoutMs;
      let last = 0, lastHeight = el.scrollHeight, waiting = false, frame = 0;
      const tick = (now) => {
        const dt = now - last;
        last = now;
        const height = el.scrollHeight;
        const grew = height !== lastHeight;
        lastHeight = height;
        if (waiting && !grew) run.waitedMs += dt; else run.intervals.push(dt);
        if (++frame % 30 === 0) run.domNodesMax = Math.max(run.domNodesMax, nodes());
        const max = height - el.clientHeight;
        if (el.scrollTop >= max - 1) {
          if (loaded() >= o.total) return resolve();
          waiting = true;
        } else {
          waiting = false;
        }
        if (now > deadline) return reject(new Error('scroll not at the end within ' + o.timeoutMs + ' ms: ' + loaded() + ' of ' + o.total + ' loaded'));
        const before = el.scrollTop;
        el.scrollTop = Math.min(max, el.scrollTop + o.stepPx);
        if (el.scrollTop > before) run.rows++;
        requestAnimationFrame(tick);
      };
      requestAnimationFrame((t) => { last = t; requestAnimationFrame(tick); });
    });
    // Two frames for the virtualiser to settle at the bottom before counting what is mounted.
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    longTasks.disconnect();
    run.domNodesAtBottom = nodes();
    run.domNodesMax = Math.max(run.domNodesMax, run.domNodesAtBottom);
    run.cardsAtBottom = el.querySelectorAll(o.cardSelector).length;
    run.scrollHeight = el.scrollHeight;
    return run;
  })(${JSON.stringify({ ...opts, cardSelector })})`;
}

/** In a fresh context (no cache): open `url`, wait for the first thumbnails, scroll to the bottom. */
async function scrollPage(browser: Browser, opts: { url: string; mode: 'gallery' | 'bare'; total: number; stepPx: number; timeoutMs: number; cookies: { name: string; value: string; url: string }[] }): Promise<{ run: ScrollRun; requests: RequestCounts }> {
  // The studio's CSP forbids eval; Playwright's in-page string scripts need it, and the benchmark measures the page, not its CSP.
  const context = await browser.newContext({ viewport, bypassCSP: true });
  await context.addCookies(opts.cookies); // signed in as the farm's admin
  try {
    const page = await context.newPage();
    const requests: RequestCounts = { scores: 0, lists: 0, images: 0 };
    page.on('request', (r) => {
      const url = r.url();
      if (scoreRequest.test(url)) requests.scores++;
      else if (listRequest.test(url)) requests.lists++;
      else if (r.resourceType() === 'image') requests.images++;
    });
    await page.goto(opts.url, { waitUntil: 'commit', timeout: opts.timeoutMs });
    // The first screen loaded, so every round starts from the same settled page.
    await page.waitForFunction(
      `[...document.querySelectorAll('${gridSelector} img')].filter((img) => img.complete && img.naturalWidth > 0).length >= ${cardsOnFirstScreen}`,
      undefined, { timeout: opts.timeoutMs },
    );
    // Chromium's own counters of main-thread time, read around the scroll (thread time: less swayed by other load).
    const cdp = await context.newCDPSession(page);
    await cdp.send('Performance.enable', { timeDomain: 'threadTicks' });
    const before = await mainThreadTotals(cdp);
    const run = await page.evaluate(scrollScript({ selector: gridSelector, countSelector: opts.mode === 'gallery' ? countSelector : null, total: opts.total, stepPx: opts.stepPx, timeoutMs: opts.timeoutMs })) as Omit<ScrollRun, 'mainThread'>;
    const after = await mainThreadTotals(cdp);
    const mainThread: MainThreadWork = {
      taskMs: after.taskMs - before.taskMs, scriptMs: after.scriptMs - before.scriptMs,
      layoutMs: after.layoutMs - before.layoutMs, recalcStyleMs: after.recalcStyleMs - before.recalcStyleMs,
    };
    if (!(mainThread.taskMs > 0) || run.rows === 0) throw new Error(`no main-thread work or no rows measured for ${opts.url}: ${JSON.stringify({ ...mainThread, rows: run.rows })}`);
    return { run: { ...run, mainThread }, requests };
  } finally {
    await context.close();
  }
}

/** Cumulative main-thread totals of the page (Chromium reports seconds). */
async function mainThreadTotals(cdp: CDPSession): Promise<MainThreadWork> {
  const { metrics } = await cdp.send('Performance.getMetrics');
  const ms = (name: string): number => {
    const m = metrics.find((x) => x.name === name);
    if (!m) throw new Error(`Chromium reports no ${name} metric`);
    return m.value * 1000;
  };
  return { taskMs: ms('TaskDuration'), scriptMs: ms('ScriptDuration'), layoutMs: ms('LayoutDuration'), recalcStyleMs: ms('RecalcStyleDuration') };
}

/** Fewer than the two full rows of 7 a 1600×1000 window shows, so either page reaches it whatever its layout. */
const cardsOnFirstScreen = 10;

/**
 * The baseline: a scroll container of the gallery's height and grid, showing only the rows in view (plus
 * three either side, as the gallery overscans) as plain `<img>` tags, repositioned by a few lines of
 * script on every scroll: what scrolling and decoding those thumbnails costs this browser at all.
 */
async function bareServer(urls: readonly string[], geometry: { columns: number; rowHeightPx: number; clientHeightPx: number }): Promise<{ app: FastifyInstance; url: string }> {
  const { columns, rowHeightPx, clientHeightPx } = geometry;
  const html = `<!doctype html><html><head><meta charset="utf-8"><title>bare</title><style>
body{margin:0}#grid{height:${clientHeightPx}px;overflow:auto;position:relative}
.row{position:absolute;left:0;right:0;height:${rowHeightPx}px;display:grid;grid-template-columns:repeat(${columns},minmax(0,1fr))}
img{width:200px;height:200px;object-fit:cover}</style></head><body>
<div id="grid" data-testid="gallery-grid"><div id="inner" style="height:${Math.ceil(urls.length / columns) * rowHeightPx}px;position:relative"></div></div>
<script>
const urls = ${JSON.stringify(urls).replaceAll('<', '\\u003c')};
const columns = ${columns}, rowHeight = ${rowHeightPx}, overscan = 3;
const grid = document.getElementById('grid'), inner = document.getElementById('inner');
const rows = new Map();
function render() {
  const first = Math.max(0, Math.floor(grid.scrollTop / rowHeight) - overscan);
  const last = Math.min(Math.ceil(urls.length / columns) - 1, Math.floor((grid.scrollTop + grid.clientHeight) / rowHeight) + overscan);
  for (const [i, row] of rows) if (i < first || i > last) { row.remove(); rows.delete(i); }
  for (let i = first; i <= last; i++) {
    if (rows.has(i)) continue;
    const row = document.createElement('div');
    row.className = 'row';
    row.style.transform = 'translateY(' + i * rowHeight + 'px)';
    for (const url of urls.slice(i * columns, i * columns + columns)) {
      const img = document.createElement('img');
      img.src = url; img.loading = 'lazy'; img.decoding = 'async'; img.alt = '';
      row.appendChild(img);
    }
    inner.appendChild(row);
    rows.set(i, row);
  }
}
grid.addEventListener('scroll', render, { passive: true });
render();
</script></body></html>`;
  const app = Fastify({ logger: false });
  app.get('/', (_req, reply) => reply.type('text/html; charset=utf-8').send(html));
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return { app, url: `${url}/` };
}
