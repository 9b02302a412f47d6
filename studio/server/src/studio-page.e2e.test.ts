import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initialAdminPasswordFile } from './services/accounts/first-admin.ts';
import { plainProductPhoto, startFarm, waitFor, type Farm } from '../test/harness.ts';
import { artifactsDir, browserTestsCanRun, launchBrowser, logIn } from '../test/browser.ts';

const artifacts = artifactsDir('studio-page');

/**
 * Watches a page for what must never happen: an uncaught error, or a Content-Security-Policy violation (the API's
 * helmet CSP must be one the studio works under). Chromium reports a violation on the console and as a
 * `securitypolicyviolation` event; the init script turns the event into a console line too, with the directive.
 */
async function watchForTrouble(page: Page): Promise<{ errors: string[]; cspViolations: string[] }> {
  const errors: string[] = [];
  const cspViolations: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (msg) => {
    if (/Content Security Policy|Content-Security-Policy|csp-violation/i.test(msg.text())) cspViolations.push(msg.text());
  });
  // A string: it runs in the page, and this file is type-checked without the DOM library.
  await page.addInitScript("document.addEventListener('securitypolicyviolation', (e) => console.error('csp-violation', e.violatedDirective, e.blockedURI))");
  return { errors, cspViolations };
}

/** Sign in through the studio's own login page, as a person does. */

