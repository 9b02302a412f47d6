import { readFile } from 'node:fs/promises';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tables } from '@shotfarm/shared/db';
import { createLogger } from '@shotfarm/shared/log';
import { multipartFile, plainProductPhoto, startFarm, waitFor, type Farm } from '../../../test/harness.ts';
import { fixturePhotoZip, launchForm, plainPhotos } from '../../../test/launch-form.ts';

type LogLine = Record<string, unknown> & { msg?: string };

/** A pino destination that keeps every line, parsed. */
function capture(): { lines: LogLine[]; raw: string[]; write(line: string): void } {
  const lines: LogLine[] = [];
  const raw: string[] = [];
  return { lines, raw, write(line) { raw.push(line); lines.push(JSON.parse(line) as LogLine); } };
}

/** Issue 19: structured logs carry the job, task, launch and request ids on every line that concerns them. */
describe('ids on log lines', () => {
  const api = capture();
  const renderLog = capture();
  const scoreLog = capture();
  let farm: Farm;
  beforeAll(async () => {
    farm = await startFarm({ LOG_LEVEL: 'info' }, { logStream: api });
    await farm.startWorker(1, { log: createLogger('render-worker', { destination: renderLog }) });
    await farm.startScorer({ log: createLogger('scorer', { destination: scoreLog }) });
  }, 60_000);
  afterAll(() => farm.close());

  it("a job's tasks are logged with their job and task ids by the API and the workers, requests with their request id", async () => {
    const upload = await farm.inject({ method: 'POST', url: '/api/assets', ...multipartFile(await readFile(plainProductPhoto()), 'vase.jpg') });
    expect(upload.statusCode).toBe(201);
    const productId = upload.json().id as string;
    const submitted = await farm.inject({ method: 'POST', url: '/api/jobs', payload: { type: 'product-shot', recipe: 'product-shot/studio-local', inputs: { product: productId }, params: {}, variants: 1 } });
    expect(submitted.statusCode).toBe(201);
    const jobId = submitted.json().id as string;
    await waitFor(async () => {
      const status = (await farm.inject({ method: 'GET', url: `/api/jobs/${jobId}` })).json().status as string;
      return ['succeeded', 'failed', 'partial'].includes(status) ? status : undefined;
    }, 60_000);
    const tasks = await farm.database.db.select({ id: tables.tasks.id }).from(tables.tasks).where(eq(tables.tasks.jobId, jobId));
    expect(tasks).toHaveLength(1);
    const taskId = tasks[0]!.id;

    // The API: the recorded outcome, bound to both ids.
    const recorded = await waitFor(async () => api.lines.find((l) => l.msg === 'task succeeded' || l.msg === 'task failed'));
    expect(recorded).toMatchObject({ jobId, taskId });
    // And one line when the job ends, with its status.
    const finished = await waitFor(async () => api.lines.find((l) => l.msg === 'job finished' && l.jobId === jobId));
    expect(finished).toMatchObject({ jobId, status: expect.stringMatching(/^(succeeded|failed)$/) });
    expect(api.lines.filter((l) => l.msg === 'job finished' && l.jobId === jobId)).toHaveLength(1);
    // The render worker: start and end of the task, each with both ids.
    const rendered = renderLog.lines.filter((l) => l.taskId === taskId);
    expect(rendered.map((l) => l.msg)).toEqual(['render task started', expect.stringMatching(/^render task (finished|failed)$/)]);
    for (const l of rendered) expect(l).toMatchObject({ jobId, taskId, name: 'render-worker' });
    // The scorer: the upload's score, and the output's, each with the asset it scored.
    const scored = await waitFor(async () => scoreLog.lines.find((l) => l.assetId === productId));
    expect(scored.msg).toMatch(/^score (finished|failed)$/);
    expect(scored.scoreJobId).toEqual(expect.any(String));
    // Every request line carries fastify's request id.
    const requestLines = api.lines.filter((l) => l.msg === 'incoming request' || l.msg === 'request completed');
    expect(requestLines.length).toBeGreaterThanOrEqual(4);
    for (const l of requestLines) expect(l.reqId).toEqual(expect.any(String));
  }, 120_000);

  it('a canceled job is logged with its id', async () => {
    // Four variants on a one-task-at-a-time worker: most are still queued when the cancel arrives.
    const upload = await farm.inject({ method: 'POST', url: '/api/assets', ...multipartFile(await readFile(plainProductPhoto()), 'vase.jpg') });
    const submitted = await farm.inject({ method: 'POST', url: '/api/jobs', payload: { type: 'product-shot', recipe: 'product-shot/studio-local', inputs: { product: upload.json().id }, params: {}, variants: 4 } });
    const jobId = submitted.json().id as string;
    const canceled = await farm.inject({ method: 'POST', url: `/api/jobs/${jobId}/cancel` });
    expect(canceled.statusCode).toBeLessThan(300);
    const line = await waitFor(async () => api.lines.find((l) => l.msg === 'job canceled' && l.jobId === jobId));
    expect(line.canceledTasks).toEqual(expect.any(Array));
  }, 60_000);

  it("a launch's lines carry its id, and its jobs' and tasks' lines carry the launch's id too", async () => {
    const manifest = `sku,title,category,photos\nLOG-1,Vase,home,photos/${plainPhotos[0]}\n`;
    const plan = { recipes: [{ recipe: 'product-shot/studio-local', variants: 1 }], pick: 1, profile: 'taobao-main' };
    const res = await farm.inject({ method: 'POST', url: '/api/launches', ...launchForm(manifest, plan, await fixturePhotoZip([plainPhotos[0]!])) });
    expect(res.statusCode, res.body.slice(0, 300)).toBe(201);
    const launchId = res.json().id as string;
    const submitted = await waitFor(async () => api.lines.find((l) => l.msg === 'launch job submitted' && l.launchId === launchId), 60_000);
    expect(submitted).toMatchObject({ launchId, sku: 'LOG-1', jobId: expect.any(String) });
    const task = await waitFor(async () => api.lines.find((l) => (l.msg === 'task succeeded' || l.msg === 'task failed') && l.jobId === submitted.jobId), 60_000);
    expect(task).toMatchObject({ launchId, taskId: expect.any(String) });
    expect(renderLog.lines.filter((l) => l.jobId === submitted.jobId).length).toBeGreaterThanOrEqual(2);
  }, 120_000);

  it('secrets stay redacted on every line, the workers\' included', async () => {
    // A task's failure reason or a backend's options could carry a token: the workers' loggers redact as the API's does.
    createLogger('render-worker', { destination: renderLog }).child({ jobId: 'j', taskId: 't' }).warn({ token: 'worker-token-0001', replicate: { authorization: 'Bearer r8_secret_0001' } }, 'probe');
    const all = [...api.raw, ...renderLog.raw, ...scoreLog.raw].join('');
    expect(all).toContain('"token":"[redacted]"');
    for (const secret of [farm.admin.key, 'worker-token-0001', 'r8_secret_0001']) expect(all.includes(secret), `${secret.slice(0, 6)}… is in the log`).toBe(false);
  });
});
