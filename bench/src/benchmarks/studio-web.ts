import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Fastify, { type FastifyInstance } from 'fastify';
import { chromium, type Browser } from 'playwright-core';
import { createStorage } from '@shotfarm/shared/storage';
import { createBackends, RenderWorker } from '@shotfarm/render-worker';
import { formatBundleSize, readBundle, summariseBundle } from '../bundle-size.ts';
import { startBenchFarm, type BenchApi } from '../bench-farm.ts';
import { Closers } from '../closers.ts';
import { interleave, median, timeBatch, type Batch, type Benchmark, type BenchmarkResult } from '../measure.ts';
import { multipartFile } from '../multipart-file.ts';
import { makeProductPhoto } from '../product-photo.ts';

/** Options of {@link runStudioWeb}. */
export interface StudioWebOptions {
  /** Thumbnails the gallery must show loaded. @defaultValue 200 */
  thumbnails?: number;
  /** Paired rounds, each in a fresh browser context. @defaultValue 3 */
  rounds?: number;
  /** Side of the uploaded product photo. @defaultValue 400 */
  photoSidePx?: number;
  /** Seeding or one page load not done by then fails the benchmark. @defaultValue 300_000 and 60_000 */
  seedTimeoutMs?: number;
  loadTimeoutMs?: number;
}

const defaultThumbnails = 200;
const defaultRounds = 3;
const defaultPhotoSidePx = 400;
const defaultSeedTimeoutMs = 300_000;
const defaultLoadTimeoutMs = 60_000;
/** The most variants one job may ask for (shared's `maxVariants`): fewest jobs to seed. */
const variantsPerJob = 16;
const renderConcurrency = 2;
const jobPollMs = 250;
/** Most jobs one `GET /api/jobs` page lists. */
const jobsPageLimit = 100;

/** The production bundle and Debian's Chromium are there, or the benchmark says how to get them. */
export function assertBrowserReady(): void {
  if (!existsSync(path.join(webDistDir, 'index.html'))) {
    throw new Error(`no studio bundle in ${webDistDir}: build it with \`pnpm --filter @shotfarm/studio build:web\` (\`pnpm bench\` does)`);
  }
  if (!existsSync(chromiumPath)) throw new Error(`${chromiumPath} is missing (apt-get install chromium)`);
}

/** Debian's Chromium; never a downloaded browser. */
export const chromiumPath = '/usr/bin/chromium';
export const chromiumArgs = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-dev-shm-usage'];
/**
 * The grid is virtualised (only visible rows plus a few are in the DOM, images `loading=lazy`), so the
 * viewport is tall enough to hold every row at once: at 1600 px wide the grid has at least 5 columns of
 * 220 px, so 200 thumbnails are at most 40 rows of 330 px. Scrolling instead would time the scroll script.
 */
const viewport = { width: 1600, height: 14_000 };
const recipeId = 'product-shot/studio-local';
export const webDistDir = fileURLToPath(new URL('../../../studio/web/dist', import.meta.url));

/**
 * Navigation → the gallery showing `thumbnails` loaded thumbnails (`img.complete && naturalWidth > 0`),
 * through the production bundle served by the API, against a bare static page holding the same thumbnail
 * URLs as plain `<img>` tags: the ratio is what the SPA (bundle, API calls, React, the virtual grid) costs
 * on top of fetching the images. Also prints the bundle's size.
 */
export async function runStudioWeb(opts: StudioWebOptions = {}): Promise<BenchmarkResult> {
  const thumbnails = opts.thumbnails ?? defaultThumbnails;
  const loadTimeoutMs = opts.loadTimeoutMs ?? defaultLoadTimeoutMs;
  assertBrowserReady();
  console.log(formatBundleSize('studio-web-bundle', summariseBundle(await readBundle(webDistDir))));

  const closers = new Closers();
  try {
    const { api, config, redisUrl, baseUrl, browserCookies } = await startBenchFarm(closers, { listen: true });

    const worker = new RenderWorker({
      redisUrl, prefix: config.queuePrefix, storage: await createStorage(config.storage),
      backends: createBackends(['local']), concurrency: renderConcurrency,
    });
    let workerClosing: Promise<void> | undefined;
    const closeWorker = () => (workerClosing ??= worker.close());
    closers.add(closeWorker);
    await worker.start();
    await seedOutputs(api, { images: thumbnails, photoSidePx: opts.photoSidePx ?? defaultPhotoSidePx, timeoutMs: opts.seedTimeoutMs ?? defaultSeedTimeoutMs });
    // Nothing renders while pages are timed.
    await closeWorker();
    const urls = await thumbnailUrls(api);
    if (urls.length !== thumbnails) throw new Error(`seeded ${thumbnails} images but the API lists ${urls.length} thumbnails`);

    const bare = await bareServer(urls);
    closers.add(() => bare.app.close());
    const browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
    closers.add(() => browser.close());

    const galleryMs: number[] = [];
    const bareMs: number[] = [];
    const timed = async (url: string, selector: string, into: number[]): Promise<Batch> => {
      const batch = await timeBatch(thumbnails, () => loadPage(browser, { url, selector, thumbnails, timeoutMs: loadTimeoutMs, cookies: browserCookies }));
      into.push(batch.elapsedMs);
      return batch;
    };
    const galleryUrl = `${baseUrl}/gallery`;
    const comparison = await interleave({
      rounds: opts.rounds ?? defaultRounds,
      warmUp: async () => {
        await loadPage(browser, { url: bare.url, selector: 'img', thumbnails, timeoutMs: loadTimeoutMs, cookies: browserCookies });
        await loadPage(browser, { url: galleryUrl, selector: galleryThumbSelector, thumbnails, timeoutMs: loadTimeoutMs, cookies: browserCookies });
      },
      baseline: () => timed(bare.url, 'img', bareMs),
      subject: () => timed(galleryUrl, galleryThumbSelector, galleryMs),
    });
    console.log(`studio-web-gallery-time: ${median(galleryMs).toFixed(0)} ms vs bare page ${median(bareMs).toFixed(0)} ms to ${thumbnails} loaded thumbnails`
      + ` (median of ${galleryMs.length} rounds, fresh browser context each, viewport ${viewport.width}×${viewport.height})`);
    return { name: studioWeb.name, comparison, itemNoun: 'thumbnails', itemsPerRound: thumbnails, baselineLabel: 'bare page' };
  } finally {
    await closers.closeAll();
  }
}