// Skipped only off CI, where Chromium or the web build may be missing: `npm test` builds the bundle, .ci/run installs Chromium.
describe.skipIf(!browserTestsCanRun)('the studio page in a real browser', () => {
  let farm: Farm;
  let browser: Browser;
  /** The first admin's password, as a fresh start writes it to $DATA_DIR/initial-admin-password (no SHOTFARM_ADMIN_PASSWORD). */
  let adminPassword: string;
  beforeAll(async () => {
    farm = await startFarm({}, { listen: true });
    adminPassword = (await readFile(path.join(farm.dataDir, initialAdminPasswordFile), 'utf8')).trim();
    await farm.startWorker(2);
    await farm.startScorer();
    await mkdir(artifacts, { recursive: true });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await farm?.close();
  });

  // retry 0: one walk through a farm it fills as it goes; a second try would start from the first one's jobs.
  it('upload a product photo → submit 4 variants → watch it finish → see 4 outputs; switch to English and back; gallery → compare two → approve one; every page; a second job from the library picker', { timeout: 240_000, retry: 0 }, async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const { errors, cspViolations } = await watchForTrouble(page);
    // Nobody is signed in: the studio shows its login page first, in zh-CN, then in English.
    await page.goto(farm.baseUrl);
    await page.waitForSelector('[data-testid=login-form]');
    expect(new URL(page.url()).pathname).toBe('/login');
    expect(await page.getAttribute('html', 'lang')).toBe('zh-CN');
    await page.screenshot({ path: path.join(artifacts, '0-login-zh.png') });
    // A wrong password is said plainly, and the page stays.
    await page.fill('[data-testid=login-email]', farm.admin.email);
    await page.fill('[data-testid=login-password]', 'not the password');
    await page.click('[data-testid=login-submit]');
    await page.waitForSelector('[data-testid=login-error][data-code=SF_LOGIN_FAILED]');
    await page.click('[data-testid=language-en]');
    await page.waitForSelector('html[lang=en]');
    expect(await page.textContent('[data-testid=login-error]')).toContain('The email or password is wrong');
    await page.screenshot({ path: path.join(artifacts, '0-login-en-wrong-password.png') });
    await page.click('[data-testid=language-zh-CN]');
    await logIn(page, farm.admin.email, adminPassword);
    await page.waitForSelector('[data-testid=upload-input]', { state: 'attached' });
    expect(await page.getAttribute('html', 'lang')).toBe('zh-CN');
    await page.screenshot({ path: path.join(artifacts, '1-empty.png') });

    await page.setInputFiles('[data-testid=upload-input]', plainProductPhoto());
    await page.waitForSelector('[data-testid=upload-meta]');
    // The upload is scored: one badge per marketplace profile, each saying whether the photo passes.
    await page.waitForSelector('[data-testid=gate-badges]', { timeout: 60_000 });
    expect(await page.locator('[data-testid=gate-badge]').count()).toBe(4);
    await page.fill('[data-testid=variants-input]', '4');
    await page.click('[data-testid=submit-job]');
    await page.waitForSelector('[data-testid=job-status][data-status=succeeded]', { timeout: 60_000 });
    const firstJobId = new URL(page.url()).searchParams.get('job');
    // Strings, not functions: they run in the page, and this file is type-checked without the DOM library. Each is an
    // arrow function's text: Playwright evaluates that once and calls the function on every poll, which the studio's
    // CSP (script-src 'self', no 'unsafe-eval') allows; a bare expression would be eval'd again on each poll and refused.
    await page.waitForFunction("() => document.querySelectorAll('[data-testid=output-image]').length === 4");
    await page.waitForFunction("() => [...document.querySelectorAll('[data-testid=output-image]')].every((img) => img.complete && img.naturalWidth > 0)");
    expect(await page.getAttribute('[data-testid=job-progress]', 'aria-valuenow')).toBe('100');
    await page.screenshot({ path: path.join(artifacts, '2-done-zh.png'), fullPage: true });

    const jobs = (await farm.inject({ method: 'GET', url: '/api/jobs?status=succeeded' })).json();
    expect(jobs.items).toHaveLength(1);
    expect(jobs.items[0]).toMatchObject({ variants: 4, recipe: { id: 'product-shot/studio-local' } });

    await page.click('[data-testid=language-en]');
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    expect(await page.textContent('[data-testid=submit-job]')).toMatch(/[A-Za-z]/);
    await page.screenshot({ path: path.join(artifacts, '3-done-en.png'), fullPage: true });
    await page.reload();
    expect(await page.getAttribute('html', 'lang')).toBe('en'); // remembered
    await page.click('[data-testid=language-zh-CN]');
    expect(await page.getAttribute('html', 'lang')).toBe('zh-CN');

    // The gallery: the 4 outputs with their scores; select two, compare them side by side, approve one.
    await page.click('[data-testid=nav-gallery]');
    await page.waitForFunction("() => document.querySelectorAll('[data-testid=gallery-card]').length === 4");
    await page.waitForFunction("() => document.querySelectorAll('[data-testid=gallery-card] [data-testid=quality-score]').length === 4", undefined, { timeout: 60_000 });
    await page.screenshot({ path: path.join(artifacts, '4-gallery.png') });
    // Space selects the active card; clicking a thumbnail toggles it too.
    await page.focus('[data-testid=gallery-grid]');
    await page.keyboard.press(' ');
    await page.locator('[data-testid=gallery-thumb]').nth(1).click();
    expect(await page.locator('[data-testid=gallery-card][aria-selected=true]').count()).toBe(2);
    await page.click('[data-testid=compare-open]');
    await page.waitForFunction("() => document.querySelectorAll('[data-testid=compare-image]').length === 2");
    await page.waitForFunction("() => [...document.querySelectorAll('[data-testid=compare-image]')].every((img) => img.complete && img.naturalWidth > 0)");
    await page.focus('[data-testid=compare-view]');
    await page.keyboard.press('+');
    expect(await page.getAttribute('[data-testid=compare-view]', 'data-scale')).toBe('1.25');
    await page.locator('[data-testid=compare-view] [data-testid=approve]').first().click();
    await page.waitForSelector('[data-testid=compare-view] [data-testid=approve][aria-pressed=true]');
    await page.screenshot({ path: path.join(artifacts, '5-compare.png') });
    await page.click('[data-testid=compare-close]');

    // Every other page renders, in both languages' default (zh-CN).
    for (const name of ['jobs', 'farm', 'assets'] as const) {
      await page.click(`[data-testid=nav-${name}]`);
      await page.waitForSelector('main#main');
      if (name === 'jobs') {
        await page.click('[data-testid=job-row][data-status=succeeded]');
        await page.waitForSelector('[data-testid=job-status][data-status=succeeded]');
        await page.waitForSelector('[data-testid=rerun-form]');
      }
      if (name === 'farm') await page.waitForSelector('[data-testid=health-check]');
      await page.screenshot({ path: path.join(artifacts, `6-${name}.png`) });
    }

    // A second job whose input is picked from the asset library (the photo uploaded above), not uploaded again.
    const uploads = (await farm.inject({ method: 'GET', url: '/api/assets?kind=upload' })).json();
    expect(uploads.items).toHaveLength(1);
    const photoId: string = uploads.items[0].id;
    await page.click('[data-testid=nav-create]');
    // The first input slot is the product photo's.
    await page.locator('[data-testid=library-pick]').first().click();
    const pick = `[data-testid=library-picker] [data-asset="${photoId}"]`;
    await page.waitForSelector(`${pick} img`);
    await page.waitForFunction(`() => [...document.querySelectorAll('[data-testid=library-picker] img')].every((img) => img.complete && img.naturalWidth > 0)`);
    // Finished: a screenshot taken while the modal still zooms in shows it half transparent.
    await page.screenshot({ path: path.join(artifacts, '7-library-picker.png'), animations: 'disabled' });
    await page.click(pick);
    await page.waitForSelector('[data-testid=library-picker]', { state: 'detached' });
    await page.waitForSelector('[data-testid=upload-meta]');
    await page.fill('[data-testid=variants-input]', '2');
    await page.click('[data-testid=submit-job]');
    // Wait for the URL to name the new job, then for that job's own panel: for a frame after the URL changes,
    // the previous job's panel, succeeded, may still be on screen.
    await page.waitForURL((url) => ![null, firstJobId].includes(url.searchParams.get('job')));
    const pickedJobId = new URL(page.url()).searchParams.get('job');
    await page.waitForSelector(`[data-testid=job-panel][data-job-id="${pickedJobId}"] [data-testid=job-status][data-status=succeeded]`, { timeout: 60_000 });
    await page.waitForFunction("() => document.querySelectorAll('[data-testid=output-image]').length === 2");
    await page.waitForFunction("() => [...document.querySelectorAll('[data-testid=output-image]')].every((img) => img.complete && img.naturalWidth > 0)");
    await page.screenshot({ path: path.join(artifacts, '8-library-job-done.png'), fullPage: true });
    const picked = (await farm.inject({ method: 'GET', url: `/api/jobs/${pickedJobId}` })).json();
    expect(picked).toMatchObject({ status: 'succeeded', variants: 2, inputs: { product: photoId } });
    expect(picked.outputs).toHaveLength(2);

    // A sweep over the scene (every option, one image each), then its grid in the gallery with the values on the axis.
    await page.fill('[data-testid=variants-input]', '1');
    await page.click('[data-testid=sweep-toggle]');
    // Choose 场景 as the axis. On a busy machine the dropdown can swallow the click (the form then keeps the first
    // sweepable parameter, with three values: a CI run read "3 个组合"), so check what the select shows and choose again.
    await expect.poll(async () => {
      if ((await page.textContent('[data-testid=sweep-param]'))?.includes('场景')) return true;
      await page.click('[data-testid=sweep-param]');
      await page.click('.ant-select-item-option[title=场景]', { timeout: 5_000 }).catch(() => undefined);
      return false;
    }, { timeout: 30_000, interval: 500 }).toBe(true);
    await page.waitForSelector('[data-testid=sweep-summary]');
    // The summary follows the chosen axis's options; give the form a moment to settle on them (a CI run read it early once).
    await page.waitForFunction("() => document.querySelector('[data-testid=sweep-summary]')?.textContent === '4 个组合 × 每组 1 张 = 4 张'", undefined, { timeout: 10_000 })
      .catch(() => undefined);
    expect(await page.textContent('[data-testid=sweep-summary]')).toBe('4 个组合 × 每组 1 张 = 4 张');
    expect(await page.textContent('[data-testid=estimate]')).toMatch(/^共 4 张/);
    await page.screenshot({ path: path.join(artifacts, '9-sweep-form.png'), fullPage: true });
    await page.click('[data-testid=submit-job]');
    await page.waitForURL((url) => ![null, pickedJobId].includes(url.searchParams.get('job')));
    const sweepJobId = new URL(page.url()).searchParams.get('job');
    await page.waitForSelector(`[data-testid=job-panel][data-job-id="${sweepJobId}"] [data-testid=job-status][data-status=succeeded]`, { timeout: 60_000 });
    await page.click('[data-testid=job-gallery-link]');
    await page.waitForSelector('[data-testid=sweep-grid]');
    const columns = page.locator('[data-testid=sweep-col]');
    expect(await columns.evaluateAll((ths) => ths.map((th) => th.getAttribute('data-value')))).toEqual(['"auto"', '"solid"', '"gradient"', '"studio-sweep"']);
    // Headed in the page's language, as the parameter form names the values.
    expect(await columns.nth(1).textContent()).toBe('纯色背景');
    await page.waitForFunction("() => [...document.querySelectorAll('[data-testid=sweep-cell] img')].length === 4 && [...document.querySelectorAll('[data-testid=sweep-cell] img')].every((img) => img.complete && img.naturalWidth > 0)");
    await page.screenshot({ path: path.join(artifacts, '10-sweep-grid.png') });

    // The whole gallery, best quality first: the server sorts, the page shows it in that order (once all are scored,
    // or a late score would land an image out of the order it was listed in).
    await waitFor(async () => ((await farm.inject({ method: 'GET', url: '/api/assets?kind=output&gate=pending' })).json().items.length === 0 ? true : undefined), 60_000, 250);
    await page.click('[data-testid=gallery-job-filter] .ant-tag-close-icon');
    await page.click('[data-testid=gallery-sort]');
    await page.click('.ant-select-item-option[title=质量分最高]');
    await page.waitForURL(/sort=quality/);
    await page.waitForSelector('.ant-select-dropdown', { state: 'hidden' });
    await page.waitForFunction("() => document.querySelectorAll('[data-testid=gallery-card] [data-testid=quality-score]').length === 10", undefined, { timeout: 60_000 });
    const qualities = (await page.locator('[data-testid=quality-score]').allTextContents()).map((s) => Number(s.replace(/\D/g, '')));
    expect(qualities).toEqual([...qualities].sort((a, b) => b - a));
    await page.screenshot({ path: path.join(artifacts, '11-gallery-by-quality.png') });
    expect(errors).toEqual([]);
    expect(cspViolations).toEqual([]);
  });

  it('用户与密钥 / Users & keys: the admin adds a designer and creates, copies and revokes a key; the designer signs in, sees no admin page, and gets the 403 page on its URL', async () => {
    const designer = { email: 'mei@shop.example', password: 'designer password 1' };
    const viewport = { width: 1280, height: 900 };

    // — the admin, on a direct link to the page: the login page first, then back there —
    const adminContext = await browser.newContext({ viewport });
    await adminContext.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: farm.baseUrl });
    const page = await adminContext.newPage();
    const adminWatch = await watchForTrouble(page);
    await page.goto(`${farm.baseUrl}/users`);
    await page.waitForURL(/\/login\?next=%2Fusers$/);
    await logIn(page, farm.admin.email, adminPassword);
    await page.waitForSelector('[data-testid=users-page]');
    expect(new URL(page.url()).pathname).toBe('/users');
    await page.waitForSelector(`[data-testid=user-row][data-email="${farm.admin.email}"]`);
    const navOf = async (p: Page) => p.locator('.page-nav a').evaluateAll((links) => links.map((a) => a.getAttribute('data-testid')));
    expect(await navOf(page)).toEqual(expect.arrayContaining(['nav-create', 'nav-jobs', 'nav-gallery', 'nav-farm', 'nav-assets', 'nav-users']));

    // The user menu: who is signed in, with which roles.
    await page.click('[data-testid=user-menu]');
    await page.waitForSelector('[data-testid=user-menu-email]');
    expect(await page.textContent('[data-testid=user-menu-email]')).toBe(farm.admin.email);
    expect(await page.textContent('[data-testid=user-menu-roles]')).toBe('管理员');
    await page.screenshot({ path: path.join(artifacts, '12-user-menu-zh.png'), animations: 'disabled' });
    await page.keyboard.press('Escape');
    await page.waitForSelector('[data-testid=user-menu-email]', { state: 'hidden' });

    // A designer, added through the form (designer is the preselected role).
    await page.click('[data-testid=user-add]');
    await page.fill('[data-testid=user-add-email]', designer.email);
    await page.fill('[data-testid=user-add-password]', designer.password);
    await page.screenshot({ path: path.join(artifacts, '13-user-add-zh.png'), animations: 'disabled' });
    await page.click('[data-testid=user-add-submit]');
    await page.waitForSelector(`[data-testid=user-row][data-email="${designer.email}"]`);
    const listed = (await farm.inject({ method: 'GET', url: '/api/users' })).json().items as { email: string; roles: string[] }[];
    expect(listed.find((u) => u.email === designer.email)?.roles).toEqual(['designer']);
    await page.screenshot({ path: path.join(artifacts, '14-users-zh.png'), fullPage: true });

    // A key: shown once, copied with the button; it works until it is revoked, and not a moment after.
    await page.click('[data-testid=key-add]');
    await page.fill('[data-testid=key-add-name]', 'e2e script');
    await page.click('[data-testid=key-add-submit]');
    await page.waitForSelector('[data-testid=key-secret]');
    const key = (await page.textContent('[data-testid=key-secret]'))!;
    expect(key).toMatch(/^sf_/);
    await page.click('[data-testid=key-copy]');
    await page.waitForFunction("() => document.querySelector('[data-testid=key-copy]').textContent === '已复制'");
    expect(await page.evaluate('navigator.clipboard.readText()')).toBe(key);
    await page.screenshot({ path: path.join(artifacts, '15-key-created-zh.png'), animations: 'disabled' });
    const withKey = async () => (await farm.app.inject({ method: 'GET', url: '/api/jobs', headers: { authorization: `Bearer ${key}` } })).statusCode;
    expect(await withKey()).toBe(200);
    await page.click('[data-testid=key-reveal-done]');
    await page.waitForSelector('[data-testid=key-reveal]', { state: 'detached' });
    expect(await page.getByText(key).count()).toBe(0); // shown once: gone from the page
    const keyRow = '[data-testid=key-row][data-name="e2e script"]';
    await page.click(`${keyRow} [data-testid=key-revoke]`);
    await page.click('[data-testid=key-revoke-confirm]');
    await page.waitForSelector(`${keyRow} [data-testid=key-status][data-state=revoked]`);
    expect(await withKey()).toBe(401);

    // The same page and menu in English.
    await page.click('[data-testid=language-en]');
    await page.waitForSelector('html[lang=en]');
    expect(await page.textContent('[data-testid=nav-users]')).toBe('Users & keys');
    await page.screenshot({ path: path.join(artifacts, '16-users-en.png'), fullPage: true });
    await page.click('[data-testid=user-menu]');
    await page.waitForSelector('[data-testid=user-menu-email]');
    await page.screenshot({ path: path.join(artifacts, '17-user-menu-en.png'), animations: 'disabled' });
    // Log out: the login page again, and the old session is over on the server too.
    await page.click('[data-testid=logout]');
    await page.waitForSelector('[data-testid=login-form]');
    expect(new URL(page.url()).pathname + new URL(page.url()).search).toBe('/login');
    expect((await page.request.get(`${farm.baseUrl}/api/session`)).status()).toBe(401);
    expect(adminWatch.errors).toEqual([]);
    expect(adminWatch.cspViolations).toEqual([]);
    await adminContext.close();

    // — the designer, in a browser of their own, following the same direct link —
    const designerContext = await browser.newContext({ viewport });
    const designerPage = await designerContext.newPage();
    const designerWatch = await watchForTrouble(designerPage);
    await designerPage.goto(`${farm.baseUrl}/users`);
    await designerPage.waitForURL(/\/login\?next=%2Fusers$/);
    await logIn(designerPage, designer.email, designer.password);
    await designerPage.waitForSelector('[data-testid=forbidden-page]');
    expect(new URL(designerPage.url()).pathname).toBe('/users');
    expect(await designerPage.textContent('[data-testid=forbidden-page] h1')).toBe('没有访问权限');
    // A designer's pages, and none of the admin's (nor the operator's cost page).
    const designerNav = await navOf(designerPage);
    expect(designerNav).toEqual(expect.arrayContaining(['nav-create', 'nav-jobs', 'nav-gallery', 'nav-assets']));
    expect(designerNav).not.toContain('nav-users');
    expect(designerNav).not.toContain('nav-costs');
    expect(await designerPage.locator('[data-testid=users-page]').count()).toBe(0);
    await designerPage.screenshot({ path: path.join(artifacts, '18-designer-403-zh.png') });
    await designerPage.click('[data-testid=user-menu]');
    await designerPage.waitForSelector('[data-testid=user-menu-email]');
    expect(await designerPage.textContent('[data-testid=user-menu-roles]')).toBe('设计师');
    await designerPage.screenshot({ path: path.join(artifacts, '19-designer-menu-zh.png'), animations: 'disabled' });
    await designerPage.keyboard.press('Escape');
    // The API says the same to the designer's session.
    expect((await designerPage.request.get(`${farm.baseUrl}/api/users`)).status()).toBe(403);
    // The 403 page's way out: the start page, where the designer works.
    await designerPage.click('[data-testid=forbidden-home]');
    await designerPage.waitForSelector('[data-testid=upload-input]', { state: 'attached' });
    expect(designerWatch.errors).toEqual([]);
    expect(designerWatch.cspViolations).toEqual([]);
    await designerContext.close();
  }, 120_000);
});
