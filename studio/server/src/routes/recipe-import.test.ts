import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Fastify, { type FastifyInstance } from 'fastify';
import multipart from '@fastify/multipart';
import { crc32, deflateSync } from 'node:zlib';
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
async function buildRouteApp(dataDir: string, objectInfo?: ObjectInfo, env: Record<string, string> = {}): Promise<FastifyInstance> {
  const app = Fastify({ logger: false });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  await app.register(errorHandlerPlugin);
  await app.register(configPlugin, { config: loadConfig({ DATA_DIR: dataDir, URL_SIGNING_SECRET: 'x'.repeat(32), ...env }) });
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
    expect(body.summary).toMatchObject({ recipeId: 'product-shot/sdxl-simple', type: 'product-shot' });
    expect(body.summary.nodeCount).toBeGreaterThan(3);
    // The answer is a summary; the graph is in the stored draft only.
    expect(body.manifest).toBeUndefined();
    expect(body.key).toBe(`recipes/drafts/${body.id}.json`);
    const stored = JSON.parse((await bare.storage.get(body.key)).toString('utf8'));
    expect(stored.manifest).toMatchObject({ id: body.summary.recipeId, status: 'draft', backend: 'comfyui', inputs: body.summary.inputs });
    expect(Object.keys(stored.manifest.comfyui.graph)).toHaveLength(body.summary.nodeCount);
  });

  it('imports a UI workflow sent as the JSON body when node definitions are available', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/recipes/import', payload: JSON.parse((await fixture('video/wan22-5b-i2v.ui.json')).toString('utf8')) });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ source: 'ui', summary: { type: 'short-video', outputs: { kind: 'video', count: 2 } } });
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
    expect(res.json()).toMatchObject({ source: 'webp', summary: { type: 'short-video' } });
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

  describe('hostile imports: capped, refused with a code, nothing stored', () => {
    /** A PNG with one text chunk of `type` (tEXt/zTXt/iTXt) whose body is given as is. */
    const pngWithText = (type: 'tEXt' | 'zTXt' | 'iTXt', keyword: string, body: Buffer): Buffer => {
      const chunk = (t: string, data: Buffer) => {
        const len = Buffer.alloc(4); len.writeUInt32BE(data.length);
        const crc = Buffer.alloc(4); crc.writeUInt32BE(crc32(Buffer.concat([Buffer.from(t, 'latin1'), data])));
        return Buffer.concat([len, Buffer.from(t, 'latin1'), data, crc]);
      };
      const ihdr = Buffer.alloc(13); ihdr.writeUInt32BE(1, 0); ihdr.writeUInt32BE(1, 4); ihdr[8] = 8; ihdr[9] = 0;
      const head = type === 'iTXt' ? Buffer.from([0, 1, 0, 0, 0]) : type === 'zTXt' ? Buffer.from([0, 0]) : Buffer.from([0]);
      return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr),
        chunk(type, Buffer.concat([Buffer.from(keyword, 'latin1'), head, body])), chunk('IDAT', deflateSync(Buffer.alloc(2))), chunk('IEND', Buffer.alloc(0))]);
    };
    const apiGraph = (nodes: number) => Object.fromEntries(Array.from({ length: nodes }, (_, i) => [String(i + 1), { class_type: 'LoadImage', inputs: { image: `${i}.png` } }]));
    const deep = (levels: number) => `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`;
    const drafts = () => bare.storage.list('recipes/drafts/');

    type Request = { payload: string | Buffer | object; headers?: Record<string, string> };
    const cases: [string, () => Promise<Request>, number, string][] = [
      ['a 5 MB JSON file (multipart)', async () => ({ ...multipartFile(Buffer.from(JSON.stringify({ x: 'y'.repeat(5 * 1024 * 1024) })), 'big.json') }), 413, 'SF_WORKFLOW_TOO_LARGE'],
      ['a 5 MB JSON body', async () => ({ payload: JSON.stringify({ x: 'y'.repeat(5 * 1024 * 1024) }), headers: { 'content-type': 'application/json' } }), 413, 'SF_WORKFLOW_TOO_LARGE'],
      ['a graph of 1,500 nodes', async () => ({ payload: apiGraph(1500) }), 422, 'SF_WORKFLOW_TOO_COMPLEX'],
      ['a file nested 2,000 levels deep', async () => ({ ...multipartFile(Buffer.from(deep(2000)), 'deep.json') }), 422, 'SF_WORKFLOW_TOO_COMPLEX'],
      // A 0.6 MB zTXt once inflated to 800 MB and a 500: inflation stops at the cap.
      ['a zTXt that inflates to 200 MB', async () => ({ ...multipartFile(pngWithText('zTXt', 'prompt', deflateSync(Buffer.alloc(200 * 1024 * 1024, 0x20), { level: 9 })), 'bomb.png') }), 413, 'SF_WORKFLOW_TOO_LARGE'],
      ['an iTXt that inflates past the cap', async () => ({ ...multipartFile(pngWithText('iTXt', 'workflow', deflateSync(Buffer.alloc(64 * 1024 * 1024, 0x20))), 'bomb.png') }), 413, 'SF_WORKFLOW_TOO_LARGE'],
      ['a zTXt that is not deflate data', async () => ({ ...multipartFile(pngWithText('zTXt', 'prompt', Buffer.from('this is not zlib at all')), 'bad.png') }), 422, 'SF_WORKFLOW_INVALID'],
      ['an iTXt that is not deflate data', async () => ({ ...multipartFile(pngWithText('iTXt', 'prompt', Buffer.from([0x78, 0x9c, 0xff, 0xff, 0xff])), 'bad.png') }), 422, 'SF_WORKFLOW_INVALID'],
    ];
    it.each(cases)('%s', async (_name, make, status, code) => {
      const before = await drafts();
      const { payload, headers } = await make();
      const res = await bare.inject({ method: 'POST', url: '/api/recipes/import', payload, ...(headers ? { headers } : {}) });
      expect(res.statusCode).toBe(status);
      expect(res.json().code).toBe(code);
      expect(await drafts()).toEqual(before);
    }, 60_000);
  });

  it('refuses an import that runs past its time budget with 422 SF_WORKFLOW_TOO_COMPLEX, nothing stored', async () => {
    const slow = await buildRouteApp(dir, undefined, { WORKFLOW_IMPORT_TIME_BUDGET_MS: '1' });
    try {
      const before = await slow.storage.list('recipes/drafts/');
      const res = await slow.inject({ method: 'POST', url: '/api/recipes/import', ...multipartFile(await fixture('t2i/sdxl-simple.api.json'), 'sdxl.json') });
      expect(res.statusCode).toBe(422);
      expect(res.json()).toMatchObject({ code: 'SF_WORKFLOW_TOO_COMPLEX' });
      expect(res.json().message).toMatch(/longer than 1 ms/);
      expect(await slow.storage.list('recipes/drafts/')).toEqual(before);
    } finally {
      await slow.close();
    }
  });
});
