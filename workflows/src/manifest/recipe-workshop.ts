import {
  isLink, RecipeManifest, type DraftNode, type RecipeDraftUpdate, type RecipeVersionDiff,
} from '@shotfarm/shared';

/**
 * The recipe workshop's pure steps (issue 13): a designer's changes applied to a draft, the graph's nodes as the
 * Recipes page lists them, and what changed between two versions. Validation stays the manifest schema's.
 */

/** Each problem of a manifest as one line naming where it is (the schema's messages name the node and field). */
export function manifestIssues(candidate: unknown): string[] {
  const parsed = RecipeManifest.safeParse(candidate);
  return parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
}

/**
 * The draft with `update` applied, not yet validated (the caller refuses it with `manifestIssues`). A new `type`
 * without a new id moves the id under it, so `<type>/<name>` stays consistent. Models decide `commercialUse`.
 */
export function applyDraftUpdate(manifest: RecipeManifest, update: RecipeDraftUpdate): unknown {
  const type = update.type ?? (update.recipeId ? update.recipeId.slice(0, update.recipeId.indexOf('/')) : manifest.type);
  const name = (update.recipeId ?? manifest.id).split('/')[1]!;
  const models = update.models ?? manifest.requirements.models;
  return {
    ...manifest,
    id: `${type}/${name}`,
    type,
    ...(update.title && { title: update.title }),
    ...(update.description && { description: update.description }),
    ...(update.inputs && { inputs: update.inputs }),
    ...(update.outputs && { outputs: update.outputs }),
    ...(update.estimate && { estimate: update.estimate }),
    requirements: { ...manifest.requirements, models },
    commercialUse: models.every((m) => m.commercialUse),
    ...(manifest.comfyui && { comfyui: { graph: manifest.comfyui.graph, bindings: update.bindings ?? manifest.comfyui.bindings } }),
  };
}

/** The draft's graph as a list: each node's id, class, title and widget values (links left out). */
export function draftNodes(manifest: RecipeManifest): DraftNode[] {
  const graph = manifest.comfyui?.graph ?? {};
  return Object.entries(graph)
    .sort(([a], [b]) => a.localeCompare(b, 'en', { numeric: true }))
    .map(([id, node]) => ({
      id, classType: node.class_type, title: node._meta?.title ?? null,
      fields: Object.fromEntries(Object.entries(node.inputs).filter(([, v]) => !isLink(v))),
    }));
}

type Change = RecipeVersionDiff['inputs'][number];

function diffByName<T>(before: readonly T[], after: readonly T[], nameOf: (x: T) => string): Change[] {
  const a = new Map(before.map((x) => [nameOf(x), x]));
  const b = new Map(after.map((x) => [nameOf(x), x]));
  const changes: Change[] = [];
  for (const [name, x] of a) {
    const y = b.get(name);
    if (y === undefined) changes.push({ name, change: 'removed', before: x });
    else if (JSON.stringify(x) !== JSON.stringify(y)) changes.push({ name, change: 'changed', before: x, after: y });
  }
  for (const [name, y] of b) if (!a.has(name)) changes.push({ name, change: 'added', after: y });
  return changes;
}

/** What changed from `from` to `to`: parameters (inputs), bindings and models by name, and which other parts differ. */
export function diffManifests(from: RecipeManifest, to: RecipeManifest): RecipeVersionDiff {
  const bindings = (m: RecipeManifest) => Object.entries(m.comfyui?.bindings ?? {}).map(([name, refs]) => ({ name, refs }));
  const other = (['title', 'description', 'outputs', 'estimate', 'backend', 'type'] as const)
    .filter((k) => JSON.stringify(from[k]) !== JSON.stringify(to[k]));
  if (JSON.stringify(from.comfyui?.graph) !== JSON.stringify(to.comfyui?.graph)) other.push('graph' as never);
  return {
    id: to.id, from: from.version, to: to.version,
    inputs: diffByName(from.inputs, to.inputs, (i) => i.name),
    bindings: diffByName(bindings(from), bindings(to), (b) => b.name),
    models: diffByName(from.requirements.models, to.requirements.models, (m) => m.file ?? m.model),
    other: other as string[],
  };
}
