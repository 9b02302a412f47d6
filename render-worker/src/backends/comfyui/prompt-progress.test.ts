import { describe, expect, it } from 'vitest';
import { PromptProgress } from './prompt-progress.ts';

const graph = {
  '1': { class_type: 'CheckpointLoaderSimple', inputs: {} },
  '2': { class_type: 'KSampler', inputs: {} },
  '3': { class_type: 'VAEDecode', inputs: {} },
  '4': { class_type: 'SaveImage', inputs: {} },
};

describe('PromptProgress', () => {
  it('counts cached nodes as done and fills a node by its sampler steps', () => {
    const p = new PromptProgress(graph);
    expect(p.update({ kind: 'started' })?.fraction).toBeCloseTo(0.1);
    expect(p.update({ kind: 'cached', nodes: ['1'] })).toMatchObject({ stage: 'cached 1 nodes', fraction: 0.1 + 0.8 * 0.25 });
    expect(p.update({ kind: 'executing', node: '2' })?.stage).toBe('node 2 KSampler');
    expect(p.update({ kind: 'progress', node: '2', value: 5, max: 10 })).toMatchObject({ stage: 'node 2 step 5/10', fraction: 0.1 + 0.8 * 0.375 });
    expect(p.update({ kind: 'executing', node: '3' })?.fraction).toBeCloseTo(0.1 + 0.8 * 0.5);
    p.update({ kind: 'executing', node: '4' });
    p.update({ kind: 'executed', node: '4' });
    expect(p.update({ kind: 'progress', node: '4', value: 1, max: 1 })?.fraction).toBeCloseTo(0.9);
  });

  it('sends a preview at most every half second', () => {
    const p = new PromptProgress(graph);
    const frame = { mime: 'image/jpeg' as const, image: Buffer.from('jpg'), promptId: 'p', nodeId: '2' };
    expect(p.update({ kind: 'preview', node: '2', frame })?.preview).toEqual({ mime: 'image/jpeg', base64: Buffer.from('jpg').toString('base64') });
    expect(p.update({ kind: 'preview', node: '2', frame })).toBeUndefined();
  });
});
