import { RecipeDraft, RecipeManifest, type RecipeDraftUpdate, type RecipeDraftView, type RecipePublished } from '@shotfarm/shared';
import { StorageObjectNotFoundError, type Storage } from '@shotfarm/shared/storage';
import { applyDraftUpdate, draftNodes, manifestIssues } from '@shotfarm/workflows';
import { RecipeDraftInvalidError, RecipeDraftNotFoundError, withDetails } from '../../errors.ts';
import type { RecipeCatalog } from './recipe-catalog.ts';

/** Where drafts are stored; the storage sweep expires what is under it (RECIPE_DRAFT_TTL_S after its last change). */
export const recipeDraftPrefix = 'recipes/drafts/';
export const recipeDraftKey = (id: string): string => `${recipeDraftPrefix}${id}.json`;
/** Draft ids are the import's uuid: anything else never names a stored draft (and never reaches a storage key). */
const draftIdPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Stores a draft (its change time refreshed, which is what the storage sweep's draft TTL counts from). */
export async function saveDraft(storage: Storage, draft: RecipeDraft): Promise<void> {
  await storage.put(draft.key, Buffer.from(JSON.stringify({ ...draft, updatedAt: new Date().toISOString() }, null, 2)), { contentType: 'application/json' });
}

/**
 * Imported workflows a designer is finishing (issue 13). A draft is a JSON object in storage (never in the database:
 * nothing runs it until it is published); every change is validated by the manifest schema before it is stored, so a
 * stored draft is always one `publish` away from a version, and a refused change stores nothing.
 */
export class RecipeDrafts {
  constructor(private readonly storage: Storage, private readonly catalog: RecipeCatalog) {}

  save(draft: RecipeDraft): Promise<void> {
    return saveDraft(this.storage, draft);
  }

  async get(id: string): Promise<RecipeDraft> {
    if (!draftIdPattern.test(id)) throw new RecipeDraftNotFoundError(id);
    let bytes: Buffer;
    try {
      bytes = await this.storage.get(recipeDraftKey(id));
    } catch (e) {
      if (e instanceof StorageObjectNotFoundError) throw new RecipeDraftNotFoundError(id);
      throw e;
    }
    return RecipeDraft.parse(JSON.parse(bytes.toString('utf8')));
  }

  async view(id: string): Promise<RecipeDraftView> {
    return viewOf(await this.get(id));
  }

  /** Every stored draft, newest first; one that no longer parses (written by an older release) is skipped. */
  async list(): Promise<RecipeDraftView[]> {
    const keys = await this.storage.list(recipeDraftPrefix);
    const drafts: RecipeDraft[] = [];
    for (const key of keys) {
      try {
        drafts.push(RecipeDraft.parse(JSON.parse((await this.storage.get(key)).toString('utf8'))));
      } catch {
        // expired between list and get, or unreadable: not a draft anyone can finish
      }
    }
    return drafts.sort((a, b) => (b.updatedAt ?? '').localeCompare(a.updatedAt ?? '')).map(viewOf);
  }

  /** Applies a designer's change; refused with every issue (naming the node or field) when the result is not a valid recipe. */
  async update(id: string, update: RecipeDraftUpdate): Promise<RecipeDraftView> {
    const draft = await this.get(id);
    const candidate = applyDraftUpdate(draft.manifest, update);
    const issues = manifestIssues(candidate);
    if (issues.length > 0) throw withDetails(new RecipeDraftInvalidError(issues[0]!), { issues });
    const next: RecipeDraft = { ...draft, manifest: RecipeManifest.parse(candidate) };
    await this.save(next);
    return viewOf(next);
  }

  /** Publishes the draft as the next version of its recipe id; the draft remembers what it became. */
  async publish(id: string, by: { userId: string | null }): Promise<RecipePublished> {
    const draft = await this.get(id);
    const issues = manifestIssues(draft.manifest);
    if (issues.length > 0) throw withDetails(new RecipeDraftInvalidError(issues[0]!), { issues });
    const ref = await this.catalog.publish(draft.manifest, { userId: by.userId, draftId: id });
    await this.save({ ...draft, published: ref });
    return ref;
  }
}

function viewOf(draft: RecipeDraft): RecipeDraftView {
  return { ...draft, nodes: draftNodes(draft.manifest), issues: manifestIssues(draft.manifest) };
}
