import { chooseRoute, type RouteCandidate } from '@shotfarm/shared/costs';
import type { ComfyServerReading } from '@shotfarm/shared/comfyui';
import type { JobRequest, Params, RoutingDecision } from '@shotfarm/shared';
import type { Config } from '@shotfarm/shared/config';
import type { Recipe } from '@shotfarm/workflows';
import { BackendRequiredError, withDetails } from '../../errors.ts';
import { estimateMilliFenPerTask, type Pricing } from '../recipes/recipe-estimate.ts';
import type { RecipeTimings } from './recipe-timings.ts';

export interface RouterDeps {
  recipes: ReadonlyMap<string, Recipe>;
  config: Config;
  timings: RecipeTimings;
  pricing: () => Pricing;
  /** ComfyUI servers' health now (the farm page's probe); absent: assumed up. */
  comfyHealth?: () => Promise<ComfyServerReading[]>;
  /** Recipe ids blocklisted on every ComfyUI server (the render workers' blocklists). */
  comfyBlockedRecipes?: () => Promise<ReadonlySet<string>>;
  /** Why no ComfyUI server can run this recipe (node classes or model files missing everywhere); undefined when one can. */
  comfyUnable?: (recipe: Recipe) => Promise<string | undefined>;
}

export interface RouteResult {
  recipe: Recipe;
  decision: RoutingDecision;
  perTaskMilliFen: number;
}

type Candidate = RouteCandidate & { recipe: Recipe };

/**
 * `backend: "auto"`: among the recipes able to run this job — same type, taking the same inputs and parameters —
 * whose backend can run it now (enabled, configured, healthy, not blocklisted, some server with its nodes and models), the lowest expected cost per image
 * that passes the gate. A named backend keeps the requested recipe when it runs there, else the able recipe on it.
 */
export class BackendRouter {
  constructor(private readonly deps: RouterDeps) {}

  async route(req: Pick<JobRequest, 'type' | 'inputs' | 'params'> & { backend: string }, requested: Recipe): Promise<RouteResult> {
    const able = [...this.deps.recipes.values()].filter((r) => r.id === requested.id || this.#canRun(r, req.type, req.inputs, req.params));
    const pool = req.backend === 'auto' ? able : able.filter((r) => r.backend === req.backend);
    if (pool.length === 0) {
      throw withDetails(new BackendRequiredError(`no recipe able to run this ${req.type} job runs on the ${req.backend} backend`),
        { field: 'backend', backends: [...new Set(able.map((r) => r.backend))].sort(), configured: [...this.deps.config.renderBackends] });
    }
    const pricing = this.deps.pricing();
    const history = await this.deps.timings.gateHistory(pool.map((r) => r.id));
    const unavailable = pool.length > 1 ? await this.#unavailability(pool) : new Map<string, string>();
    const candidates: Candidate[] = await Promise.all(pool.map(async (recipe) => {
      const seconds = await this.deps.timings.medianSeconds(recipe.id, recipe.backend);
      const reason = unavailable.get(recipe.id);
      return {
        recipe, recipeId: recipe.id, backend: recipe.backend, perTaskMilliFen: estimateMilliFenPerTask(recipe, pricing, seconds),
        imagesPerTask: recipe.outputs.countPerTask, gate: history.get(recipe.id) ?? { scored: 0, passed: 0 },
        ...(reason ? { unavailable: reason } : {}),
      };
    }));
    const choice = chooseRoute(candidates, requested.id);
    // Nothing can run now: keep the requested recipe; submission's own checks say why (SF_BACKEND_REQUIRED).
    const chosen = choice?.chosen ?? candidates.find((c) => c.recipeId === requested.id) ?? candidates[0]!;
    const decision: RoutingDecision = {
      requested: req.backend, recipe: chosen.recipeId, backend: chosen.backend,
      reason: choice?.reason ?? `no route can run now; kept ${requested.id}`,
      candidates: (choice?.ranked ?? candidates.map((c) => ({ candidate: c, perAcceptedImage: null }))).map((r) => ({
        recipe: r.candidate.recipeId, backend: r.candidate.backend, perAcceptedImage: r.perAcceptedImage,
        ...(r.candidate.unavailable ? { excluded: r.candidate.unavailable } : {}),
      })),
    };
    return { recipe: chosen.recipe, decision, perTaskMilliFen: chosen.perTaskMilliFen ?? 0 };
  }

  /** Same type, every given input known to it and every required one given, and the parameters valid for it. */
  #canRun(r: Recipe, type: string, inputs: Record<string, string>, params: Params): boolean {
    if (r.type !== type) return false;
    const names = new Set(r.inputs.map((i) => i.name));
    if (!Object.keys(inputs).every((n) => names.has(n))) return false;
    if (!r.inputs.every((i) => !i.required || inputs[i.name] !== undefined)) return false;
    return r.params.safeParse(params).success;
  }

  async #unavailability(pool: readonly Recipe[]): Promise<Map<string, string>> {
    const { config } = this.deps;
    const out = new Map<string, string>();
    const needsComfy = pool.some((r) => r.backend === 'comfyui');
    const health = needsComfy && this.deps.comfyHealth ? await this.deps.comfyHealth().catch(() => [] as ComfyServerReading[]) : undefined;
    const blocked = needsComfy && this.deps.comfyBlockedRecipes ? await this.deps.comfyBlockedRecipes().catch(() => new Set<string>()) : new Set<string>();
    for (const r of pool) {
      if (!config.renderBackends.includes(r.backend)) out.set(r.id, `backend ${r.backend} is not enabled (RENDER_BACKENDS)`);
      else if (r.backend === 'comfyui' && config.comfyui.servers.length === 0) out.set(r.id, 'no ComfyUI servers configured');
      else if (r.backend === 'comfyui' && health && !health.some((h) => h.state === 'up')) out.set(r.id, 'no ComfyUI server is up');
      else if (r.backend === 'comfyui' && blocked.has(r.id)) out.set(r.id, 'blocklisted on every ComfyUI server');
      else if (r.backend === 'comfyui' && this.deps.comfyUnable) {
        const unable = await this.deps.comfyUnable(r);
        if (unable) out.set(r.id, unable);
      }
      else if (r.backend === 'replicate' && !config.replicate.token) out.set(r.id, 'no Replicate token configured');
    }
    return out;
  }
}
