import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadRecipeManifests } from './load-recipe-manifests.ts';
import { RecipeManifestError } from './recipe-manifest-error.ts';

const label = { 'zh-CN': '标签', en: 'Label' };
const manifest = (id: string): object => ({
  id, version: 1, type: 'short-video', status: 'published', title: label, description: label, backend: 'replicate',
  inputs: [{ name: 'product', kind: 'image', role: 'product', required: true, label }],
  outputs: { kind: 'video', count: 1 },
  requirements: { nodeClasses: [], models: [] },
  commercialUse: true,
  estimate: { gpuSecondsPerRun: 60, referenceGpu: 'NVIDIA H100' },
  replicate: { model: 'wan-video/wan-2.2-i2v-fast', fields: { product: 'image' } },
});

describe('loadRecipeManifests', () => {
  let dir: string;
  beforeEach(() => { dir = mkdtempSync(path.join(tmpdir(), 'sf-recipes-')); });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const write = (rel: string, body: unknown): string => {
    const file = path.join(dir, rel);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, typeof body === 'string' ? body : JSON.stringify(body));
    return file;
  };

  it('loads every <job-type>/*.json, sorted, ignoring other files', () => {
    write('short-video/b-clip.json', manifest('short-video/b-clip'));
    write('short-video/a-clip.json', manifest('short-video/a-clip'));
    write('short-video/notes.md', '# not a recipe');
    write('README.md', '# recipes');
    const loaded = loadRecipeManifests(dir);
    expect(loaded.map((l) => l.manifest.id)).toEqual(['short-video/a-clip', 'short-video/b-clip']);
    expect(loaded[0]?.file).toBe(path.join(dir, 'short-video/a-clip.json'));
  });

  it('answers [] for a folder that does not exist', () => {
    expect(loadRecipeManifests(path.join(dir, 'none'))).toEqual([]);
  });

  it('throws naming the file when the id does not match the path', () => {
    const file = write('short-video/clip.json', manifest('short-video/other'));
    expect(() => loadRecipeManifests(dir)).toThrow(RecipeManifestError);
    expect(() => loadRecipeManifests(dir)).toThrow(`recipe manifest ${file} is invalid`);
    expect(() => loadRecipeManifests(dir)).toThrow(/does not match its path, which says "short-video\/clip"/);
  });

  it('throws naming the file and the field for an invalid manifest, and for bad JSON', () => {
    const file = write('short-video/clip.json', { ...manifest('short-video/clip'), commercialUse: false });
    expect(() => loadRecipeManifests(dir)).toThrow(new RegExp(`${file.replaceAll('/', '\\/')} is invalid:\\n  - commercialUse: commercialUse is false`));
    write('short-video/clip.json', '{ "id": ');
    expect(() => loadRecipeManifests(dir)).toThrow(/clip\.json is invalid:\n {2}- cannot read it as JSON/);
  });
});