export const studioWeb: Benchmark = { name: 'studio-web-gallery', run: () => runStudioWeb() };

/** The gallery card's image (`data-testid` already on the page). */
const galleryThumbSelector = '[data-testid=gallery-thumb]';

/** A cookie for a browser context (the admin's session). */
type BrowserCookie = { name: string; value: string; url: string };

/** Open `url` in a fresh context (no cache, no storage) and resolve once `thumbnails` images matching `selector` have loaded. */
async function loadPage(browser: Browser, opts: { url: string; selector: string; thumbnails: number; timeoutMs: number; cookies: BrowserCookie[] }): Promise<void> {
  // The studio's CSP forbids eval; Playwright's in-page string scripts need it, and the benchmark measures the page, not its CSP.
  const context = await browser.newContext({ viewport, bypassCSP: true });
  await context.addCookies(opts.cookies); // signed in as the farm's admin
  try {
    const page = await context.newPage();
    await page.goto(opts.url, { waitUntil: 'commit', timeout: opts.timeoutMs });
    // A string, not a function: it runs in the page, and this file is type-checked without the DOM library.
    await page.waitForFunction(
      `[...document.querySelectorAll(${JSON.stringify(opts.selector)})].filter((img) => img.complete && img.naturalWidth > 0).length >= ${opts.thumbnails}`,
      undefined, { timeout: opts.timeoutMs },
    );
  } finally {
    await context.close();
  }
}

/** Real outputs the gallery shows: one uploaded photo, product-shot jobs of up to 16 variants on the local backend. */
export async function seedOutputs(app: BenchApi, opts: { images: number; photoSidePx: number; timeoutMs: number }): Promise<void> {
  const upload = await app.inject({ method: 'POST', url: '/api/assets', ...multipartFile(await makeProductPhoto(opts.photoSidePx), 'product.jpg', 'image/jpeg') });
  if (upload.statusCode !== 201) throw new Error(`upload answered ${upload.statusCode}: ${upload.body}`);
  const assetId = (upload.json() as { id: string }).id;
  const jobIds: string[] = [];
  for (let left = opts.images; left > 0; left -= variantsPerJob) {
    const res = await app.inject({
      method: 'POST', url: '/api/jobs',
      payload: { type: 'product-shot', recipe: recipeId, inputs: { product: assetId }, params: { preset: 'taobao-800' }, variants: Math.min(left, variantsPerJob) },
    });
    if (res.statusCode !== 201) throw new Error(`POST /api/jobs answered ${res.statusCode}: ${res.body}`);
    jobIds.push((res.json() as { id: string }).id);
  }
  const deadline = Date.now() + opts.timeoutMs;
  for (const jobId of jobIds) {
    for (;;) {
      const job = (await app.inject({ method: 'GET', url: `/api/jobs/${jobId}` })).json() as { status: string; error?: { code: string; message: string } | null };
      if (job.status === 'succeeded') break;
      if (job.status === 'failed' || job.status === 'canceled') throw new Error(`seed job ${jobId} ${job.status}: ${job.error?.code ?? ''} ${job.error?.message ?? ''}`);
      if (Date.now() > deadline) throw new Error(`seed jobs not finished within ${opts.timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, jobPollMs));
    }
  }
}

/** The thumbnail URL of every output, as the gallery picks it (`thumbnailUrl`, else the image). */
async function thumbnailUrls(app: BenchApi): Promise<string[]> {
  const list = (await app.inject({ method: 'GET', url: `/api/jobs?status=succeeded&limit=${jobsPageLimit}` })).json() as { items: { id: string }[] };
  const urls: string[] = [];
  for (const { id } of list.items) {
    const job = (await app.inject({ method: 'GET', url: `/api/jobs/${id}` })).json() as { outputs: { url: string; thumbnailUrl: string | null }[] };
    urls.push(...job.outputs.map((o) => o.thumbnailUrl ?? o.url));
  }
  return urls;
}

/** The baseline page: the same thumbnails as plain `<img>` tags in a wrapping row, from a bare fastify. */
async function bareServer(urls: readonly string[]): Promise<{ app: FastifyInstance; url: string }> {
  const esc = (s: string) => s.replaceAll('&', '&amp;').replaceAll('"', '&quot;').replaceAll('<', '&lt;');
  const html = `<!doctype html><html><head><meta charset="utf-8"><title>bare</title>`
    + `<style>body{margin:0;display:flex;flex-wrap:wrap;gap:8px}img{width:200px;height:200px;object-fit:cover}</style></head><body>`
    + urls.map((u, i) => `<img src="${esc(u)}" alt="${i + 1}">`).join('') + `</body></html>`;
  const app = Fastify({ logger: false });
  app.get('/', (_req, reply) => reply.type('text/html; charset=utf-8').send(html));
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return { app, url: `${url}/` };
}
