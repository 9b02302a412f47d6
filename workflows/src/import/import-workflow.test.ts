import { readFileSync } from 'node:fs';
import path from 'node:path';
import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { RecipeManifest, type ComfyApiGraph } from '@shotfarm/shared';
import { bindComfyGraph } from '../comfyui/bind-graph.ts';
import { missingClasses } from './convert-ui-to-api.ts';
import { extractWorkflowFromImage } from './extract-workflow-from-image.ts';
import { importWorkflow } from './import-workflow.ts';
import { ObjectInfo } from './object-info.ts';
import { fixtureFiles, readFixture, readFixtureJson, repoRoot, testObjectInfo } from '../../test/import-fixtures.ts';
import { UiWorkflow } from './ui-workflow.ts';
import { WorkflowImportError, WorkflowNodesUnknownError } from './workflow-import-error.ts';

const objectInfo = testObjectInfo();
const strip = (g: ComfyApiGraph): Record<string, unknown> =>
  Object.fromEntries(Object.entries(g).map(([id, n]) => [id, { class_type: n.class_type, inputs: n.inputs }]));

/** A value for every bound input, as the farm would pass them. */
function valuesFor(manifest: RecipeManifest): Record<string, string | number> {
  return Object.fromEntries(manifest.inputs.map((i) => [i.name, i.kind === 'image' ? `shotfarm/${i.name}.png` : i.kind === 'text' ? `text for ${i.name}` : i.kind === 'seed' ? 1234 : 3]));
}

function crc32(bytes: Buffer): number {
  let c = ~0;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}
function pngChunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}
const pngSig = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const iend = pngChunk('IEND', Buffer.alloc(0));
/** A PNG (header chunks only; enough for a metadata reader) with the given chunks. */
const craftedPng = (...chunks: Buffer[]): Buffer => Buffer.concat([pngSig, pngChunk('IHDR', Buffer.alloc(13)), ...chunks, iend]);

/** A little-endian TIFF block with IFD0 ASCII entries, as Pillow writes ComfyUI's WebP EXIF. */
function tiffWithStrings(entries: [number, string][]): Buffer {
  const header = Buffer.from([0x49, 0x49, 0x2a, 0x00, 0x08, 0x00, 0x00, 0x00]);
  const ifdSize = 2 + entries.length * 12 + 4;
  let dataAt = 8 + ifdSize;
  const ifd = Buffer.alloc(ifdSize);
  ifd.writeUInt16LE(entries.length, 0);
  const datas: Buffer[] = [];
  entries.forEach(([tag, text], i) => {
    const data = Buffer.from(`${text}\0`, 'utf8');
    const o = 2 + i * 12;
    ifd.writeUInt16LE(tag, o);
    ifd.writeUInt16LE(2, o + 2);
    ifd.writeUInt32LE(data.length, o + 4);
    ifd.writeUInt32LE(dataAt, o + 8);
    dataAt += data.length;
    datas.push(data);
  });
  return Buffer.concat([header, ifd, ...datas]);
}
function craftedWebp(exif: Buffer): Buffer {
  const chunk = (fourcc: string, data: Buffer): Buffer => {
    const h = Buffer.alloc(8);
    h.write(fourcc, 0, 'latin1');
    h.writeUInt32LE(data.length, 4);
    return Buffer.concat([h, data, data.length % 2 ? Buffer.alloc(1) : Buffer.alloc(0)]);
  };
  const body = Buffer.concat([Buffer.from('WEBP', 'latin1'), chunk('VP8X', Buffer.alloc(10)), chunk('EXIF', exif)]);
  const riff = Buffer.alloc(8);
  riff.write('RIFF', 0, 'latin1');
  riff.writeUInt32LE(body.length, 4);
  return Buffer.concat([riff, body]);
}

function importError(run: () => unknown): WorkflowImportError {
  try {
    run();
  } catch (e) {
    if (e instanceof WorkflowImportError) return e;
    throw e;
  }
  throw new Error('expected a WorkflowImportError');
}

describe('importWorkflow: API files', () => {
  it.each(fixtureFiles('.api.json'))('%s imports, binds and round-trips', (file) => {
    const original = readFixtureJson(file) as ComfyApiGraph;
    const { manifest, source } = importWorkflow({ file: readFixture(file), name: file.split('/').pop() });
    expect(source).toBe('api');
    expect(RecipeManifest.safeParse(manifest).success).toBe(true);
    expect(manifest.status).toBe('draft');
    expect(strip(manifest.comfyui!.graph)).toEqual(strip(original));
    expect(manifest.requirements.nodeClasses).toEqual([...new Set(Object.values(original).map((n) => n.class_type))].sort());
    const bound = bindComfyGraph(manifest.comfyui!.graph, manifest.comfyui!.bindings, valuesFor(manifest));
    for (const [name, refs] of Object.entries(manifest.comfyui!.bindings)) {
      for (const ref of refs) expect(bound[ref.node]!.inputs[ref.field]).toBe(valuesFor(manifest)[name]);
    }
  });
});

