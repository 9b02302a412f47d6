import { execFile } from 'node:child_process';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Browser } from 'playwright-core';
import sharp from 'sharp';
import yauzl from 'yauzl';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initialAdminPasswordFile } from './services/accounts/first-admin.ts';
import { listProductPhotos, productPhotos as productPhotosDir, startFarm, waitFor, type Farm } from '../test/harness.ts';
import { fixturePhotoZip, plainPhotos, zipOf } from '../test/launch-form.ts';
import { artifactsDir, browserTestsCanRun, launchBrowser, logIn } from '../test/browser.ts';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const artifacts = artifactsDir('launches-page');

/** Tried as a new user would: 20 SKUs of real photos through the CLI (HTTP + API key), then the 上新 page in a browser. */
describe.skipIf(!browserTestsCanRun)('launches as a new user tries them', () => {
  let farm: Farm;
  let browser: Browser;
  let adminPassword: string;
  beforeAll(async () => {
    farm = await startFarm({ LAUNCH_POLL_MS: '300' }, { listen: true });
    adminPassword = (await readFile(path.join(farm.dataDir, initialAdminPasswordFile), 'utf8')).trim();
    await farm.startWorker(2);
    await farm.startScorer();
    await mkdir(artifacts, { recursive: true });
    browser = await launchBrowser();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await farm?.close();
  });

  it('runs 20 SKUs through `pnpm shotfarm launch` and writes a marketplace ZIP of real JPEGs', async () => {
    const photos = await listProductPhotos();
    const files: Record<string, Buffer> = {};
    for (const p of photos) files[path.basename(p)] = await readFile(p);
    const rows = Array.from({ length: 20 }, (_, i) => `CLI-${String(i + 1).padStart(2, '0')},测试商品 ${i + 1},home,${path.basename(photos[i % photos.length]!)}`);
    const dir = path.join(farm.dataDir, 'cli');
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, 'manifest.csv'), `sku,title,category,photos\n${rows.join('\n')}\n`);
    await writeFile(path.join(dir, 'photos.zip'), await zipOf(files));
    const operatorKey = (await farm.inject({ method: 'POST', url: '/api/api-keys', payload: { name: 'cli', roles: ['operator'] } })).json().key as string;
    const tsx = path.join(repoRoot, 'node_modules/.bin/tsx');
    const run = await promisify(execFile)(tsx, [path.join(repoRoot, 'studio/server/src/cli/shotfarm.ts'), 'launch', 'manifest.csv', '--photos', 'photos.zip',
      '--recipe', 'product-shot/studio-local:2', '--pick', '1', '--budget', '50', '--out', '.', '--poll-ms', '500'],
    { cwd: dir, env: { ...process.env, INIT_CWD: dir, SHOTFARM_API_URL: farm.baseUrl, SHOTFARM_API_KEY: operatorKey }, timeout: 400_000 });
    await writeFile(path.join(artifacts, 'cli-output.txt'), `${run.stdout}\n--- stderr ---\n${run.stderr}`);
    expect(run.stdout).toMatch(/Launch started: .* \(20 SKUs accepted, 0 rows rejected\)/);
    expect(run.stdout).toMatch(/Launch finished: \d+ done/);
    const zipPath = /Report: (.*\.zip)/.exec(run.stdout)![1]!;
    const zip = await yauzl.openPromise(zipPath, { lazyEntries: true });
    const names: string[] = [];
    const extracted = path.join(artifacts, 'cli-zip');
    await mkdir(extracted, { recursive: true });
    await new Promise<void>((resolve, reject) => {
      zip.on('entry', (e: yauzl.Entry) => {
        names.push(e.fileName);
        zip.openReadStream(e, async (err, stream) => {
          if (err) { reject(err); return; }
          const chunks: Buffer[] = [];
          for await (const c of stream) chunks.push(c as Buffer);
          await mkdir(path.dirname(path.join(extracted, e.fileName)), { recursive: true });
          await writeFile(path.join(extracted, e.fileName), Buffer.concat(chunks));
          zip.readEntry();
        });
      });
      zip.on('end', () => resolve());
      zip.on('error', reject);
      zip.readEntry();
    });
    const images = names.filter((n) => n.endsWith('.jpg'));
    expect(images.every((n) => /^CLI-\d\d\/main-1\.jpg$/.test(n))).toBe(true);
    expect(names).toContain('report.csv');
    // Every SKU is either done, with its pick in the ZIP, or failed with a reason (a photo the cut-out refuses); the
    // photo decides which, so two SKUs of the same photo end alike, and the studio shots among the fixtures render.
    const report = (await readFile(path.join(extracted, 'report.csv'), 'utf8')).replace(/^\uFEFF/, '').trim().split('\n').slice(1).map((l) => l.split(','));
    const statusOf = new Map(report.map((r) => [r[0]!, r[3]!]));
    expect(statusOf.size).toBe(20);
    expect([...statusOf.values()].every((s) => s === 'done' || s === 'failed')).toBe(true);
    const done = [...statusOf].filter(([, s]) => s === 'done').map(([sku]) => sku).sort();
    expect(images.map((n) => n.split('/')[0]).sort()).toEqual(done);
    expect(run.stdout).toContain(`Launch finished: ${done.length} done`);
    expect(done.length).toBeGreaterThanOrEqual(5);
    rows.forEach((row, i) => {
      const twin = rows[i + photos.length];
      if (twin) expect(statusOf.get(twin.split(',')[0]!), `${row} and ${twin} share a photo`).toBe(statusOf.get(row.split(',')[0]!));
    });
    for (const n of images) expect((await sharp(path.join(extracted, n)).metadata()).format).toBe('jpeg');
    // A contact sheet of the picks, to look at.
    const tiles = await Promise.all(images.slice(0, 20).map((n) => sharp(path.join(extracted, n)).resize(200, 200).toBuffer()));
    await sharp({ create: { width: 1000, height: 200 * Math.ceil(tiles.length / 5), channels: 3, background: '#ffffff' } })
      .composite(tiles.map((input, i) => ({ input, left: (i % 5) * 200, top: Math.floor(i / 5) * 200 }))).jpeg().toFile(path.join(artifacts, 'cli-picks-contact-sheet.jpg'));
    expect((await readdir(extracted)).length).toBeGreaterThan(0);
  }, 420_000);

  it('launches from the 上新 page: preview with errors and the estimate, live progress with thumbnails, in zh-CN and en', async () => {
    const dir = path.join(farm.dataDir, 'page');
    await mkdir(dir, { recursive: true });
    const manifest = `sku,title,category,photos\n${plainPhotos.map((n, i) => `WEB-${i + 1},页面商品 ${i + 1},home,photos/${n}`).join('\n')}\nWEB-1,重复,home,photos/${plainPhotos[0]}\nWEB-9,缺图,home,photos/nope.jpg\n`;
    await writeFile(path.join(dir, 'manifest.csv'), manifest);
    await writeFile(path.join(dir, 'photos.zip'), await fixturePhotoZip());

    const page = await browser.newPage({ viewport: { width: 1400, height: 1500 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${farm.baseUrl}/launches`);
    await logIn(page, farm.admin.email, adminPassword);
    await page.waitForSelector('[data-testid=launches-page]');
    await page.setInputFiles('[data-testid=launch-manifest]', path.join(dir, 'manifest.csv'));
    await page.setInputFiles('[data-testid=launch-photos]', path.join(dir, 'photos.zip'));
    await page.click('[data-testid=launch-preview]');
    await page.waitForSelector('[data-testid=launch-rejected]');
    const previewText = await page.textContent('[data-testid=launch-preview-result]');
    expect(previewText).toContain('6 行可上新，2 个问题');
    expect(previewText).toContain('nope.jpg is not in the photo ZIP');
    // Each problem is named in the studio's language, the server's detail beneath it.
    expect(previewText).toContain('SKU 重复');
    expect(previewText).toContain('照片 ZIP 里没有这张照片');
    await page.screenshot({ path: path.join(artifacts, 'preview-zh-CN.png'), fullPage: true });
    expect(await page.isDisabled('[data-testid=launch-start]')).toBe(true);
    await page.click('[data-testid=launch-accept-partial]');
    await page.click('[data-testid=launch-preview]');
    await waitFor(async () => (await page.isDisabled('[data-testid=launch-start]') ? undefined : true), 30_000);
    await page.click('[data-testid=launch-start]');
    await page.waitForSelector('[data-testid=launch-detail]');
    await waitFor(async () => (/已完成/.test(await page.textContent('[data-testid=launch-detail]') ?? '') ? true : undefined), 300_000, 1000);
    await page.waitForSelector('[data-testid=launch-skus] img');
    // Every thumbnail (source photos and picks) loads: none left as a broken image.
    await waitFor(async () => (await page.$$eval('[data-testid=launch-skus] img', (imgs) => imgs.every((img) => (img as unknown as { complete: boolean; naturalWidth: number }).complete
      && (img as unknown as { naturalWidth: number }).naturalWidth > 0)) ? true : undefined), 30_000, 500);
    expect(await page.textContent('[data-testid=launch-detail]')).toMatch(/6 \/ 6 个 SKU 已结束/);
    await page.screenshot({ path: path.join(artifacts, 'launch-zh-CN.png'), fullPage: true });
    await page.click('[data-testid=language-en]');
    await waitFor(async () => (/Finished/.test(await page.textContent('[data-testid=launch-detail]') ?? '') ? true : undefined), 10_000);
    await page.screenshot({ path: path.join(artifacts, 'launch-en.png'), fullPage: true });
    const review = await page.$('[data-testid=launch-review]');
    if (review) {
      await review.click();
      await page.waitForSelector('[data-testid=launch-candidate]');
      await page.screenshot({ path: path.join(artifacts, 'review-en.png') });
    }
    expect(errors).toEqual([]);
  }, 400_000);

  it('takes a folder of photos instead of a ZIP: packed in the browser, named by path or by file name', async () => {
    // A folder as a person has it: photos (one in a subfolder), a note and Finder litter beside them.
    const root = path.join(farm.dataDir, 'folder-upload');
    const folder = path.join(root, '新品');
    await mkdir(path.join(folder, 'sub'), { recursive: true });
    const [vase, can, teapot] = plainPhotos;
    await writeFile(path.join(folder, vase!), await readFile(path.join(productPhotosDir, vase!)));
    await writeFile(path.join(folder, can!), await readFile(path.join(productPhotosDir, can!)));
    await writeFile(path.join(folder, 'sub', teapot!), await readFile(path.join(productPhotosDir, teapot!)));
    await writeFile(path.join(folder, 'readme.txt'), 'not a photo');
    await writeFile(path.join(folder, '.DS_Store'), Buffer.from([0, 0, 0, 1]));
    await writeFile(path.join(root, 'manifest.csv'), `sku,title,category,photos\nF-1,花瓶,home,${vase}\nF-2,易拉罐,food,新品/${can}\nF-3,茶壶,home,新品/sub/${teapot}\n`);

    const page = await browser.newPage({ viewport: { width: 1400, height: 1300 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${farm.baseUrl}/launches`);
    await logIn(page, farm.admin.email, adminPassword);
    await page.waitForSelector('[data-testid=launches-page]');
    await page.setInputFiles('[data-testid=launch-manifest]', path.join(root, 'manifest.csv'));
    await page.setInputFiles('[data-testid=launch-photo-folder]', folder);
    await waitFor(async () => ((await page.textContent('[data-testid=launch-photo-folder-note]'))?.includes('3 张图片') ? true : undefined), 30_000, 200);
    expect(await page.textContent('[data-testid=launch-photo-folder-note]')).toContain('已将文件夹「新品」中的 3 张图片打包为 ZIP');
    await page.click('[data-testid=launch-preview]');
    await page.waitForSelector('[data-testid=launch-preview-result]');
    expect(await page.textContent('[data-testid=launch-preview-result]')).toContain('3 行可上新，0 个问题');
    await page.screenshot({ path: path.join(artifacts, 'folder-preview-zh-CN.png'), fullPage: true });
    await page.click('[data-testid=launch-start]');
    await page.waitForSelector('[data-testid=launch-detail]');
    await waitFor(async () => (/已完成/.test(await page.textContent('[data-testid=launch-detail]') ?? '') ? true : undefined), 300_000, 1000);
    expect(await page.textContent('[data-testid=launch-detail]')).toMatch(/3 \/ 3 个 SKU 已结束/);
    await page.screenshot({ path: path.join(artifacts, 'folder-launch-zh-CN.png'), fullPage: true });
    expect(errors).toEqual([]);
  }, 400_000);
});
