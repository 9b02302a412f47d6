import { Readable } from 'node:stream';
import fp from 'fastify-plugin';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { and, eq, gt, inArray } from 'drizzle-orm';
import { z } from 'zod';
import {
  ApiError, Id, LaunchAccepted, LaunchCandidate, LaunchList, LaunchPicksUpdate, LaunchPreview, LaunchSkuPage, LaunchSkuQuery, LaunchSkuView, LaunchView,
  launchSlotOf,
} from '@shotfarm/shared';
import { tables } from '@shotfarm/shared/db';
import { LaunchFinishedError, LaunchNotFoundError, LaunchPickInvalidError, LaunchSkuNotFoundError } from '../errors.ts';
import { IdempotencyHeaders } from '../services/requests/idempotency.ts';
import { reportCsvLines, reportZipStream } from '../services/launches/launch-report.ts';
import { launchView, listLaunches, skuCandidates, skuPage, skuViews } from '../services/launches/launch-view.ts';

const LaunchParams = z.object({ id: Id });
const SkuParams = z.object({ id: Id, skuId: Id });
const multipartDoc = 'multipart/form-data: `manifest` (CSV in UTF-8 with or without BOM, or GB18030; XLSX; JSON), optional `photos` (a ZIP), `plan` (JSON)';

/** How often an open progress stream looks for changes (it sends only what changed). */
const progressMs = 1000;
const heartbeatMs = 15_000;

