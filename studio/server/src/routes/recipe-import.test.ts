import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Fastify, { type FastifyInstance } from 'fastify';
import multipart from '@fastify/multipart';
import sharp from 'sharp';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '@shotfarm/shared/config';
import { ObjectInfo } from '@shotfarm/workflows/import';
import { fixturesDir, multipartFile } from '../../test/harness.ts';
import { configPlugin } from '../plugins/config.ts';
import { errorHandlerPlugin } from '../plugins/error-handler.ts';
import { storagePlugin } from '../plugins/storage.ts';
import { recipeImportRoutes } from './recipe-import.ts';

const workflows = path.join(fixturesDir, 'workflows');
const objectInfoFile = fileURLToPath(new URL('../../../../workflows/test/object-info/core.json', import.meta.url));
const fixture = (rel: string): Promise<Buffer> => readFile(path.join(workflows, rel));

/** The route on its own, with real config, storage and error handling, and optionally node definitions. */
async function buildRouteApp(dataDir: string, objectInfo?: ObjectInfo): Promise<FastifyInstance> {
  const app = Fastify({ logger: false });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  await app.register(errorHandlerPlugin);
  await app.register(configPlugin, { config: loadConfig({ DATA_DIR: dataDir, URL_SIGNING_SECRET: 'x'.repeat(32) }) });
  await app.register(multipart);
  await app.register(storagePlugin);
  await app.register(recipeImportRoutes, objectInfo ? { objectInfo: () => Promise.resolve(objectInfo) } : {});
  await app.ready();
  return app;
}

describe('POST /api/recipes/import', () => {
  let dir: string;
  let app: FastifyInstance;
  let bare: FastifyInstance;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'sf-recipe-import-'));
    app = await buildRouteApp(dir, ObjectInfo.parse(JSON.parse(await readFile(objectInfoFile, 'utf8'))));
    bare = await buildRouteApp(dir);
  });
  afterAll(async () => {
    await app.close();
    await bare.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('imports an API file sent as multipart and stores the draft', async () => {
    const res = await bare.inject({ method: 'POST', url: '/api/recipes/import', ...multipartFile(await fixture('t2i/sdxl-simple.api.json'), 'sdxl-simple.api.json', 'application/json') });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body.manifest).toMatchObject({ id: 'product-shot/sdxl-simple', status: 'draft', backend: 'comfyui' });
    expect(body.key).toBe(`recipes/drafts/${body.id}.json`);
    const stored = JSON.parse((await bare.storage.get(body.key)).toString('utf8'));
    expect(stored.manifest).toEqual(body.manifest);
  });

  it('imports a UI workflow sent as the JSON body when node definitions are available', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/recipes/import', payload: JSON.parse((await fixture('video/wan22-5b-i2v.ui.json')).toString('utf8')) });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ source: 'ui', manifest: { type: 'short-video', outputs: { kind: 'video', count: 2 } } });
  });

  it('refuses a UI workflow without node definitions, pointing at the API export', async () => {
    const res = await bare.inject({ method: 'POST', url: '/api/recipes/import', payload: JSON.parse((await fixture('img2img/sd15-img2img.ui.json')).toString('utf8')) });
    expect(res.statusCode).toBe(422);
    expect(res.json().code).toBe('SF_WORKFLOW_NODES_UNKNOWN');
    expect(res.json().message).toContain('Export (API)');
  });

  it('names the unknown classes of a custom-node UI workflow', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/recipes/import', ...multipartFile(await fixture('product-shot/iclight-fg-relight.ui.json'), 'iclight.json') });
    expect(res.statusCode).toBe(422);
    expect(res.json().message).toMatch(/ICLightApplyMaskGrey, ICLightAppply, ImageResize\+, VAEEncodeArgMax, easy imageRemBg/);
  });

  it('imports the example PNG', async () => {
    const res = await bare.inject({ method: 'POST', url: '/api/recipes/import', ...multipartFile(await fixture('embedded/img2img_workflow.png'), 'img2img.png', 'image/png') });
    expect(res.statusCode).toBe(201);
    expect(res.json().source).toBe('png');
  });

  it('imports a real WebP whose EXIF carries the workflow, as SaveAnimatedWEBP writes it', async () => {
    const prompt = (await fixture('video/svd-img2vid.api.json')).toString('utf8');
    const webp = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#808080' } })
      .webp().withExif({ IFD0: { Model: `prompt:${prompt}`, Make: 'workflow:{"nodes": []}' } }).toBuffer();
    const res = await bare.inject({ method: 'POST', url: '/api/recipes/import', ...multipartFile(webp, 'svd.webp', 'image/webp') });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ source: 'webp', manifest: { type: 'short-video' } });
  });

  it('answers SF_WORKFLOW_INVALID for malformed JSON and for a PNG without a workflow', async () => {
    const bad = await bare.inject({ method: 'POST', url: '/api/recipes/import', ...multipartFile(Buffer.from('{"nodes": ['), 'w.json') });
    expect(bad.statusCode).toBe(422);
    expect(bad.json()).toMatchObject({ code: 'SF_WORKFLOW_INVALID' });
    const png = await sharp({ create: { width: 4, height: 4, channels: 3, background: '#fff' } }).png().toBuffer();
    const plain = await bare.inject({ method: 'POST', url: '/api/recipes/import', ...multipartFile(png, 'photo.png', 'image/png') });
    expect(plain.statusCode).toBe(422);
    expect(plain.json().message).toMatch(/carries no ComfyUI workflow/);
  });
});
