import { describe, expect, it } from 'vitest';
import { RecipeManifest } from '@shotfarm/shared';
import { recipes } from '../recipes/index.ts';
import { applyDraftUpdate, diffManifests, draftNodes, manifestIssues } from './recipe-workshop.ts';

const shipped = recipes.get('model-swap/qwen-edit-tryon')!.manifest!;

describe('recipe workshop steps', () => {
  it('applies a change and keeps the id under the chosen type; licences decide commercial use', () => {
    const next = applyDraftUpdate(shipped, {
      type: 'product-shot', title: { 'zh-CN': '新', en: 'New' },
      models: shipped.requirements.models.map((m) => ({ ...m, commercialUse: false })),
    }) as RecipeManifest;
    expect(next.id).toBe('product-shot/qwen-edit-tryon');
    expect(next.title.en).toBe('New');
    expect(next.commercialUse).toBe(false);
    expect(next.comfyui!.graph).toBe(shipped.comfyui!.graph);
  });

  it('names the node a bad binding points at, and the field a node lacks', () => {
    const [firstNode] = Object.keys(shipped.comfyui!.graph);
    const name = Object.keys(shipped.comfyui!.bindings)[0]!;
    const issues = manifestIssues(applyDraftUpdate(shipped, { bindings: { ...shipped.comfyui!.bindings, [name]: [{ node: '4242', field: 'x' }] } }));
    expect(issues.join('\n')).toMatch(/node "4242", which is not in the graph/);
    const noField = manifestIssues(applyDraftUpdate(shipped, { bindings: { ...shipped.comfyui!.bindings, [name]: [{ node: firstNode!, field: 'no_such_field' }] } }));
    expect(noField.join('\n')).toMatch(new RegExp(`node "${firstNode}" .* field "no_such_field", which it does not have`));
    expect(manifestIssues(shipped)).toEqual([]);
  });

  it('diffs parameters, bindings and models by name', () => {
    const steps = shipped.inputs.find((i) => i.kind === 'integer')!;
    const v2 = RecipeManifest.parse({
      ...shipped, version: 2,
      inputs: [...shipped.inputs.map((i) => (i.name === steps.name ? { ...i, default: (steps.default ?? 1) + 1 } : i)),
        { name: 'extra_note', kind: 'text', label: { 'zh-CN': '备注', en: 'Note' }, default: '' }],
      comfyui: { ...shipped.comfyui!, bindings: { ...shipped.comfyui!.bindings, extra_note: shipped.comfyui!.bindings[Object.keys(shipped.comfyui!.bindings).find((n) => shipped.inputs.find((i) => i.name === n)?.kind === 'text')!]! } },
    });
    const diff = diffManifests(shipped, v2);
    expect(diff.inputs.map((c) => [c.name, c.change])).toEqual([[steps.name, 'changed'], ['extra_note', 'added']]);
    expect(diff.bindings.map((c) => [c.name, c.change])).toEqual([['extra_note', 'added']]);
    expect(diff.models).toEqual([]);
    expect(diffManifests(shipped, shipped)).toMatchObject({ inputs: [], bindings: [], models: [], other: [] });
  });

  it('lists the graph\'s nodes with their widget values, links left out', () => {
    const nodes = draftNodes(shipped);
    expect(nodes).toHaveLength(Object.keys(shipped.comfyui!.graph).length);
    for (const n of nodes) for (const v of Object.values(n.fields)) expect(Array.isArray(v) && v.length === 2 && typeof v[0] === 'string').toBe(false);
  });
});
