import { createHmac, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { createRedis } from '@shotfarm/shared/queue';
import { replicatePredictionChannel } from '@shotfarm/shared/replicate';
import { startFarm, type Farm } from '../../test/harness.ts';

const secret = `whsec_${randomBytes(24).toString('base64')}`;

/** Signs like Replicate (protocol §5.3), written here apart from the product's verifier so one bug cannot hide in both. */
function signed(body: string, opts: { id?: string; timestampS?: number; key?: string; extraSignatures?: string[] } = {}) {
  const id = opts.id ?? `msg_${randomBytes(8).toString('hex')}`;
  const ts = String(opts.timestampS ?? Math.floor(Date.now() / 1000));
  const key = Buffer.from((opts.key ?? secret).slice('whsec_'.length), 'base64');
  const sig = createHmac('sha256', key).update(`${id}.${ts}.${body}`).digest('base64');
  return { 'content-type': 'application/json', 'webhook-id': id, 'webhook-timestamp': ts, 'webhook-signature': [...(opts.extraSignatures ?? []), `v1,${sig}`].join(' ') };
}

const prediction = (id: string) =>
  // Spacing and key order as a server might send them: only the raw bytes may be verified.
  `{"id": "${id}",  "status":"succeeded", "output": ["https://replicate.delivery/x/out-0.webp"], "metrics": {"predict_time": 1.5}}`;

describe('POST /api/webhooks/replicate', () => {
  let farm: Farm;
  let subscriber: Redis;
  const received: { channel: string; message: string }[] = [];

  beforeAll(async () => {
    farm = await startFarm({ REPLICATE_WEBHOOK_SECRET: secret });
    subscriber = createRedis(farm.redis.url);
    await subscriber.psubscribe(`${farm.config.queuePrefix}:replicate:prediction:*`);
    subscriber.on('pmessage', (_p: string, channel: string, message: string) => received.push({ channel, message }));
  });
  afterAll(async () => {
    await subscriber.quit();
    await farm.close();
  });

  const post = (payload: string, headers: Record<string, string>) => farm.inject({ method: 'POST', url: '/api/webhooks/replicate', payload, headers });
  const waitForMessages = async (n: number) => {
    for (let i = 0; i < 100 && received.length < n; i++) await new Promise((r) => setTimeout(r, 20));
  };

  it('accepts a valid delivery and publishes the exact body on the prediction channel', async () => {
    const body = prediction('p_valid');
    const res = await post(body, signed(body));
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ ok: true, duplicate: false });
    await waitForMessages(1);
    expect(received.at(-1)).toEqual({ channel: replicatePredictionChannel(farm.config.queuePrefix, 'p_valid'), message: body });
  });

  it('accepts when any of several signatures matches (key rotation)', async () => {
    const body = prediction('p_rotated');
    const res = await post(body, signed(body, { extraSignatures: ['v1,bm90LXRoZS1yaWdodC1vbmU='] }));
    expect(res.statusCode).toBe(200);
  });

  it('answers a replayed webhook-id with 200 duplicate and publishes nothing', async () => {
    const body = prediction('p_replay');
    const headers = signed(body, { id: 'msg_replay_1' });
    expect((await post(body, headers)).json()).toEqual({ ok: true, duplicate: false });
    await waitForMessages(received.length + 1);
    const before = received.length;
    // A resend: same id, fresh timestamp and signature.
    const again = await post(body, signed(body, { id: 'msg_replay_1' }));
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual({ ok: true, duplicate: true });
    await new Promise((r) => setTimeout(r, 100));
    expect(received.length).toBe(before);
  });

  const refusals: [string, () => { body: string; headers: Record<string, string> }, string][] = [
    ['a signature made with another secret', () => { const body = prediction('p_x'); return { body, headers: signed(body, { key: `whsec_${randomBytes(24).toString('base64')}` }) }; }, 'SF_WEBHOOK_SIGNATURE_INVALID'],
    ['a body changed after signing (forged)', () => { const headers = signed(prediction('p_x')); return { body: prediction('p_x').replace('succeeded', 'failed'), headers }; }, 'SF_WEBHOOK_SIGNATURE_INVALID'],
    ['a body re-serialised as JSON', () => { const body = prediction('p_x'); return { body: JSON.stringify(JSON.parse(body)), headers: signed(body) }; }, 'SF_WEBHOOK_SIGNATURE_INVALID'],
    ['missing signature headers', () => ({ body: prediction('p_x'), headers: { 'content-type': 'application/json' } }), 'SF_WEBHOOK_SIGNATURE_INVALID'],
    ['a timestamp six minutes old', () => { const body = prediction('p_x'); return { body, headers: signed(body, { timestampS: Math.floor(Date.now() / 1000) - 360 }) }; }, 'SF_WEBHOOK_TIMESTAMP_INVALID'],
    ['a timestamp six minutes ahead', () => { const body = prediction('p_x'); return { body, headers: signed(body, { timestampS: Math.floor(Date.now() / 1000) + 360 }) }; }, 'SF_WEBHOOK_TIMESTAMP_INVALID'],
  ];
  it.each(refusals)('refuses %s with 401 and publishes nothing', async (_name, make, code) => {
    const before = received.length;
    const { body, headers } = make();
    const res = await post(body, headers);
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ code });
    await new Promise((r) => setTimeout(r, 50));
    expect(received.length).toBe(before);
  });

  it('refuses a correctly signed body that is not a prediction with 400', async () => {
    const body = '{"hello":"world"}';
    const res = await post(body, signed(body));
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'SF_REQUEST_INVALID' });
  });

  it('leaves JSON parsing of the other routes alone', async () => {
    const res = await farm.inject({ method: 'POST', url: '/api/jobs', payload: { type: 'hologram' } });
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({ code: 'SF_REQUEST_INVALID' });
  });
});

describe('POST /api/webhooks/replicate without REPLICATE_WEBHOOK_SECRET', () => {
  it('is not routed: polling is the only way predictions are followed', async () => {
    const farm = await startFarm();
    try {
      const body = prediction('p_nosecret');
      const res = await farm.inject({ method: 'POST', url: '/api/webhooks/replicate', payload: body, headers: signed(body) });
      expect(res.statusCode).toBe(404);
    } finally {
      await farm.close();
    }
  });
});
