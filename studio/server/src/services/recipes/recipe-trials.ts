import { recipeTrialKey, type JobAccepted, type JobTrial, type RecipeManifest, type RecipeTrialRequest } from '@shotfarm/shared';
import type { Storage } from '@shotfarm/shared/storage';
import { manifestIssues, recipeFromManifest } from '@shotfarm/workflows';
import { RecipeDraftInvalidError, RecipeTrialServerUnableError, withDetails } from '../../errors.ts';
import type { JobSubmission } from '../jobs/job-submission.ts';
import { manifestBytes, sha256Hex } from './manifest-bytes.ts';
import type { RecipeCapabilities } from './recipe-capabilities.ts';
import type { RecipeDrafts } from './recipe-drafts.ts';

export interface RecipeTrialsDeps {
  drafts: RecipeDrafts;
  storage: Storage;
  submission: JobSubmission;
  capabilities: RecipeCapabilities;
  /** Names of the configured ComfyUI servers (`COMFYUI_URLS`). */
  comfyServers: readonly string[];
}

/**
 * A designer's trial run of a draft before publishing it (issue 13): the draft as it is now is stored once under its
 * content hash (`recipeTrialKey`), and one variant runs as an ordinary job — in the database before Redis, charged to
 * the ledger, viewable like any job — whose task names that snapshot (version 0), so a render worker reads it the way
 * it reads a published version and a retried task renders the same manifest even if the draft changed since.
 */
export class RecipeTrials {
  constructor(private readonly deps: RecipeTrialsDeps) {}

  async run(draftId: string, req: RecipeTrialRequest, by: { createdBy: string | null }): Promise<JobAccepted & { trial: JobTrial }> {
    const draft = await this.deps.drafts.get(draftId);
    const issues = manifestIssues(draft.manifest);
    if (issues.length > 0) throw withDetails(new RecipeDraftInvalidError(issues[0]!), { issues });
    const { manifest } = draft;
    if (req.server !== undefined) await this.#checkServer(req.server, manifest);

    const bytes = manifestBytes(manifest);
    const sha = sha256Hex(bytes);
    const key = recipeTrialKey(manifest.id, sha);
    // Content-addressed: an object already there holds exactly these bytes.
    if (!(await this.deps.storage.head(key))) await this.deps.storage.put(key, bytes, { contentType: 'application/json' });

    const trial: JobTrial = { draftId, manifestSha256: sha, backend: manifest.backend, server: req.server ?? null };
    const recipe = { ...recipeFromManifest(manifest), version: 0 };
    const accepted = await this.deps.submission.submit(
      { type: manifest.type, recipe: manifest.id, inputs: req.inputs, params: req.params, variants: 1, priority: 5 },
      { createdBy: by.createdBy, trial: { recipe, record: trial } },
    );
    return { ...accepted, trial };
  }

  /** The chosen server must be a configured ComfyUI server with the draft's node classes and model files. */
  async #checkServer(server: string, manifest: RecipeManifest): Promise<void> {
    if (manifest.backend !== 'comfyui' || !this.deps.comfyServers.includes(server)) {
      throw withDetails(new RecipeTrialServerUnableError(manifest.backend !== 'comfyui'
        ? `the draft runs on ${manifest.backend}, so no ComfyUI server can be chosen for it`
        : `"${server}" is not a configured ComfyUI server (configured: ${this.deps.comfyServers.join(', ') || 'none'})`), { field: 'server', servers: [...this.deps.comfyServers] });
    }
    const capability = (await this.deps.capabilities.of(manifest)).find((c) => c.server === server);
    // A server that does not answer now may come back: the render pool waits for it, as for any job.
    if (capability?.canRun === false) {
      const missing = [...capability.missingNodeClasses, ...capability.missingModels];
      throw withDetails(new RecipeTrialServerUnableError(`server "${server}" lacks what the draft needs: ${missing.join(', ')}`), { field: 'server', missing });
    }
  }
}
