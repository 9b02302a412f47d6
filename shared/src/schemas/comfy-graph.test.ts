import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ComfyApiGraph, isLink, validateComfyGraph, type ComfyApiGraph as Graph } from './comfy-graph.ts';

const workflowsDir = fileURLToPath(new URL('../../../../shared/fixtures/workflows/', import.meta.url));
const readGraph = (rel: string): unknown => JSON.parse(readFileSync(`${workflowsDir}${rel}`, 'utf8'));

const tiny = (): Graph => ({
  '1': { class_type: 'LoadImage', inputs: { image: 'a.png' } },
  '2': { class_type: 'SaveImage', inputs: { filename_prefix: 'x', images: ['1', 0] } },
});

describe('ComfyApiGraph', () => {
  it.each([
    't2i/sdxl-simple.api.json', 't2i/sd15-multi-output.api.json', 'img2img/sd15-img2img.api.json',
    'product-shot/flux-kontext-edit.api.json', 'product-shot/sd15-outpaint.api.json',
    'model-swap/catvton-flux-incontext.api.json', 'video/wan22-5b-i2v.api.json', 'video/svd-img2vid.api.json',
  ])('parses and validates the real %s export', (rel) => {
    const graph = ComfyApiGraph.parse(readGraph(rel));
    expect(Object.keys(graph).length).toBeGreaterThan(2);
    expect(validateComfyGraph(graph)).toEqual([]);
  });

  it('refuses a UI-format export, which is not a node map', () => {
    expect(ComfyApiGraph.safeParse(readGraph('t2i/sdxl-simple.ui.json')).success).toBe(false);
  });

  it.each([[-1], [1.5]])('refuses a link whose output index is %s, naming the node and input', (index) => {
    const graph = { ...tiny(), '2': { class_type: 'SaveImage', inputs: { images: ['1', index] } } };
    const result = ComfyApiGraph.safeParse(graph);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toMatch(/node "2" \(SaveImage\) input "images".*non-negative integer/);
    expect(result.error?.issues[0]?.path).toEqual(['2', 'inputs', 'images']);
  });

  it('keeps literal lists that are not link-shaped', () => {
    const graph = { ...tiny(), '3': { class_type: 'Note', inputs: { sizes: [512, 768], pair: ['a', 'b'] } } };
    expect(ComfyApiGraph.safeParse(graph).success).toBe(true);
  });
});

describe('isLink', () => {
  it('accepts [id, int ≥ 0] only', () => {
    expect(isLink(['4', 0])).toBe(true);
    expect(isLink(['4', 2])).toBe(true);
    expect(isLink(['4', -1])).toBe(false);
    expect(isLink(['4', 0.5])).toBe(false);
    expect(isLink([4, 0])).toBe(false);
    expect(isLink(['4', 0, 1])).toBe(false);
    expect(isLink('4')).toBe(false);
  });
});

describe('validateComfyGraph', () => {
  it('reports a dangling link with the node id, class and input', () => {
    const graph = { ...tiny(), '2': { class_type: 'SaveImage', inputs: { images: ['9', 0] } } };
    const issues = validateComfyGraph(graph);
    expect(issues).toHaveLength(1);
    expect(issues[0]?.message).toBe('node "2" (SaveImage) input "images" links to node "9", which is not in the graph');
    expect(issues[0]?.path).toEqual(['2', 'inputs', 'images']);
  });

  it('reports a graph without an output node, listing its classes', () => {
    const graph: Graph = { '1': { class_type: 'LoadImage', inputs: { image: 'a.png' } }, '2': { class_type: 'VAEDecode', inputs: { samples: ['1', 0] } } };
    const issues = validateComfyGraph(graph);
    expect(issues).toHaveLength(1);
    expect(issues[0]?.message).toMatch(/no output node .*SaveImage.*its classes are LoadImage, VAEDecode/);
  });

  it('accepts any class of the static output list, e.g. VHS_VideoCombine', () => {
    const graph = { ...tiny(), '2': { class_type: 'VHS_VideoCombine', inputs: { images: ['1', 0] } } };
    expect(validateComfyGraph(graph)).toEqual([]);
  });
});
