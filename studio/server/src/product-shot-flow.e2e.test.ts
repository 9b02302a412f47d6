import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobEvent } from '@shotfarm/shared';
import { plainProductPhoto, multipartFile, readSse, startFarm, waitFor, type Farm } from '../test/harness.ts';

/** The job events of a stream, until `stop` holds (the stream's own messages, typed). */
async function readEvents(url: string, opts: { lastEventId?: number; headers: Record<string, string>; stop: (e: JobEvent) => boolean }): Promise<JobEvent[]> {
  const messages = await readSse(url, { lastEventId: opts.lastEventId, headers: opts.headers, stop: (m) => opts.stop(m.data as JobEvent) });
  return messages.map((m) => m.data as JobEvent);
}

describe('a product-shot job, end to end on real components', () => {
  let farm: Farm;
  let base: string;
  beforeAll(async () => {
    farm = await startFarm({}, { listen: true });
    base = farm.baseUrl;
    await farm.startWorker(2);
  });
  afterAll(() => farm.close());

  it('upload → 4 variants → succeeded → 4 distinct outputs of the preset size with thumbnails, events replayable', async () => {
    const photoPath = plainProductPhoto();
    const upload = await farm.inject({ method: 'POST', url: '/api/assets', ...multipartFile(await readFile(photoPath), 'product.jpg') });
    expect(upload.statusCode).toBe(201);

    const submit = await fetch(`${base}/api/jobs`, {
      method: 'POST', headers: { ...farm.authHeaders, 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'product-shot', recipe: 'product-shot/studio-local', inputs: { product: upload.json().id }, variants: 4 }),
    });
    expect(submit.status).toBe(201);
    const { id } = await submit.json() as { id: string };

    // Follow the stream; drop the connection after the first task is done, reconnect with Last-Event-ID.
    const first = await readEvents(`${base}/api/jobs/${id}/events`, { headers: farm.authHeaders, stop: (e) => e.type === 'task-done' || e.type === 'job-done' });
    const rest = await readEvents(`${base}/api/jobs/${id}/events`, { headers: farm.authHeaders, lastEventId: first.at(-1)!.seq, stop: (e) => e.type === 'job-done' });
    const all = [...first, ...rest];
    const seqs = all.map((e) => e.seq);
    expect(new Set(seqs).size).toBe(seqs.length); // nothing twice
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    const replay = await readEvents(`${base}/api/jobs/${id}/events`, { headers: farm.authHeaders, stop: (e) => e.type === 'job-done' });
    expect(replay.map((e) => e.seq)).toEqual(seqs); // nothing missed across the reconnect
    expect(all.filter((e) => e.type === 'task-done')).toHaveLength(4);
    expect(all.some((e) => e.type === 'task-progress')).toBe(true);
    expect(all.at(-1)).toMatchObject({ type: 'job-done', status: 'succeeded' });

    const job = await (await fetch(`${base}/api/jobs/${id}`, { headers: farm.authHeaders })).json() as {
      status: string; progress: number; outputs: { url: string; thumbnailUrl: string; width: number; height: number; params: Record<string, unknown> }[]; tasks: { status: string }[];
    };
    expect(job.status).toBe('succeeded');
    expect(job.progress).toBe(1);
    expect(job.outputs).toHaveLength(4);
    const hashes = new Set<string>();
    for (const out of job.outputs) {
      expect([out.width, out.height]).toEqual([800, 800]);
      const image = await fetch(out.url);
      expect(image.status).toBe(200);
      expect(image.headers.get('content-type')).toBe('image/jpeg');
      const bytes = Buffer.from(await image.arrayBuffer());
      const meta = await sharp(bytes).metadata();
      expect([meta.width, meta.height, meta.format]).toEqual([800, 800, 'jpeg']);
      hashes.add(bytes.toString('base64'));
      const thumb = await fetch(out.thumbnailUrl);
      expect(thumb.headers.get('content-type')).toBe('image/webp');
      const t = await sharp(Buffer.from(await thumb.arrayBuffer())).metadata();
      expect(Math.max(t.width!, t.height!)).toBe(256);
      expect(out.params).toHaveProperty('variant');
    }
    expect(hashes.size).toBe(4);

    // Recording again (a replayed event, the reconciler, the flow parent) changes nothing.
    const before = await farm.snapshot();
    expect(await farm.app.farm.reconciler.reconcile()).toMatchObject({ jobsEnqueued: 0, tasksEnqueued: 0, tasksRecorded: 0 });
    expect(await farm.snapshot()).toEqual(before);
  });

  it('a task whose product cannot be cut out fails with its code; the job fails and says why', async () => {
    // Multi-colour noise: no plain background to separate.
    const noise = await sharp(Buffer.from(Array.from({ length: 300 * 300 * 3 }, (_, i) => (i * 2654435761) % 251)), { raw: { width: 300, height: 300, channels: 3 } }).png().toBuffer();
    const upload = await farm.inject({ method: 'POST', url: '/api/assets', ...multipartFile(noise, 'noise.png') });
    const { id } = (await farm.inject({ method: 'POST', url: '/api/jobs', payload: { type: 'product-shot', recipe: 'product-shot/studio-local', inputs: { product: upload.json().id }, variants: 2 } })).json();
    const job = await waitFor(async () => {
      const j = (await farm.inject({ method: 'GET', url: `/api/jobs/${id}` })).json();
      return j.status === 'failed' ? j : undefined;
    });
    // The classic segmenter refuses a scene it cannot separate as uncertain; the colour key as too busy. Either is a refusal.
    expect(['SF_CUTOUT_UNCERTAIN', 'SF_RENDER_BACKGROUND_TOO_BUSY']).toContain(job.error.code);
    expect(job.tasks.every((t: { status: string; error: { code: string } }) => t.status === 'failed' && t.error.code === job.error.code)).toBe(true);
    // Not retryable: one attempt, not three.
    expect(job.tasks.every((t: { attempts: number }) => t.attempts === 1)).toBe(true);
  });
});
