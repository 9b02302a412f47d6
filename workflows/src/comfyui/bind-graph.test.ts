import type { ComfyApiGraph, ComfyBindings } from '@shotfarm/shared';
import { describe, expect, it } from 'vitest';
import { bindComfyGraph } from './bind-graph.ts';

const graph = (): ComfyApiGraph => ({
  '1': { class_type: 'LoadImage', inputs: { image: 'placeholder.png' } },
  '2': { class_type: 'KSampler', inputs: { seed: 0, steps: 20, model: ['1', 0] } },
  '3': { class_type: 'KSampler', inputs: { seed: 0, steps: 20, model: ['1', 0] } },
  '9': { class_type: 'SaveImage', inputs: { images: ['2', 0] } },
});
const bindings: ComfyBindings = {
  garment: [{ node: '1', field: 'image' }],
  seed: [{ node: '2', field: 'seed' }, { node: '3', field: 'seed' }],
  steps: [{ node: '2', field: 'steps' }],
};

describe('bindComfyGraph', () => {
  it('sets every bound field and leaves the rest and the original alone', () => {
    const original = graph();
    const bound = bindComfyGraph(original, bindings, { garment: 'shotfarm/abc123.png', seed: 42, steps: 8 });
    expect(bound['1']?.inputs.image).toBe('shotfarm/abc123.png');
    expect(bound['2']?.inputs).toEqual({ seed: 42, steps: 8, model: ['1', 0] });
    expect(bound['3']?.inputs).toEqual({ seed: 42, steps: 20, model: ['1', 0] });
    expect(original).toEqual(graph());
    (bound['2']?.inputs.model as unknown[])[1] = 5;
    expect(original['2']?.inputs.model).toEqual(['1', 0]);
  });

  it('throws on an input name with no binding', () => {
    expect(() => bindComfyGraph(graph(), bindings, { cfg: 4 })).toThrow(/no binding for input "cfg"/);
  });

  it('throws on a binding to a missing node or field', () => {
    expect(() => bindComfyGraph(graph(), { x: [{ node: '7', field: 'a' }] }, { x: 1 })).toThrow(/node "7", which is not in the graph/);
    expect(() => bindComfyGraph(graph(), { x: [{ node: '2', field: 'cfg' }] }, { x: 1 })).toThrow(/node "2" \(KSampler\) field "cfg"/);
  });
});