const routes: FastifyPluginAsyncZod = async (app) => {
  const findLaunch = async (id: string) => {
    const [launch] = await app.db.select().from(tables.launches).where(eq(tables.launches.id, id));
    if (!launch) throw new LaunchNotFoundError(id);
    return launch;
  };
  const findSku = async (launchId: string, skuId: string) => {
    const [sku] = await app.db.select().from(tables.launchSkus).where(and(eq(tables.launchSkus.id, skuId), eq(tables.launchSkus.launchId, launchId)));
    if (!sku) throw new LaunchSkuNotFoundError(skuId);
    return sku;
  };

  app.post('/api/launches', {
    config: { access: 'operator', rateLimitClass: 'uploads' },
    schema: {
      tags: ['launches'], consumes: ['multipart/form-data'], headers: IdempotencyHeaders,
      summary: `Start a batch launch (${multipartDoc}). 201 with the accepted count and every rejected row; the same manifest and plan again (or the same Idempotency-Key) → 200 with the same launch`,
      response: { 200: LaunchAccepted, 201: LaunchAccepted, '4xx': ApiError },
    },
  }, async (req, reply) => {
    const upload = await app.launches.intake.receive(req);
    try {
      const answer = await app.launches.intake.create(req, upload, { createdBy: req.user?.id ?? null });
      if (answer.statusCode === 201) app.launches.runner.poke();
      return reply.code(answer.statusCode).send(answer.body);
    } finally {
      await upload.discard();
    }
  });

  app.post('/api/launches/preview', {
    config: { access: 'operator', rateLimitClass: 'uploads' },
    schema: { tags: ['launches'], consumes: ['multipart/form-data'], summary: `Check a manifest and plan as POST /api/launches would, and estimate the cost; nothing is stored (${multipartDoc})`,
      response: { 200: LaunchPreview, '4xx': ApiError } },
  }, async (req) => {
    const upload = await app.launches.intake.receive(req);
    try {
      return await app.launches.intake.preview(upload);
    } finally {
      await upload.discard();
    }
  });

  app.get('/api/launches', {
    config: { access: 'operator' },
    schema: { tags: ['launches'], summary: 'Launches, newest first', response: { 200: LaunchList, '4xx': ApiError } },
  }, async () => ({ items: await listLaunches(app.db) }));

  app.get('/api/launches/:id', {
    config: { access: 'operator' },
    schema: { tags: ['launches'], summary: 'A launch: status, SKU counts, spend and ETA', params: LaunchParams, response: { 200: LaunchView, '4xx': ApiError } },
  }, async (req) => launchView(app.db, await findLaunch(req.params.id)));

  app.get('/api/launches/:id/skus', {
    config: { access: 'operator' },
    schema: { tags: ['launches'], summary: "A launch's SKUs in manifest order, paged (`after` = the last line seen), filtered by status or text",
      params: LaunchParams, querystring: LaunchSkuQuery, response: { 200: LaunchSkuPage, '4xx': ApiError } },
  }, async (req) => {
    await findLaunch(req.params.id);
    return skuPage(app.db, app.storage, req.params.id, req.query);
  });

  app.get('/api/launches/:id/skus/:skuId/candidates', {
    config: { access: 'operator' },
    schema: { tags: ['launches'], summary: "Every output of a SKU's jobs with its score: what a person may pick instead", params: SkuParams,
      response: { 200: z.object({ items: z.array(LaunchCandidate) }), '4xx': ApiError } },
  }, async (req) => {
    const launch = await findLaunch(req.params.id);
    return { items: await skuCandidates(app.db, app.storage, await findSku(launch.id, req.params.skuId), launch.plan.profile) };
  });

  app.put('/api/launches/:id/skus/:skuId/picks', {
    config: { access: 'operator' },
    schema: { tags: ['launches'], summary: "Replace a slot's picks with a person's choice (in rank order); a needs-review SKU with picks in every slot becomes done",
      params: SkuParams, body: LaunchPicksUpdate, response: { 200: LaunchSkuView, '4xx': ApiError } },
  }, async (req) => {
    const launch = await findLaunch(req.params.id);
    const sku = await findSku(launch.id, req.params.skuId);
    const { slot, assetIds } = req.body;
    if (new Set(assetIds).size !== assetIds.length) throw new LaunchPickInvalidError('an image is picked twice');
    const outputs = sku.jobIds.length === 0 ? [] : await app.db.select({ id: tables.assets.id, type: tables.jobs.type }).from(tables.assets)
      .innerJoin(tables.jobs, eq(tables.jobs.id, tables.assets.jobId))
      .where(and(inArray(tables.assets.jobId, sku.jobIds), inArray(tables.assets.id, assetIds), eq(tables.assets.kind, 'output')));
    for (const id of assetIds) {
      const out = outputs.find((o) => o.id === id);
      if (!out) throw new LaunchPickInvalidError(`asset ${id} is not an output of SKU ${sku.sku}`);
      if (launchSlotOf[out.type] !== slot) throw new LaunchPickInvalidError(`asset ${id} is a ${launchSlotOf[out.type]} image, not ${slot}`);
    }
    // The main picks may be the arms of the launch's running experiment: replaced while it has no impressions, else 409.
    const experiment = await app.launches.experiments.checkSwap(sku, slot, assetIds);
    await app.db.transaction(async (tx) => {
      // `due` with the old experiment's id: startDue stops it and starts one on the new picks (a restart finishes it).
      if (experiment === 'replace') await tx.update(tables.launchSkus).set({ experimentState: 'due' }).where(eq(tables.launchSkus.id, sku.id));
      await tx.delete(tables.launchPicks).where(and(eq(tables.launchPicks.skuId, sku.id), eq(tables.launchPicks.slot, slot)));
      await tx.insert(tables.launchPicks).values(assetIds.map((assetId, i) => ({ skuId: sku.id, slot, rank: i + 1, assetId, by: 'person' as const, pickedBy: req.user?.id ?? null })));
      if (sku.status === 'needs_review') {
        const slots = new Set(outputs.length === 0 ? [] : (await tx.select({ type: tables.jobs.type }).from(tables.jobs).where(inArray(tables.jobs.id, sku.jobIds))).map((j) => launchSlotOf[j.type]));
        const picked = new Set((await tx.select({ slot: tables.launchPicks.slot }).from(tables.launchPicks).where(eq(tables.launchPicks.skuId, sku.id))).map((p) => p.slot));
        if ([...slots].every((s) => picked.has(s))) await tx.update(tables.launchSkus).set({ status: 'done', updatedAt: new Date() }).where(eq(tables.launchSkus.id, sku.id));
      } else {
        await tx.update(tables.launchSkus).set({ updatedAt: new Date() }).where(eq(tables.launchSkus.id, sku.id));
      }
    });
    if (experiment === 'replace') await app.launches.experiments.startDue(launch, sku.id);
    const [fresh] = await app.db.select().from(tables.launchSkus).where(eq(tables.launchSkus.id, sku.id));
    return (await skuViews(app.db, app.storage, launch.id, [fresh!]))[0]!;
  });

  app.post('/api/launches/:id/cancel', {
    config: { access: 'operator', rateLimitClass: 'jobs' },
    schema: { tags: ['launches'], summary: "Cancel a launch: waiting SKUs are dropped, SKUs in the farm have their jobs canceled; finished SKUs keep their picks",
      params: LaunchParams, response: { 200: LaunchView, '4xx': ApiError } },
  }, async (req) => {
    const launch = await findLaunch(req.params.id);
    if (launch.status === 'finished' || launch.status === 'canceled') throw new LaunchFinishedError(launch.id, launch.status);
    await app.launches.runner.cancel(launch.id);
    return launchView(app.db, await findLaunch(launch.id));
  });

  app.get('/api/launches/:id/events', {
    config: { access: 'operator' },
    schema: { tags: ['launches'], summary: 'Server-Sent Events: `progress` (the launch as GET /api/launches/:id answers it) whenever it changes, `sku` for each SKU that changed, `end` once it has finished or been canceled',
      params: LaunchParams },
  }, async (req, reply) => {
    const first = await findLaunch(req.params.id);
    reply.hijack();
    reply.raw.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    reply.raw.write('retry: 2000\n\n');
    let closed = false;
    let lastProgress = '';
    let since = new Date(0);
    const send = (event: string, data: unknown) => reply.raw.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    const heartbeat = setInterval(() => reply.raw.write(': heartbeat\n\n'), heartbeatMs);
    req.raw.once('close', () => { closed = true; clearInterval(heartbeat); });
    try {
      for (;;) {
        const launch = await findLaunch(first.id);
        const view = await launchView(app.db, launch);
        const { eta: _eta, ...stable } = view;
        if (JSON.stringify(stable) !== lastProgress) { lastProgress = JSON.stringify(stable); send('progress', view); }
        const changed = await app.db.select().from(tables.launchSkus)
          .where(and(eq(tables.launchSkus.launchId, launch.id), gtDate(since))).orderBy(tables.launchSkus.updatedAt).limit(500);
        if (changed.length > 0) {
          for (const s of await skuViews(app.db, app.storage, launch.id, changed)) send('sku', s);
          since = changed.at(-1)!.updatedAt;
        }
        if (launch.status === 'finished' || launch.status === 'canceled') { send('end', { status: launch.status }); break; }
        if (closed) break;
        await new Promise((r) => setTimeout(r, progressMs));
        if (closed) break;
      }
    } catch (err) {
      req.log.error({ err }, 'launch progress stream failed');
      send('error', { code: 'SF_INTERNAL', message: 'the progress stream failed; reconnect to resume' });
    } finally {
      clearInterval(heartbeat);
      reply.raw.end();
    }
  });

  app.get('/api/launches/:id/report.csv', {
    config: { access: 'operator' },
    schema: { tags: ['launches'], summary: 'The launch report as CSV, one line per pick: picked image URL, scores, gate verdict, cost per SKU (¥)', params: LaunchParams },
  }, async (req, reply) => {
    const launch = await findLaunch(req.params.id);
    return reply.header('content-type', 'text/csv; charset=utf-8').header('content-disposition', `attachment; filename="launch-${launch.id}.csv"`)
      .send(Readable.from(reportCsvLines(app.db, app.storage, launch)));
  });

  app.get('/api/launches/:id/report.zip', {
    config: { access: 'operator' },
    schema: { tags: ['launches'], summary: 'The picked images as `<sku>/<slot>-<rank>.jpg` (`.mp4` for videos) plus report.csv, streamed: ready for a marketplace bulk upload', params: LaunchParams },
  }, async (req, reply) => {
    const launch = await findLaunch(req.params.id);
    return reply.header('content-type', 'application/zip').header('content-disposition', `attachment; filename="launch-${launch.id}.zip"`)
      .send(reportZipStream(app.db, app.storage, launch, req.log));
  });
};

/** SKUs updated after `since` (the progress stream's cursor). */
const gtDate = (since: Date) => gt(tables.launchSkus.updatedAt, since);

export const launchRoutes = fp(routes, { name: 'shotfarm-launch-routes', fastify: '5.x', encapsulate: true,
  dependencies: ['shotfarm-db', 'shotfarm-storage', 'shotfarm-launches'] });