/** UI-only fixtures whose custom nodes the pack files under test/object-info define. */
const customNodeFixtures = ['product-shot/iclight-fg-relight.ui.json', 'product-shot/iclight-kijai-example02.ui.json', 'video/ltxv-i2v-lightricks.ui.json'];

describe('importWorkflow: UI files', () => {
  const uiFiles = fixtureFiles('.ui.json');
  const convertible = uiFiles.filter((f) => missingClasses(UiWorkflow.parse(readFixtureJson(f)), objectInfo).length === 0);

  it('converts every UI fixture with an API twin, and the custom-node ones the test packs define', () => {
    expect(convertible.length).toBeGreaterThanOrEqual(7);
    expect(convertible).toEqual(expect.arrayContaining(customNodeFixtures));
  });

  it.each(convertible)('%s imports and binds with the test object_info', (file) => {
    const { manifest, source } = importWorkflow({ json: readFixtureJson(file), objectInfo });
    expect(source).toBe('ui');
    expect(manifest.inputs.length).toBeGreaterThan(0);
    expect(() => bindComfyGraph(manifest.comfyui!.graph, manifest.comfyui!.bindings, valuesFor(manifest))).not.toThrow();
  });

  it.each(customNodeFixtures)('%s answers NODES_UNKNOWN naming its custom classes on a server without the packs', (file) => {
    const core = ObjectInfo.parse(JSON.parse(readFileSync(path.join(repoRoot, 'workflows/test/object-info/core.json'), 'utf8')));
    const error = importError(() => importWorkflow({ json: readFixtureJson(file), objectInfo: core }));
    expect(error).toBeInstanceOf(WorkflowNodesUnknownError);
    const missing = (error as WorkflowNodesUnknownError).missingClasses;
    expect(missing.length).toBeGreaterThan(0);
    expect(missing.every((c) => !core[c] && objectInfo[c])).toBe(true);
  });

  it('without object_info a UI file is refused with the API-export hint', () => {
    const error = importError(() => importWorkflow({ json: readFixtureJson('t2i/sdxl-simple.ui.json') }));
    expect(error.code).toBe('SF_WORKFLOW_NODES_UNKNOWN');
    expect(error.message).toMatch(/Export \(API\)/);
  });
});

describe('detection', () => {
  it('finds the sdxl prompts, negatives, shared seed and output', () => {
    const { manifest } = importWorkflow({ json: readFixtureJson('t2i/sdxl-simple.api.json') });
    const b = manifest.comfyui!.bindings;
    expect(b.prompt).toEqual([{ node: '6', field: 'text' }, { node: '15', field: 'text' }]);
    expect(b.negative).toEqual([{ node: '7', field: 'text' }, { node: '16', field: 'text' }]);
    expect(b.seed!.map((r) => r.node)).toEqual(['10', '11']);
    expect(manifest.outputs).toEqual({ kind: 'image', count: 1 });
  });

  it('follows conditioning through LTXV nodes to tell negative from positive, and sees a video output', () => {
    const { manifest } = importWorkflow({ json: readFixtureJson('video/ltxv-0.9.5-i2v-simple.api.json') });
    expect(manifest.comfyui!.bindings.prompt).toEqual([{ node: '6', field: 'text' }]);
    expect(manifest.comfyui!.bindings.negative).toEqual([{ node: '7', field: 'text' }]);
    expect(manifest.type).toBe('short-video');
    expect(manifest.outputs.kind).toBe('video');
  });

  it('finds garment and person images and the model files of the CatVTON flux graph', () => {
    const { manifest } = importWorkflow({ json: readFixtureJson('model-swap/catvton-flux-incontext.api.json') });
    expect(manifest.requirements.models.length).toBeGreaterThan(0);
    expect(manifest.requirements.models.every((m) => m.licence === 'unknown' && !m.commercialUse)).toBe(true);
    expect(manifest.commercialUse).toBe(false);
    expect(manifest.comfyui!.bindings.seed!.length).toBe(2);
  });
});

