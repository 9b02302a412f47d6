import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { plainProductPhoto, multipartFile, startFarm, waitFor, type Farm } from '../test/harness.ts';

describe('canceling a running job', () => {
  let farm: Farm;
  beforeAll(async () => {
    farm = await startFarm();
    await farm.startWorker(1);
  });
  afterAll(() => farm.close());

  it('aborts the running task, removes the queued ones, records no output, and stays canceled', async () => {
    const photo = plainProductPhoto();
    const big = await sharp(await readFile(photo)).resize(5600, 5600, { fit: 'fill' }).jpeg().toBuffer();
    const upload = await farm.inject({ method: 'POST', url: '/api/assets', ...multipartFile(big, 'big.jpg') });
    const { id } = (await farm.inject({ method: 'POST', url: '/api/jobs',
      payload: { type: 'product-shot', recipe: 'product-shot/studio-local', inputs: { product: upload.json().id }, params: { preset: 'amazon-2000' }, variants: 3 } })).json();
    const tasks = (await farm.inject({ method: 'GET', url: `/api/jobs/${id}` })).json().tasks as { id: string }[];

    const active = await waitFor(async () => {
      for (const t of tasks) {
        const job = await farm.app.queues.render.getJob(t.id);
        if (job && (await job.getState()) === 'active') return job;
      }
      return undefined;
    }, 60_000, 10);
    const res = await farm.inject({ method: 'POST', url: `/api/jobs/${id}/cancel` });
    expect(res.statusCode).toBe(200);
    expect(res.json().status).toBe('canceled');

    // The worker aborts the running render; BullMQ ends it failed with our code, without retrying.
    const ended = await waitFor(async () => {
      // State first, then the job: a job read before its move to failed would lack the reason.
      if ((await farm.app.queues.render.getJobState(active.id!)) !== 'failed') return undefined;
      return farm.app.queues.render.getJob(active.id!);
    }, 60_000, 50);
    expect(ended.failedReason).toMatch(/^SF_RENDER_CANCELED/);
    expect(ended.attemptsMade).toBe(1);
    // The others were removed while waiting, or (had one just started) aborted the same way: none rendered, none retried.
    for (const t of tasks.filter((t) => t.id !== active.id)) {
      const other = await farm.app.queues.render.getJob(t.id);
      if (other) expect([await other.getState(), other.failedReason?.slice(0, 18), other.attemptsMade]).toEqual(['failed', 'SF_RENDER_CANCELED', 1]);
    }

    const job = (await farm.inject({ method: 'GET', url: `/api/jobs/${id}` })).json();
    expect(job.status).toBe('canceled');
    expect(job.tasks.every((t: { status: string }) => t.status === 'canceled')).toBe(true);
    expect(job.outputs).toHaveLength(0);
    expect(await farm.inject({ method: 'POST', url: `/api/jobs/${id}/cancel` }).then((r) => r.statusCode)).toBe(200);
  }, 120_000);
});
