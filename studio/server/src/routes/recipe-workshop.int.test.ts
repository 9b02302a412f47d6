import { readFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recipeVersionKey } from '@shotfarm/shared';
import { ComfyUIDouble } from '../../../../render-worker/test/comfyui-double/index.ts';
import { fixturesDir, multipartFile, plainProductPhoto, signIn, startFarm, waitFor, type Farm } from '../../test/harness.ts';

/**
 * The recipe workshop through the API (issue 13), on a whole farm with two ComfyUI protocol doubles: one with the
 * checkpoint the imported workflow loads, one without it. The render worker starts before any recipe is published.
 */

const workflowFile = path.join(fixturesDir, 'workflows/img2img/sd15-img2img.ui.json');
const checkpoint = 'v1-5-pruned-emaonly.ckpt';

interface JobView { status: string; recipe: { id: string; version: number }; outputs: { url: string }[]; tasks: { status: string; error: { code: string } | null }[] }

describe('recipe workshop: import → finish → publish versions → run, without a restart', () => {
  let farm: Farm;
  let able: ComfyUIDouble;
  let lacking: ComfyUIDouble;
  let designer: Record<string, string>;
  let productId: string;
  let draftId: string;
  const recipeId = 'product-shot/sd15-img2img';

  const job = async (id: string): Promise<JobView> => (await farm.inject({ method: 'GET', url: `/api/jobs/${id}` })).json() as JobView;
  const finished = (id: string) => waitFor(async () => {
    const view = await job(id);
    return ['succeeded', 'failed', 'partial'].includes(view.status) ? view : undefined;
  }, 60_000);
  const submit = (extra: Record<string, unknown> = {}) => farm.inject({
    method: 'POST', url: '/api/jobs',
    payload: { type: 'product-shot', recipe: recipeId, backend: 'comfyui', inputs: { product: productId }, params: {}, variants: 1, ...extra },
  });
  /** The `steps` the double was asked to render in its newest prompt (node 3 is the workflow's KSampler). */
  const lastSteps = () => able.graphs.get(able.received.at(-1)!)!['3']!.inputs!.steps;

  beforeAll(async () => {
    able = await ComfyUIDouble.start({ models: { checkpoints: [checkpoint] } });
    lacking = await ComfyUIDouble.start({ models: { checkpoints: ['sdxl.safetensors'] } });
    farm = await startFarm({
      RENDER_BACKENDS: 'local,comfyui', COMFYUI_URLS: `${able.url};name=able,${lacking.url};name=lacking`, COMFYUI_HEALTH_INTERVAL_MS: '300',
      // Two tries: a task made to fail fails for good before its server is blocklisted for the recipe (after 3).
      TASK_ATTEMPTS: '2',
    }, { listen: true });
    await farm.startWorker(2);
    const created = await farm.inject({ method: 'POST', url: '/api/users', payload: { email: 'designer@shotfarm.test', password: 'designer-password-1', roles: ['designer'] } });
    expect(created.statusCode).toBe(201);
    designer = (await signIn(farm.app, 'designer@shotfarm.test', 'designer-password-1')).headers;
    const upload = await farm.inject({ method: 'POST', url: '/api/assets', ...multipartFile(await readFile(plainProductPhoto()), 'vase.jpg') });
    productId = (upload.json() as { id: string }).id;
  });
  afterAll(async () => {
    await farm?.close();
    await able?.close();
    await lacking?.close();
  });

  it('shipped recipes are seeded as version 1, their manifests in storage', async () => {
    const res = await farm.inject({ method: 'GET', url: '/api/recipes/model-swap/qwen-edit-tryon/versions' });
    expect(res.statusCode).toBe(200);
    const { items } = res.json() as { items: { version: number; source: string; status: string }[] };
    expect(items).toEqual([expect.objectContaining({ version: 1, source: 'shipped', status: 'published' })]);
    expect((await farm.snapshot()).objects).toContain(recipeVersionKey({ id: 'model-swap/qwen-edit-tryon', version: 1 }));
  });

  it('a designer imports a UI-format file and sees the draft with its nodes and proposed bindings', async () => {
    const body = multipartFile(await readFile(workflowFile), 'sd15-img2img.ui.json');
    const res = await farm.app.inject({ method: 'POST', url: '/api/recipes/import', payload: body.payload, headers: { ...designer, ...body.headers } });
    expect(res.statusCode).toBe(201);
    draftId = (res.json() as { id: string }).id;
    const list = (await farm.app.inject({ method: 'GET', url: '/api/recipes?include=drafts', headers: designer })).json() as { drafts: { id: string; recipeId: string; issues: string[] }[] };
    expect(list.drafts.find((d) => d.id === draftId)).toMatchObject({ recipeId, issues: [] });
    const view = (await farm.app.inject({ method: 'GET', url: `/api/recipes/drafts/${draftId}`, headers: designer })).json() as {
      nodes: { id: string; classType: string }[]; manifest: { comfyui: { bindings: Record<string, unknown> } };
    };
    expect(view.nodes.map((n) => n.classType)).toEqual(expect.arrayContaining(['KSampler', 'LoadImage', 'CheckpointLoaderSimple']));
    expect(Object.keys(view.manifest.comfyui.bindings)).toEqual(expect.arrayContaining(['product', 'prompt', 'seed', 'steps']));
  });

  it('refuses a change that binds an input to a node the graph lacks, naming the node, and stores nothing', async () => {
    const before = await farm.app.inject({ method: 'GET', url: `/api/recipes/drafts/${draftId}`, headers: designer });
    const res = await farm.app.inject({
      method: 'POST', url: `/api/recipes/drafts/${draftId}`, headers: designer,
      payload: { bindings: { ...(before.json() as { manifest: { comfyui: { bindings: object } } }).manifest.comfyui.bindings, steps: [{ node: '999', field: 'steps' }] } },
    });
    expect(res.statusCode).toBe(422);
    const body = res.json() as { code: string; details: { issues: string[] } };
    expect(body.code).toBe('SF_RECIPE_DRAFT_INVALID');
    expect(body.details.issues.join('\n')).toMatch(/node "999"/);
    const after = await farm.app.inject({ method: 'GET', url: `/api/recipes/drafts/${draftId}`, headers: designer });
    expect(after.json()).toEqual(before.json());
  });

  it('a designer tries the draft once on the server they choose before publishing; a server that cannot run it is refused', async () => {
    const before = await farm.snapshot();
    const lackingTry = await farm.app.inject({ method: 'POST', url: `/api/recipes/drafts/${draftId}/trial`, headers: designer, payload: { inputs: { product: productId }, server: 'lacking' } });
    expect(lackingTry.statusCode).toBe(422);
    expect(lackingTry.json()).toMatchObject({ code: 'SF_RECIPE_TRIAL_SERVER_UNABLE', details: { missing: [`checkpoints/${checkpoint}`] } });
    const unknownTry = await farm.app.inject({ method: 'POST', url: `/api/recipes/drafts/${draftId}/trial`, headers: designer, payload: { inputs: { product: productId }, server: 'nowhere' } });
    expect(unknownTry.statusCode).toBe(422);
    expect((unknownTry.json() as { code: string }).code).toBe('SF_RECIPE_TRIAL_SERVER_UNABLE');
    const noInput = await farm.app.inject({ method: 'POST', url: `/api/recipes/drafts/${draftId}/trial`, headers: designer, payload: { inputs: {}, server: 'able' } });
    expect(noInput.statusCode).toBe(422);
    expect((noInput.json() as { code: string }).code).toBe('SF_JOB_INPUT_INVALID');
    expect((await farm.snapshot()).jobs).toBe(before.jobs);

    const sent = able.received.length;
    const res = await farm.app.inject({ method: 'POST', url: `/api/recipes/drafts/${draftId}/trial`, headers: designer, payload: { inputs: { product: productId }, server: 'able' } });
    expect(res.statusCode).toBe(201);
    const accepted = res.json() as { id: string; trial: { draftId: string; manifestSha256: string; server: string } };
    expect(accepted.trial).toMatchObject({ draftId, server: 'able' });
    const view = await finished(accepted.id) as JobView & { trial?: { server: string } };
    expect(view.status).toBe('succeeded');
    // Version 0 names the draft's snapshot, not a published version: nothing is published by trying.
    expect(view.recipe).toEqual({ id: recipeId, version: 0, trial: accepted.trial.manifestSha256 });
    expect(view.trial).toMatchObject({ server: 'able', draftId });
    expect(view.outputs).toHaveLength(1);
    expect((await sharp(Buffer.from(await (await fetch(view.outputs[0]!.url)).arrayBuffer())).metadata()).format).toBe('png');
    expect(able.received.length).toBe(sent + 1);
    expect(lacking.received).toHaveLength(0);
    expect((await farm.snapshot()).objects).toContain(`recipes/trials/${recipeId}/${accepted.trial.manifestSha256}.json`);
    expect(((await farm.inject({ method: 'GET', url: `/api/recipes/${recipeId}/versions` })).json() as { items: unknown[] }).items).toEqual([]);
  });

  it('a designer may finish the draft but not publish it; a designer holding the publisher right publishes it as it is (audited)', async () => {
    const update = await farm.app.inject({
      method: 'POST', url: `/api/recipes/drafts/${draftId}`, headers: designer,
      payload: { title: { 'zh-CN': '图生图测试', en: 'Img2img test' }, estimate: { gpuSecondsPerRun: 4, referenceGpu: 'the double' } },
    });
    expect(update.statusCode).toBe(200);
    expect((await farm.app.inject({ method: 'POST', url: `/api/recipes/drafts/${draftId}/publish`, headers: designer })).statusCode).toBe(403);
    const created = await farm.inject({ method: 'POST', url: '/api/users', payload: { email: 'publisher@shotfarm.test', password: 'publisher-password-1', roles: ['designer', 'publisher'] } });
    expect(created.statusCode).toBe(201);
    const publisher = (await signIn(farm.app, 'publisher@shotfarm.test', 'publisher-password-1')).headers;
    // The right is about recipes only: it opens no other admin door.
    expect((await farm.app.inject({ method: 'GET', url: '/api/users', headers: publisher })).statusCode).toBe(403);
    const res = await farm.app.inject({ method: 'POST', url: `/api/recipes/drafts/${draftId}/publish`, headers: publisher });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toEqual({ id: recipeId, version: 1 });
    const audit = (await farm.inject({ method: 'GET', url: '/api/audit?action=recipe.publish&limit=5' })).json() as { items: { targetId: string; actorEmail: string | null }[] };
    expect(audit.items.find((e) => e.targetId === `${recipeId}@1`)?.actorEmail).toBe('publisher@shotfarm.test');
    // Create offers it at once: no restart.
    const list = (await farm.inject({ method: 'GET', url: '/api/recipes' })).json() as { items: { id: string; version: number; title: { en: string } }[] };
    expect(list.items.find((r) => r.id === recipeId)).toMatchObject({ version: 1, title: { en: 'Img2img test' } });
  });

  let v1Job: string;
  it('a worker that has never seen the recipe runs it from storage, and only on the server that has its checkpoint', async () => {
    const sent = able.received.length;
    const res = await submit({ variants: 2 });
    expect(res.statusCode).toBe(201);
    v1Job = (res.json() as { id: string }).id;
    const view = await finished(v1Job);
    expect(view.status).toBe('succeeded');
    expect(view.recipe).toEqual({ id: recipeId, version: 1 });
    expect(view.outputs).toHaveLength(2);
    for (const out of view.outputs) expect((await sharp(Buffer.from(await (await fetch(out.url)).arrayBuffer())).metadata()).format).toBe('png');
    expect(lastSteps()).toBe(20);
    expect(able.received).toHaveLength(sent + 2);
    expect(lacking.received).toHaveLength(0);
    const caps = (await farm.inject({ method: 'GET', url: `/api/recipes/${recipeId}/capabilities` })).json() as { items: { server: string; canRun: boolean; missingModels: string[] }[] };
    expect(caps.items).toEqual(expect.arrayContaining([
      expect.objectContaining({ server: 'able', canRun: true }),
      expect.objectContaining({ server: 'lacking', canRun: false, missingModels: [`checkpoints/${checkpoint}`] }),
    ]));
  });

  it('version 2 with a changed default leaves version 1 as it was; new jobs take version 2, old ones keep 1', async () => {
    const v1 = (await farm.inject({ method: 'GET', url: `/api/recipes/${recipeId}/versions/1` })).json() as { manifestSha256: string; manifest: unknown };
    const draft = (await farm.inject({ method: 'GET', url: `/api/recipes/drafts/${draftId}` })).json() as { manifest: { inputs: { name: string; default?: unknown }[] } };
    const inputs = draft.manifest.inputs.map((i) => (i.name === 'steps' ? { ...i, default: 12 } : i));
    expect((await farm.inject({ method: 'POST', url: `/api/recipes/drafts/${draftId}`, payload: { inputs } })).statusCode).toBe(200);
    expect((await farm.inject({ method: 'POST', url: `/api/recipes/drafts/${draftId}/publish` })).json()).toEqual({ id: recipeId, version: 2 });

    const v1Again = (await farm.inject({ method: 'GET', url: `/api/recipes/${recipeId}/versions/1` })).json() as { manifestSha256: string; manifest: unknown };
    expect(v1Again).toEqual(v1);
    const diff = (await farm.inject({ method: 'GET', url: `/api/recipes/${recipeId}/diff?from=1&to=2` })).json() as { inputs: { name: string; change: string }[]; bindings: unknown[] };
    expect(diff.inputs).toEqual([expect.objectContaining({ name: 'steps', change: 'changed' })]);
    expect(diff.bindings).toEqual([]);

    const fresh = (await submit()).json() as { id: string };
    expect((await finished(fresh.id)).recipe.version).toBe(2);
    expect(lastSteps()).toBe(12);
    expect((await job(v1Job)).recipe.version).toBe(1);
    // Re-running the old job's settings pinned to its version reproduces version 1.
    const pinned = (await submit({ recipeVersion: 1 })).json() as { id: string };
    expect((await finished(pinned.id)).recipe.version).toBe(1);
    expect(lastSteps()).toBe(20);
    expect(lacking.received).toHaveLength(0);
  });

  it('a deprecated version cannot be chosen for new jobs, but an old job on it re-runs on it', async () => {
    // An old job on version 1 whose render failed…
    able.failAlways('error');
    const failing = (await submit({ recipeVersion: 1 })).json() as { id: string };
    expect((await finished(failing.id)).status).toBe('failed');
    able.failAlways(undefined);
    // …then version 1 is deprecated.
    const dep = await farm.inject({ method: 'POST', url: `/api/recipes/${recipeId}/versions/1/deprecate` });
    expect(dep.statusCode).toBe(200);
    expect(dep.json()).toMatchObject({ version: 1, status: 'deprecated' });
    const before = await farm.snapshot();
    const refused = await submit({ recipeVersion: 1 });
    expect(refused.statusCode).toBe(422);
    expect((refused.json() as { code: string }).code).toBe('SF_RECIPE_VERSION_DEPRECATED');
    expect((await farm.snapshot()).jobs).toBe(before.jobs);
    expect(((await farm.inject({ method: 'GET', url: '/api/recipes' })).json() as { items: { id: string; version: number }[] }).items.find((r) => r.id === recipeId)?.version).toBe(2);

    const retried = await farm.inject({ method: 'POST', url: `/api/jobs/${failing.id}/retry` });
    expect(retried.statusCode).toBe(200);
    const view = await waitFor(async () => {
      const v = await job(failing.id);
      return v.status === 'succeeded' ? v : undefined;
    }, 60_000);
    expect(view.recipe.version).toBe(1);
    expect(lastSteps()).toBe(20);
    expect(lacking.received).toHaveLength(0);
  });

  it('versions are immutable: a published manifest is never rewritten, and unknown versions answer 404', async () => {
    const versions = (await farm.inject({ method: 'GET', url: `/api/recipes/${recipeId}/versions` })).json() as { items: { version: number; status: string }[] };
    expect(versions.items.map((v) => [v.version, v.status])).toEqual([[1, 'deprecated'], [2, 'published']]);
    const missing = await farm.inject({ method: 'GET', url: `/api/recipes/${recipeId}/versions/9` });
    expect(missing.statusCode).toBe(404);
    expect((missing.json() as { code: string }).code).toBe('SF_RECIPE_VERSION_NOT_FOUND');
    expect((await farm.inject({ method: 'POST', url: `/api/recipes/${recipeId}/versions/9/deprecate` })).statusCode).toBe(404);
    expect((await farm.inject({ method: 'GET', url: '/api/recipes/drafts/not-a-draft' })).statusCode).toBe(404);
  });
});
