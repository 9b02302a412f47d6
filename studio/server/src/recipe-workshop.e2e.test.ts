import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ComfyUIDouble } from '../../../render-worker/test/comfyui-double/index.ts';
import { initialAdminPasswordFile } from './services/accounts/first-admin.ts';
import { fixturesDir, multipartFile, plainProductPhoto, startFarm, waitFor, type Farm } from '../test/harness.ts';
import { artifactsDir, browserTestsCanRun, launchBrowser, logIn } from '../test/browser.ts';

const artifacts = artifactsDir('recipe-workshop');

const uiWorkflow = path.join(fixturesDir, 'workflows/img2img/sd15-img2img.ui.json');
/** A UI-format workflow of IC-Light custom nodes, which the double's server does not define. */
const unknownNodesWorkflow = path.join(fixturesDir, 'workflows/product-shot/iclight-fg-relight.ui.json');
const recipeId = 'product-shot/shoe-studio';


/**
 * Issue 13's whole loop in a real browser, on one farm that is never restarted: import a UI-format workflow on the
 * Recipes page, finish it, publish it, see it on Create, run a job with it on the ComfyUI protocol double, see its
 * outputs; then publish version 2 with a changed default, and the old job still shows version 1.
 */
describe.skipIf(!browserTestsCanRun)('the recipe workshop in a real browser, through the whole farm', () => {
  let farm: Farm;
  let comfy: ComfyUIDouble;
  let browser: Browser;
  let adminPassword: string;
  beforeAll(async () => {
    comfy = await ComfyUIDouble.start({ models: { checkpoints: ['v1-5-pruned-emaonly.ckpt'] }, outputSidePx: 256 });
    farm = await startFarm({ RENDER_BACKENDS: 'local,comfyui', COMFYUI_URLS: `${comfy.url};name=gpu-a;gpu=RTX 4090`, COMFYUI_HEALTH_INTERVAL_MS: '300' }, { listen: true });
    adminPassword = (await readFile(path.join(farm.dataDir, initialAdminPasswordFile), 'utf8')).trim();
    await farm.startWorker(2);
    await mkdir(artifacts, { recursive: true });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await farm?.close();
    await comfy?.close();
  });

  it('import → finish → publish → Create offers it → job renders on the double → v2 with a new default; the old job keeps v1', async () => {
    const page = await browser.newPage({ viewport: { width: 1360, height: 1000 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${farm.baseUrl}/recipes`);
    await logIn(page, farm.admin.email, adminPassword);
    await page.waitForSelector('[data-testid=recipes-page]');
    await page.waitForSelector('[data-testid=recipe-version][data-recipe="model-swap/qwen-edit-tryon"][data-version="1"]');
    await page.screenshot({ path: path.join(artifacts, '1-recipes-zh.png'), fullPage: true });

    // A UI file whose custom nodes no server defines: the page names them, and how to export the API format, in Chinese.
    await page.setInputFiles('[data-testid=recipes-import] input[type=file]', unknownNodesWorkflow);
    await page.waitForSelector('[data-testid=recipes-import-error][data-code=SF_WORKFLOW_NODES_UNKNOWN]');
    const unknownText = await page.textContent('[data-testid=recipes-import-error] .notice-message');
    expect(unknownText).toMatch(/导出 \(API\)/);
    expect(unknownText).toMatch(/ICLight|LoadAndApplyICLightUnet|IC-?Light/i);
    await page.screenshot({ path: path.join(artifacts, '2-unknown-nodes-zh.png') });

    // The fixture UI-format workflow: converted with the double's node definitions into a draft.
    await page.setInputFiles('[data-testid=recipes-import] input[type=file]', uiWorkflow);
    await page.waitForSelector('[data-testid=draft-editor]');
    await page.waitForSelector('[data-testid=draft-nodes] tr[data-row-key="3"]');
    expect(await page.locator('[data-testid=draft-input]').count()).toBeGreaterThanOrEqual(5);
    // Finish it: a recipe id, names in both languages, a label, and the licence of its checkpoint.
    await page.fill('[data-testid=draft-name]', 'shoe-studio');
    await page.fill('[data-testid=draft-title-zh]', '鞋子棚拍（图生图）');
    await page.fill('[data-testid=draft-title-en]', 'Shoe studio (img2img)');
    const steps = page.locator('[data-testid=draft-input][data-name=steps]');
    await steps.locator('[data-testid=draft-label-zh]').fill('采样步数');
    await steps.locator('[data-testid=draft-label-en]').fill('Sampling steps');
    await page.locator('[data-testid=draft-models] button[role=switch]').first().click();
    // Its measured cost: cheaper than the shipped product-shot recipes, so `auto` routing keeps it.
    await page.locator('[data-testid=draft-gpu-seconds]').locator('xpath=descendant-or-self::input').first().fill('2');
    await page.click('[data-testid=draft-save]');
    await page.waitForSelector('[data-testid=draft-saved]');
    expect(await page.getAttribute('[data-testid=draft-issues]', 'data-count')).toBe('0');
    await page.screenshot({ path: path.join(artifacts, '3-draft-finished-zh.png'), fullPage: true });

    // Try it once before publishing, on the server chosen by name: a job like any other, on draft snapshot "version 0".
    await page.setInputFiles('[data-testid=draft-trial] [data-testid=upload-input]', plainProductPhoto());
    await page.waitForSelector('[data-testid=draft-trial] [data-testid=upload-preview]');
    await page.click('[data-testid=draft-trial-server]');
    await page.click('.ant-select-dropdown .ant-select-item-option[title="gpu-a"]');
    await page.click('[data-testid=draft-trial-run]');
    await page.waitForSelector('[data-testid=draft-trial] [data-testid=job-status][data-status=succeeded]', { timeout: 60_000 });
    await page.waitForSelector('[data-testid=draft-trial] [data-testid=output-grid] [data-testid=output-card] img');
    const trialJobId = await page.getAttribute('[data-testid=draft-trial] [data-testid=job-panel]', 'data-job-id');
    const trialJob = (await farm.inject({ method: 'GET', url: `/api/jobs/${trialJobId}` })).json() as { recipe: { version: number; trial?: string }; trial?: { server: string }; outputs: unknown[] };
    expect(trialJob).toMatchObject({ recipe: { id: recipeId, version: 0 }, trial: { server: 'gpu-a' } });
    expect(trialJob.outputs).toHaveLength(1);
    expect((await farm.inject({ method: 'GET', url: `/api/recipes/${recipeId}/versions` })).json()).toEqual({ items: [] });
    await page.screenshot({ path: path.join(artifacts, '3b-draft-trial-zh.png'), fullPage: true });
    await page.click('[data-testid=draft-publish]');
    await page.waitForSelector('[data-testid=draft-published]');
    expect(await page.textContent('[data-testid=draft-published]')).toContain(`${recipeId} 版本 1`);
    await page.waitForSelector(`[data-testid=recipe-version][data-recipe="${recipeId}"][data-version="1"]`);
    await page.waitForSelector(`[data-testid=recipe-capabilities] li[data-server=gpu-a][data-can-run=true]`);
    await page.screenshot({ path: path.join(artifacts, '4-published-zh.png'), fullPage: true });

    // Create offers it at once: no restart of the API or the worker.
    await page.click('[data-testid=nav-create]');
    await page.waitForSelector(`[data-testid=recipe-card][data-recipe="${recipeId}"]`);
    expect(await page.textContent(`[data-testid=recipe-card][data-recipe="${recipeId}"] [data-testid=recipe-title]`)).toBe('鞋子棚拍（图生图）');

    // A job with it, rendered by the ComfyUI protocol double.
    const upload = await farm.inject({ method: 'POST', url: '/api/assets', ...multipartFile(await readFile(plainProductPhoto()), 'vase.jpg') });
    const product = (upload.json() as { id: string }).id;
    const submit = await farm.inject({ method: 'POST', url: '/api/jobs', payload: { type: 'product-shot', recipe: recipeId, backend: 'comfyui', inputs: { product }, params: { prompt: 'a ceramic vase on a marble table, soft window light' }, variants: 2 } });
    expect(submit.statusCode).toBe(201);
    const jobId = (submit.json() as { id: string }).id;
    const job = await waitFor(async () => {
      const view = (await farm.inject({ method: 'GET', url: `/api/jobs/${jobId}` })).json() as { status: string; recipe: { version: number }; outputs: { url: string }[]; tasks: { error: unknown }[] };
      return view.status === 'succeeded' || view.status === 'failed' ? view : undefined;
    }, 60_000);
    expect(job.tasks.map((t) => t.error)).toEqual([null, null]);
    expect(job.status).toBe('succeeded');
    expect(job.recipe.version).toBe(1);
    expect(comfy.graphs.get(comfy.received[0]!)!['3']!.inputs!.steps).toBe(20);
    const bytes = Buffer.from(await (await fetch(job.outputs[0]!.url)).arrayBuffer());
    expect((await sharp(bytes).metadata()).format).toBe('png');
    await writeFile(path.join(artifacts, '5-output-from-double.png'), bytes);

    await page.click('[data-testid=nav-jobs]');
    await page.click(`[data-testid=job-row][data-job-id="${jobId}"]`);
    await page.waitForSelector('[data-testid=output-grid] [data-testid=output-card]');
    expect(await page.locator('[data-testid=output-grid] [data-testid=output-card]').count()).toBe(2);
    expect(await page.textContent(`[data-testid=job-row][data-job-id="${jobId}"] [data-testid=job-recipe-version]`)).toBe('版本 1');
    await page.screenshot({ path: path.join(artifacts, '6-job-v1-zh.png'), fullPage: true });

    // Version 2: the same draft with a new default for steps, published again; in English this time.
    await page.click('[data-testid=language-en]');
    await page.waitForSelector('html[lang=en]');
    await page.click('[data-testid=nav-recipes]');
    await page.click('[data-testid=recipes-drafts] [data-testid=draft-open]');
    await page.waitForSelector('[data-testid=draft-editor]');
    await page.locator('[data-testid=draft-input][data-name=steps] [data-testid=draft-default]').locator('xpath=descendant-or-self::input').first().fill('12');
    await page.click('[data-testid=draft-publish]');
    await page.waitForSelector('[data-testid=draft-published]');
    expect(await page.textContent('[data-testid=draft-published]')).toContain(`${recipeId} v2`);
    await page.waitForSelector(`[data-testid=recipe-version][data-recipe="${recipeId}"][data-version="2"]`);
    await page.click(`[data-testid=recipe-version][data-recipe="${recipeId}"][data-version="2"] [data-testid=recipe-diff]`);
    await page.waitForSelector('[data-testid=recipe-diff-view]');
    expect(await page.textContent('[data-testid=recipe-diff-view]')).toContain('steps');
    await page.screenshot({ path: path.join(artifacts, '7-published-v2-en.png'), fullPage: true });

    // New jobs take v2 (the new default reaches the server); the old job still shows v1.
    const second = await farm.inject({ method: 'POST', url: '/api/jobs', payload: { type: 'product-shot', recipe: recipeId, backend: 'comfyui', inputs: { product }, params: {}, variants: 1 } });
    const secondId = (second.json() as { id: string }).id;
    await waitFor(async () => ((await farm.inject({ method: 'GET', url: `/api/jobs/${secondId}` })).json() as { status: string }).status === 'succeeded' || undefined, 60_000);
    expect(comfy.graphs.get(comfy.received.at(-1)!)!['3']!.inputs!.steps).toBe(12);
    await page.click('[data-testid=nav-jobs]');
    await page.waitForSelector(`[data-testid=job-row][data-job-id="${secondId}"]`);
    expect(await page.textContent(`[data-testid=job-row][data-job-id="${jobId}"] [data-testid=job-recipe-version]`)).toBe('v1');
    expect(await page.textContent(`[data-testid=job-row][data-job-id="${secondId}"] [data-testid=job-recipe-version]`)).toBe('v2');
    await page.screenshot({ path: path.join(artifacts, '8-jobs-v1-v2-en.png'), fullPage: true });
    expect(errors).toEqual([]);
  }, 180_000);
});
