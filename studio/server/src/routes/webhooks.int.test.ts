import { createServer, type IncomingMessage, type Server } from 'node:http';
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { count } from 'drizzle-orm';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '@shotfarm/shared';
import { openDatabase, tables } from '@shotfarm/shared/db';
import { multipartFile, plainProductPhoto, startFarm, waitFor, type Farm } from '../../test/harness.ts';
import { sendWebhook } from '../services/webhooks/webhook-sender.ts';
import { WebhookService } from '../services/webhooks/webhook-service.ts';
import { isPublicAddress } from '../services/webhooks/target-guard.ts';

interface Received { headers: IncomingMessage['headers']; body: string }

/** A receiver on loopback that answers each request with the next status of `script` (the last one repeats). */
async function receiver(script: number[] = [200]): Promise<{ url: string; received: Received[]; setScript(s: number[]): void; server: Server }> {
  const received: Received[] = [];
  let plan = [...script];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => { body += c.toString(); });
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      const status = plan.length > 1 ? plan.shift()! : plan[0]!;
      if (status === 302) res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' }).end();
      else res.writeHead(status, { 'content-type': 'text/plain' }).end(`answer ${status}`);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}/hooks`, received, server, setScript: (s) => { plan = [...s]; } };
}

describe('outbound webhooks', () => {
  let farm: Farm;
  let hooks: Awaited<ReturnType<typeof receiver>>;
  beforeAll(async () => {
    farm = await startFarm({ WEBHOOK_ALLOW_HOSTS: '127.0.0.1' });
    hooks = await receiver();
  }, 60_000);
  afterAll(async () => { hooks.server.close(); await farm.close(); });

  it('refuses private, loopback, link-local and metadata targets after DNS, and stores nothing', async () => {
    const strict = await startFarm();
    try {
      const subscriptions = async () => (await strict.database.db.select({ n: count() }).from(tables.webhookSubscriptions))[0]!.n;
      for (const url of ['http://127.0.0.1:9/x', 'http://localhost:9/x', 'http://169.254.169.254/latest/meta-data/', 'http://10.1.2.3/', 'http://[::1]/', 'http://[::ffff:192.168.0.1]/', 'http://100.64.0.1/']) {
        const res = await strict.inject({ method: 'POST', url: '/api/webhooks', payload: { url, events: ['job.finished'] } });
        expect(res.statusCode, url).toBe(422);
        expect(res.json().code, url).toBe('SF_WEBHOOK_URL_FORBIDDEN');
      }
      for (const payload of [{ url: 'ftp://example.com/x', events: ['job.finished'] }, { url: 'https://example.com/', events: [] }, { url: 'https://example.com/', events: ['job.finished', 'job.finished'] },
        { url: 'https://example.com/', events: ['nope'] }, { url: 'https://user:pw@example.com/', events: ['job.finished'] }]) {
        const res = await strict.inject({ method: 'POST', url: '/api/webhooks', payload });
        expect(res.statusCode, JSON.stringify(payload)).toBe(422);
      }
      expect(await subscriptions()).toBe(0);
    } finally {
      await strict.close();
    }
    expect(isPublicAddress('93.184.216.34')).toBe(true);
    expect(isPublicAddress('::ffff:127.0.0.1')).toBe(false);
    expect(isPublicAddress('fd00::1')).toBe(false);
  }, 60_000);

  it('only admins manage webhooks', async () => {
    const designer = await farm.app.accounts.users.create({ email: 'hooks-designer@example.com', password: 'designer-password', roles: ['designer'] });
    const { key } = await farm.app.accounts.apiKeys.create({ kind: 'user', via: 'session', roles: ['designer'], user: { id: designer.id, email: designer.email, roles: ['designer'] } },
      { name: 'd', kind: 'automation', roles: ['designer'] });
    const res = await farm.app.inject({ method: 'POST', url: '/api/webhooks', headers: { authorization: `Bearer ${key}` }, payload: { url: hooks.url, events: ['job.finished'] } });
    expect(res.statusCode).toBe(403);
  });

  it('a finished job is delivered signed (Standard Webhooks), with its delivery log; the secret is shown once', async () => {
    const created = await farm.inject({ method: 'POST', url: '/api/webhooks', payload: { url: hooks.url, events: ['job.finished', 'task.finished'], description: 'ci' } });
    expect(created.statusCode, created.body).toBe(201);
    const { id, secret } = created.json() as { id: string; secret: string };
    expect(secret).toMatch(/^whsec_/);
    expect(JSON.stringify((await farm.inject({ method: 'GET', url: '/api/webhooks' })).json())).not.toContain(secret);

    const upload = await farm.inject({ method: 'POST', url: '/api/assets', ...multipartFile(await readFile(plainProductPhoto()), 'vase.jpg', 'image/jpeg') });
    const job = await farm.inject({ method: 'POST', url: '/api/jobs', payload: { type: 'product-shot', recipe: 'product-shot/studio-local', inputs: { product: upload.json().id }, params: {}, variants: 1 } });
    await farm.startWorker(1);
    const jobId = job.json().id as string;
    await waitFor(async () => (hooks.received.some((r) => r.body.includes('"job.finished"')) ? true : undefined), 90_000, 100);
    const types = hooks.received.map((r) => (JSON.parse(r.body) as { type: string }).type);
    expect(types).toEqual(expect.arrayContaining(['task.finished', 'job.finished']));
    const jobHook = hooks.received.find((r) => r.body.includes('"job.finished"'))!;
    const verified = new Webhook(secret).verify(jobHook.body, jobHook.headers as Record<string, string>) as { type: string; data: { jobId: string; status: string } };
    expect(verified).toMatchObject({ type: 'job.finished', data: { jobId, status: 'succeeded' } });
    expect(() => new Webhook(secret).verify(jobHook.body.replace('succeeded', 'failed'), jobHook.headers as Record<string, string>)).toThrow();

    const log = await waitFor(async () => {
      const items = (await farm.inject({ method: 'GET', url: `/api/webhooks/${id}/deliveries` })).json().items as { status: string; eventType: string; log: { statusCode: number; responseBody: string }[] }[];
      return items.length >= 2 && items.every((d) => d.status === 'delivered') ? items : undefined;
    }, 10_000, 100);
    expect(log.find((d) => d.eventType === 'job.finished')!.log).toEqual([expect.objectContaining({ statusCode: 200, responseBody: 'answer 200' })]);
    expect((await farm.inject({ method: 'DELETE', url: `/api/webhooks/${id}` })).statusCode).toBe(204);
    expect((await farm.inject({ method: 'GET', url: `/api/webhooks/${id}/deliveries` })).statusCode).toBe(404);
  }, 120_000);

  it('retries with exponential back-off under one webhook-id, gives up after its window, and a manual redeliver sends it again', async () => {
    const flaky = await receiver([500, 503, 200]);
    // A database of its own: the farm's dispatcher (5 s first delay) must not take attempts of this schedule.
    const database = await openDatabase({ engine: 'pglite', dataDir: undefined });
    try {
      const service = new WebhookService({ db: database.db, allowHosts: ['127.0.0.1'], log: farm.app.log, firstDelayMs: 100, retryForMs: 60_000 });
      const created = await service.create({ url: flaky.url, events: ['launch.finished'] }, null);
      expect(await service.publish('launch.finished', 'msg_test_1', { launchId: 'x' })).toBe(1);
      expect(await service.publish('launch.finished', 'msg_test_1', { launchId: 'x' })).toBe(0); // the same event offered twice
      await waitFor(async () => { await service.dispatch(); return flaky.received.length >= 3 ? true : undefined; }, 10_000, 50);
      const [delivery] = await service.deliveries(created.id);
      expect(delivery).toMatchObject({ status: 'delivered', attempts: 3, lastStatusCode: 200 });
      expect(delivery!.log.map((a) => a.statusCode)).toEqual([500, 503, 200]);
      const gaps = delivery!.log.slice(1).map((a, i) => Date.parse(a.at) - Date.parse(delivery!.log[i]!.at));
      expect(gaps[0]).toBeGreaterThanOrEqual(100);
      expect(gaps[1]).toBeGreaterThanOrEqual(400); // 4× the first delay
      expect(new Set(flaky.received.map((r) => r.headers['webhook-id']))).toEqual(new Set(['msg_test_1']));

      // A receiver that only redirects (inside the network): never followed, and failed for good once the window closes.
      flaky.setScript([302]);
      const brief = new WebhookService({ db: database.db, allowHosts: ['127.0.0.1'], log: farm.app.log, firstDelayMs: 100, retryForMs: 250 });
      await brief.publish('launch.finished', 'msg_test_2', { launchId: 'y' });
      const failed = await waitFor(async () => {
        await brief.dispatch();
        const d = (await brief.deliveries(created.id)).find((x) => x.messageId === 'msg_test_2');
        return d?.status === 'failed' ? d : undefined;
      }, 10_000, 50);
      expect(failed.log.length).toBeGreaterThanOrEqual(1);
      expect(failed.log.every((a) => a.statusCode === 302)).toBe(true);
      expect(flaky.received.every((r) => r.headers.host?.startsWith('127.0.0.1'))).toBe(true);

      flaky.setScript([200]);
      const again = await brief.redeliver(created.id, failed.id);
      expect(again).toMatchObject({ status: 'delivered', messageId: 'msg_test_2' });
      expect(again!.log.at(-1)!.statusCode).toBe(200);
    } finally {
      flaky.server.close();
      await database.close();
    }
  }, 60_000);

  it('POST …/redeliver sends a failed delivery again through the API', async () => {
    const id = (await farm.inject({ method: 'POST', url: '/api/webhooks', payload: { url: hooks.url, events: ['experiment.ended'] } })).json().id as string;
    const deliveryId = newId();
    await farm.database.db.insert(tables.webhookDeliveries).values({ id: deliveryId, subscriptionId: id, messageId: 'msg_manual', eventType: 'experiment.ended',
      payload: { type: 'experiment.ended', data: {} }, status: 'failed', attempts: 9, nextAttemptAt: null, giveUpAt: new Date(), lastStatusCode: 500 });
    hooks.setScript([200]);
    const res = await farm.inject({ method: 'POST', url: `/api/webhooks/${id}/deliveries/${deliveryId}/redeliver` });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ status: 'delivered', attempts: 10, lastStatusCode: 200 });
    const missing = await farm.inject({ method: 'POST', url: `/api/webhooks/${id}/deliveries/${newId()}/redeliver` });
    expect(missing.json().code).toBe('SF_WEBHOOK_NOT_FOUND');
  });

  it('a host that resolves to an internal address at send time is not connected to (DNS rebinding)', async () => {
    const outcome = await sendWebhook({ url: `http://localhost:${new URL(hooks.url).port}/hooks`, secret: `whsec_${Buffer.alloc(32, 1).toString('base64')}`, messageId: 'msg_rebind', payload: '{}', timeoutMs: 2000, allowHosts: [] });
    expect(outcome.delivered).toBe(false);
    expect(outcome.error).toContain('internal address');
    const literal = await sendWebhook({ url: 'http://169.254.169.254/latest/meta-data/', secret: `whsec_${Buffer.alloc(32, 1).toString('base64')}`, messageId: 'm', payload: '{}', timeoutMs: 2000, allowHosts: [] });
    expect(literal).toMatchObject({ delivered: false, statusCode: null, error: expect.stringContaining('internal address') });
  });
});
