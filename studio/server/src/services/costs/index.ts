import type { FastifyBaseLogger } from 'fastify';
import type { Config } from '@shotfarm/shared/config';
import type { Db } from '@shotfarm/shared/db';
import type { Recipe } from '@shotfarm/workflows';
import type { Redis } from 'ioredis';
import { withTimeout } from '../operations/dependency-monitor.ts';
import { blocklistingsOf, readComfyBlocklist } from '../farm/comfy-blocklist.ts';
import { ComfyHealthProbe } from '../farm/comfy-health.ts';
import { overridesFrom, pricingFrom, type Pricing } from '../recipes/recipe-estimate.ts';
import type { TaskEnqueuer } from '../jobs/task-enqueuer.ts';
import type { TaskRecorder } from '../jobs/task-recorder.ts';
import type { RecipeCapabilities } from '../recipes/recipe-capabilities.ts';
import { comfyUnableOn } from './comfy-unable.ts';
import { BackendRouter } from './backend-router.ts';
import { BudgetGuard } from './budget-guard.ts';
import { CostLedger } from './cost-ledger.ts';
import { PriceBookStore } from './price-book-store.ts';
import { RecipeTimings } from './recipe-timings.ts';
import { UsageMeters } from './usage-meters.ts';

export { attemptKey, CostLedger } from './cost-ledger.ts';
export { PriceBookStore } from './price-book-store.ts';
export { BudgetGuard } from './budget-guard.ts';
export { BackendRouter } from './backend-router.ts';
export { RecipeTimings } from './recipe-timings.ts';
export { UsageMeters } from './usage-meters.ts';
export { costRollup, windowOf } from './cost-report.ts';

/** The manager's cost services, wired once by the farm plugin. */
export interface CostServices {
  prices: PriceBookStore;
  ledger: CostLedger;
  timings: RecipeTimings;
  router: BackendRouter;
  meters: UsageMeters;
  /** Pricing in force now: the current book, the environment's overrides, the configured ComfyUI servers. */
  pricing(): Pricing;
  /** Set once the recorder and enqueuer exist (`attachBudgets`). */
  budgets: BudgetGuard | undefined;
}

export interface CostServiceDeps {
  db: Db;
  config: Config;
  recipes: ReadonlyMap<string, Recipe>;
  /** Which ComfyUI servers have a recipe's node classes and model files: routing never picks a recipe none of them can run. */
  capabilities?: RecipeCapabilities;
  redis: Redis;
  queuePrefix: string;
  log: FastifyBaseLogger;
}

/** Build the cost services and load the price book (seeding version 1 on a fresh database). */
export async function createCostServices(deps: CostServiceDeps): Promise<CostServices> {
  const { db, config, recipes } = deps;
  const prices = new PriceBookStore(db);
  await prices.load();
  const pricing = (): Pricing => pricingFrom(prices.current.content, config);
  const ledger = new CostLedger(db, { prices, recipes, pricing: () => ({ overrides: overridesFrom(config), comfyServers: config.comfyui.servers }) });
  const timings = new RecipeTimings(db);
  const probe = new ComfyHealthProbe(config.comfyui.servers);
  const router = new BackendRouter({
    recipes, config, timings, pricing,
    comfyHealth: () => probe.read(),
    ...(deps.capabilities ? { comfyUnable: comfyUnableOn(deps.capabilities, deps.log) } : {}),
    // A recipe counts as blocklisted when every configured server has it on some worker's blocklist.
    comfyBlockedRecipes: async () => {
      if (config.comfyui.servers.length === 0) return new Set<string>();
      // Advisory only: with Redis down or slow, route as if nothing were blocklisted rather than hold the request.
      const records = deps.redis.status !== 'ready' ? [] : await withTimeout(readComfyBlocklist(deps.redis, deps.queuePrefix), 1000, 'the ComfyUI blocklist')
        .catch((err: unknown) => { deps.log.warn({ err }, 'reading the ComfyUI blocklist failed: routing without it'); return []; });
      const per = config.comfyui.servers.map((s) => new Set(blocklistingsOf(s, records).map((b) => b.recipeId)));
      const all = per[0] ? [...per[0]].filter((id) => per.every((set) => set.has(id))) : [];
      return new Set(all);
    },
  });
  const meters = new UsageMeters({ db, prices, overrides: () => overridesFrom(config), servers: config.comfyui.servers, readHealth: () => probe.read(), log: deps.log });
  return { prices, ledger, timings, router, meters, pricing, budgets: undefined };
}

/** The budget gate needs the recorder (to mark tasks skipped) and the enqueuer (to take them off the queue). */
export function attachBudgets(costs: CostServices, deps: { db: Db; recorder: TaskRecorder; enqueuer: TaskEnqueuer; log: FastifyBaseLogger }): BudgetGuard {
  costs.budgets = new BudgetGuard({ db: deps.db, ledger: costs.ledger, prices: costs.prices, recorder: deps.recorder, enqueuer: deps.enqueuer, log: deps.log });
  return costs.budgets;
}

