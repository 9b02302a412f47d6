import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { multipartFile, plainProductPhoto, startFarm, waitFor, type Farm } from '../../test/harness.ts';

const metricsToken = 'scrape-token-0123456789abcdef';

describe('GET /metrics and the queue board', () => {
  let farm: Farm;
  beforeAll(async () => { farm = await startFarm({ METRICS_TOKEN: metricsToken }); }, 60_000);
  afterAll(() => farm.close());

  it('exposes HTTP latency per route, queue depths and ages, task durations and failures, spend, GPU time, storefront counts and child restarts', async () => {
    const upload = await farm.inject({ method: 'POST', url: '/api/assets', ...multipartFile(await readFile(plainProductPhoto()), 'vase.jpg', 'image/jpeg') });
    const job = await farm.inject({ method: 'POST', url: '/api/jobs', payload: { type: 'product-shot', recipe: 'product-shot/studio-local', inputs: { product: upload.json().id }, params: {}, variants: 1 } });
    const jobId = job.json().id as string;
    await farm.inject({ method: 'GET', url: `/api/jobs/${jobId}` });
    const waiting = await farm.inject({ method: 'GET', url: '/metrics' });
    expect(waiting.statusCode).toBe(200);
    expect(waiting.headers['content-type']).toContain('text/plain');
    expect(waiting.body).toMatch(/shotfarm_queue_jobs\{queue="render",state="waiting-children"|shotfarm_queue_jobs\{queue="render",state="wait"\} 1/);
    expect(waiting.body).toMatch(/shotfarm_queue_oldest_waiting_seconds\{queue="render"\} \d/);

    await farm.startWorker(1);
    await waitFor(async () => ((await farm.inject({ method: 'GET', url: `/api/jobs/${jobId}` })).json().status === 'succeeded' ? true : undefined), 90_000, 200);
    const text = await waitFor(async () => {
      const body = (await farm.inject({ method: 'GET', url: '/metrics' })).body;
      return body.includes('shotfarm_task_duration_seconds_count{recipe="product-shot/studio-local",backend="local",status="succeeded"} 1') ? body : undefined;
    }, 10_000, 100);
    // The route pattern, never the URL with its id.
    expect(text).toContain('shotfarm_http_request_duration_seconds_count{method="GET",route="/api/jobs/:id",status_code="200"}');
    expect(text).not.toContain(jobId);
    expect(text).toContain('# TYPE shotfarm_task_failures_total counter');
    expect(text).toMatch(/shotfarm_spend_milli_fen\{backend="local",kind="cpu-seconds"\} \d+/);
    expect(text).toContain('# TYPE shotfarm_gpu_seconds gauge');
    expect(text).toContain('shotfarm_storefront_events{event="click"} 0');
    expect(text).toContain('# TYPE shotfarm_child_restarts_total counter');
  }, 120_000);

  it('admins and the scrape token may read it; nobody else, and the token opens nothing else', async () => {
    expect((await farm.app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(401);
    expect((await farm.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${metricsToken}` } })).statusCode).toBe(200);
    expect((await farm.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${metricsToken}x` } })).statusCode).toBe(401);
    expect((await farm.app.inject({ method: 'GET', url: '/api/users', headers: { authorization: `Bearer ${metricsToken}` } })).statusCode).toBe(401);
    expect((await farm.app.inject({ method: 'GET', url: '/admin/queues', headers: { authorization: `Bearer ${metricsToken}` } })).statusCode).toBe(401);
  });

  it('Bull Board is at /admin/queues for admins only', async () => {
    const page = await farm.inject({ method: 'GET', url: '/admin/queues' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    const api = await farm.inject({ method: 'GET', url: '/admin/queues/api/queues' });
    expect(api.statusCode, api.body).toBe(200);
    expect((api.json() as { queues: { name: string }[] }).queues.map((q) => q.name).sort()).toEqual(['jobs', 'render', 'score']);
    expect((await farm.app.inject({ method: 'GET', url: '/admin/queues' })).statusCode).toBe(401);
    const designer = await farm.app.accounts.users.create({ email: 'board-designer@example.com', password: 'designer-password', roles: ['designer'] });
    const { key } = await farm.app.accounts.apiKeys.create({ kind: 'user', via: 'session', roles: ['designer'], user: { id: designer.id, email: designer.email, roles: ['designer'] } },
      { name: 'd', kind: 'automation', roles: ['designer'] });
    expect((await farm.app.inject({ method: 'GET', url: '/admin/queues/api/queues', headers: { authorization: `Bearer ${key}` } })).statusCode).toBe(403);
  });
});
