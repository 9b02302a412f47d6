import fp from 'fastify-plugin';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ApiError, BudgetsView, CostQuery, CostRollup, DailyCapUpdate, EstimateAccuracy, PriceBookUpdate, PriceBookVersion } from '@shotfarm/shared';
import { rollupToCsv } from '@shotfarm/shared/costs';
import { costRollup, windowOf } from '../services/costs/index.ts';

/**
 * Money: the ledger's roll-ups (`GET /api/costs`, JSON or CSV), the price book (read by everyone signed in, written
 * by admins, every version kept and every change audited) and the budgets in force.
 */
const routes: FastifyPluginAsyncZod = async (app) => {
  const { costs } = app.farm;
  const { audit } = app.accounts;

  const rollupRoute = (url: string, csv: boolean) => app.get(url, {
    config: { access: 'operator' },
    schema: {
      tags: ['costs'], summary: csv ? 'The cost roll-up as CSV (amounts in milli-fen)' : 'Spend rolled up by job, launch, SKU, recipe, backend, server or day, with images, approved and live images, and ¥ per image (milli-fen); `Accept: text/csv` for CSV',
      querystring: CostQuery, response: { 200: csv ? z.string() : CostRollup.or(z.string()), '4xx': ApiError },
    },
  }, async (req, reply) => {
    const { from, to } = windowOf(req.query.from, req.query.to);
    const rollup = await costRollup(app.db, req.query.groupBy, from, to);
    const wantsCsv = csv || req.query.format === 'csv' || (req.query.format === undefined && /\btext\/csv\b/.test(req.headers.accept ?? ''));
    if (!wantsCsv) return rollup;
    const name = `shotfarm-costs-${req.query.groupBy}-${from.toISOString().slice(0, 10)}-${to.toISOString().slice(0, 10)}.csv`;
    return reply.header('content-type', 'text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${name}"`)
      .send(rollupToCsv(rollup.rows, rollup.total));
  });
  rollupRoute('/api/costs', false);
  rollupRoute('/api/costs.csv', true);

  app.get('/api/costs/estimates', {
    config: { access: 'operator' },
    schema: { tags: ['costs'], summary: 'Per recipe: what its jobs were estimated to cost against what they spent', querystring: CostQuery.pick({ from: true, to: true }),
      response: { 200: EstimateAccuracy, '4xx': ApiError } },
  }, async (req) => {
    const { from, to } = windowOf(req.query.from, req.query.to);
    return { items: await costs.timings.estimateAccuracy(from, to) };
  });

  app.get('/api/prices', {
    config: { access: 'authenticated' },
    schema: { tags: ['costs'], summary: 'The price book in force (every price in milli-fen with its source and date) and earlier versions', response: {
      200: z.object({ current: PriceBookVersion, history: z.array(PriceBookVersion.omit({ content: true })) }), '4xx': ApiError } },
  }, async () => {
    const versions = await costs.prices.versions();
    return { current: costs.prices.current, history: versions.map(({ content: _content, ...v }) => v) };
  });

  app.put('/api/prices', {
    config: { access: 'admin' },
    schema: { tags: ['costs'], summary: 'Save a new version of the price book (dollar prices converted at its dated rate); audited', body: PriceBookUpdate,
      response: { 200: PriceBookVersion, '4xx': ApiError } },
  }, async (req) => {
    const previous = costs.prices.current.version;
    const saved = await costs.prices.save(req.body.content, { userId: req.user?.id ?? null, note: req.body.note });
    await audit.record({ action: 'price-book.update', caller: req.caller, ip: req.ip, target: { type: 'price-book', id: String(saved.version) },
      details: { previousVersion: previous, note: saved.note } });
    return saved;
  });

  const budgetsView = async (): Promise<BudgetsView> => {
    const day = await costs.budgets!.daily();
    const source = app.config.costs.dailyBudgetFen !== undefined ? 'DAILY_BUDGET_FEN' : day.cap !== null ? 'price-book' : 'none';
    return {
      currency: 'CNY', unit: 'milli-fen', daily: { cap: day.cap, source, spent: day.spent, remaining: day.remaining },
      priceBookVersion: costs.prices.current.version, targetPerLiveImage: costs.prices.current.content.targetPerLiveImage.milliFen,
    };
  };

  app.get('/api/budgets', {
    config: { access: 'authenticated' },
    schema: { tags: ['costs'], summary: "Today's organisation-wide cap, spend and what is left (the Create page shows it)", response: { 200: BudgetsView, '4xx': ApiError } },
  }, budgetsView);

  app.put('/api/budgets/daily', {
    config: { access: 'admin' },
    schema: { tags: ['costs'], summary: "Set the organisation's daily cap (a new price book version); audited. DAILY_BUDGET_FEN, when set, still wins",
      body: DailyCapUpdate, response: { 200: BudgetsView, '4xx': ApiError } },
  }, async (req) => {
    const current = costs.prices.current;
    const previousCap = current.content.dailyBudget.milliFen;
    const today = new Date().toISOString().slice(0, 10);
    const saved = await costs.prices.save({
      ...current.content,
      dailyBudget: { milliFen: req.body.milliFen, source: `set by ${req.caller?.user.email ?? 'an admin'} in the studio`, date: today, ...(req.body.note ? { note: req.body.note } : {}) },
    }, { userId: req.user?.id ?? null, note: req.body.note ?? 'daily cap changed' });
    await audit.record({ action: 'budget.daily-cap', caller: req.caller, ip: req.ip, target: { type: 'price-book', id: String(saved.version) },
      details: { previousCap, cap: req.body.milliFen, previousVersion: current.version } });
    return budgetsView();
  });
};

export const costRoutes = fp(routes, { name: 'shotfarm-cost-routes', fastify: '5.x', encapsulate: true,
  dependencies: ['shotfarm-db', 'shotfarm-farm', 'shotfarm-auth', 'shotfarm-route-access'] });