describe('images', () => {
  it('reads both chunks of the ComfyUI example PNG and imports its API graph', () => {
    const png = readFixture('embedded/img2img_workflow.png');
    const embedded = extractWorkflowFromImage(png)!;
    expect(embedded.prompt).toEqual(readFixtureJson('img2img/sd15-img2img.api.json'));
    expect(embedded.workflow).toEqual(readFixtureJson('img2img/sd15-img2img.ui.json'));
    const { manifest, source } = importWorkflow({ file: png });
    expect(source).toBe('png');
    expect(strip(manifest.comfyui!.graph)).toEqual(strip(readFixtureJson('img2img/sd15-img2img.api.json') as ComfyApiGraph));
  });

  it('reads iTXt (compressed) chunks', () => {
    const prompt = readFixture('t2i/sdxl-simple.api.json');
    const itxt = Buffer.concat([Buffer.from('prompt\0\x01\0\0\0', 'latin1'), deflateSync(prompt)]);
    expect(extractWorkflowFromImage(craftedPng(pngChunk('iTXt', itxt)))!.prompt).toEqual(JSON.parse(prompt.toString('utf8')));
  });

  it('falls back to the UI workflow of a PNG without a prompt chunk', () => {
    const workflow = readFixture('video/svd-img2vid.ui.json');
    const png = craftedPng(pngChunk('tEXt', Buffer.concat([Buffer.from('workflow\0', 'latin1'), workflow])));
    const result = importWorkflow({ file: png, objectInfo });
    expect(result.source).toBe('png');
    expect(strip(result.manifest.comfyui!.graph)).toEqual(strip(readFixtureJson('video/svd-img2vid.api.json') as ComfyApiGraph));
  });

  it('reads WebP EXIF strings as SaveAnimatedWEBP writes them', () => {
    const prompt = readFixture('video/wan22-5b-i2v.api.json').toString('utf8');
    const workflow = readFixture('video/wan22-5b-i2v.ui.json').toString('utf8');
    const webp = craftedWebp(Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), tiffWithStrings([[0x010f, `workflow:${workflow}`], [0x0110, `prompt:${prompt}`]])]));
    const embedded = extractWorkflowFromImage(webp)!;
    expect(embedded.format).toBe('webp');
    expect(embedded.prompt).toEqual(JSON.parse(prompt));
    expect(embedded.workflow).toEqual(JSON.parse(workflow));
    expect(importWorkflow({ file: webp }).source).toBe('webp');
  });
});

describe('hostile input', () => {
  it('malformed JSON', () => {
    const error = importError(() => importWorkflow({ file: Buffer.from('{"3": {"class_type": ') }));
    expect(error.code).toBe('SF_WORKFLOW_INVALID');
    expect(error.message).toMatch(/not valid JSON/);
  });

  it('JSON that is not a workflow', () => {
    expect(importError(() => importWorkflow({ json: { hello: 'world' } })).message).toMatch(/not a ComfyUI workflow.*keys hello/);
    expect(importError(() => importWorkflow({ json: [1, 2] })).message).toMatch(/JSON array/);
  });

  it('an API graph with a broken link', () => {
    const error = importError(() => importWorkflow({ json: { 1: { class_type: 'SaveImage', inputs: { images: ['2', -1] } } } }));
    expect(error.message).toMatch(/non-negative integer/);
  });

  it('an API graph whose link points nowhere', () => {
    const error = importError(() => importWorkflow({ json: { 1: { class_type: 'SaveImage', inputs: { images: ['9', 0] } } } }));
    expect(error.message).toMatch(/links to node "9"/);
  });

  it('a PNG without a workflow', () => {
    const error = importError(() => importWorkflow({ file: craftedPng(pngChunk('tEXt', Buffer.from('Software\0GIMP', 'latin1'))) }));
    expect(error.message).toMatch(/carries no ComfyUI workflow/);
  });

  it('a PNG whose prompt chunk is not JSON', () => {
    const error = importError(() => importWorkflow({ file: craftedPng(pngChunk('tEXt', Buffer.from('prompt\0{oops', 'latin1'))) }));
    expect(error.message).toMatch(/embedded "prompt" is not valid JSON/);
  });

  it('a UI file using an unknown class names it', () => {
    const ui = structuredClone(readFixtureJson('img2img/sd15-img2img.ui.json')) as { nodes: { type: string }[] };
    ui.nodes[0]!.type = 'TotallyCustomNode';
    const error = importError(() => importWorkflow({ json: ui, objectInfo }));
    expect(error.code).toBe('SF_WORKFLOW_NODES_UNKNOWN');
    expect(error.message).toContain('TotallyCustomNode');
  });

  it('nothing at all', () => {
    expect(importError(() => importWorkflow({})).code).toBe('SF_WORKFLOW_INVALID');
  });
});
