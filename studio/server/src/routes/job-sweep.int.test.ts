import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { multipartFile, plainProductPhoto, startFarm, waitFor, type Farm } from '../../test/harness.ts';

interface JobBody {
  status: string;
  sweep?: { param: string; values: unknown[] }[];
  tasks: { id: string; params: Record<string, unknown>; status: string }[];
  outputs: { assetId: string; taskId: string; params: Record<string, unknown>; mime: string; width: number; height: number; thumbnailUrl: string | null }[];
}

describe('sweeps and short videos, run to completion on a local worker', () => {
  let farm: Farm;
  let photoId: string;
  beforeAll(async () => {
    farm = await startFarm();
    await farm.startWorker(2);
    const res = await farm.inject({ method: 'POST', url: '/api/assets', ...multipartFile(await readFile(plainProductPhoto()), 'p.jpg') });
    photoId = res.json().id;
  });
  afterAll(() => farm.close());

  const finished = async (id: string): Promise<JobBody> => waitFor(async () => {
    const job = (await farm.inject({ method: 'GET', url: `/api/jobs/${id}` })).json() as JobBody;
    return job.status === 'queued' || job.status === 'running' ? undefined : job;
  }, 90_000, 200);

  it('renders a 2 × 2 sweep: each output records the swept values that made it', async () => {
    const sweep = [{ param: 'marginPct', values: [4, 24] }, { param: 'scene', values: ['solid', 'gradient'] }];
    const res = await farm.inject({ method: 'POST', url: '/api/jobs', payload: {
      type: 'product-shot', recipe: 'product-shot/studio-local', inputs: { product: photoId }, params: { color: '#d9cbb4' }, sweep,
    } });
    expect(res.statusCode).toBe(201);
    const job = await finished(res.json().id);
    expect(job.status).toBe('succeeded');
    expect(job.sweep).toEqual(sweep);
    expect(job.outputs).toHaveLength(4);
    const paramsOfTask = new Map(job.tasks.map((t) => [t.id, t.params]));
    expect(job.outputs.map((o) => [o.params.marginPct, o.params.scene])).toEqual([[4, 'solid'], [4, 'gradient'], [24, 'solid'], [24, 'gradient']]);
    // Every image output goes to the scorer (the video test below checks the opposite).
    await waitFor(async () => (await farm.app.queues.score.getJob(job.outputs[0]!.assetId)) ?? undefined, 10_000);
    for (const o of job.outputs) {
      expect(o.params).toMatchObject({ ...paramsOfTask.get(o.taskId), color: '#d9cbb4', variant: 0 });
      expect(o.mime).toBe('image/jpeg');
    }
  });

  it('renders a short-video job into a 1080 × 1080 MP4 asset with a poster thumbnail, not sent to the image scorer', async () => {
    const res = await farm.inject({ method: 'POST', url: '/api/jobs', payload: {
      type: 'short-video', recipe: 'short-video/slideshow-local', inputs: { image1: photoId },
      params: { aspect: '1:1', durationS: 5, caption: '夏季新品' },
    } });
    expect(res.statusCode).toBe(201);
    const job = await finished(res.json().id);
    expect(job.status).toBe('succeeded');
    expect(job.outputs).toHaveLength(1);
    const [out] = job.outputs;
    expect(out).toMatchObject({ mime: 'video/mp4', width: 1080, height: 1080, params: { aspect: '1:1', caption: '夏季新品', images: 1 } });
    expect(out!.thumbnailUrl).toBeTruthy();
    const asset = (await farm.inject({ method: 'GET', url: `/api/assets/${out!.assetId}` })).json();
    expect(asset).toMatchObject({ kind: 'output', mime: 'video/mp4', width: 1080, height: 1080 });
    // Image outputs are sent to the scorer as they are recorded; a video must not be (asked directly, so no race).
    await farm.app.farm.scores.enqueueMissing([out!.assetId]);
    expect(await farm.app.queues.score.getJob(out!.assetId)).toBeUndefined();
  });
});
