import fp from 'fastify-plugin';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { Prediction as ReplicatePrediction, replicatePredictionChannel, replicateWebhookSeenKey, verifyReplicateWebhook } from '@shotfarm/shared/replicate';
import { WebhookBodyInvalidError, WebhookSignatureInvalidError, WebhookTimestampInvalidError } from '../errors.ts';

/** A prediction with its logs is small; anything far larger is not Replicate. */
const maxWebhookBytes = 1024 * 1024;
/**
 * How long a handled webhook-id is remembered. It must outlast both Replicate's resends of one message
 * (about a minute, protocol §5.2) and the ±5 min timestamp window, after which a replay fails that check.
 */
const seenTtlS = 60 * 60;

const Accepted = z.object({ ok: z.literal(true), duplicate: z.boolean() });

/**
 * `POST /api/webhooks/replicate`: verify a Replicate delivery on its raw bytes (protocol §5.3), drop
 * replays by webhook-id, and publish the prediction to the render worker following it. The worker also
 * polls, so a lost or refused webhook only makes it slower. Registered only when REPLICATE_WEBHOOK_SECRET is set.
 */
const routes: FastifyPluginAsyncZod = async (app) => {
  const secret = app.config.replicate.webhookSecret;
  if (!secret) return;
  const { redis, prefix } = app.queues;
  // The signature covers the exact bytes, so this context keeps them: no JSON parsing before we verify.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: maxWebhookBytes }, (_req, body, done) => done(null, body));

  app.post('/api/webhooks/replicate', {
    config: { access: 'public' },
    schema: { tags: ['webhooks'], summary: 'A signed Replicate prediction event', response: { 200: Accepted } },
  }, async (req) => {
    const rawBody = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const header = (name: string): string | undefined => {
      const v = req.headers[name];
      return Array.isArray(v) ? v.join(' ') : v;
    };
    const headers = { id: header('webhook-id'), timestamp: header('webhook-timestamp'), signature: header('webhook-signature') };
    const verdict = verifyReplicateWebhook({ secret, headers, rawBody });
    if (verdict === 'timestamp-invalid') throw new WebhookTimestampInvalidError();
    if (verdict !== 'ok') throw new WebhookSignatureInvalidError();

    let prediction: ReplicatePrediction;
    try {
      prediction = ReplicatePrediction.parse(JSON.parse(rawBody.toString('utf8')));
    } catch (e) {
      throw new WebhookBodyInvalidError(e instanceof Error ? e.message.slice(0, 200) : 'unreadable');
    }
    const seenKey = replicateWebhookSeenKey(prefix, headers.id!);
    if ((await redis.set(seenKey, prediction.id, 'EX', seenTtlS, 'NX')) === null) return { ok: true as const, duplicate: true };
    try {
      await redis.publish(replicatePredictionChannel(prefix, prediction.id), rawBody.toString('utf8'));
    } catch (e) {
      // Not delivered: forget the id so Replicate's resend (same id) is handled, and answer 5xx so it resends.
      await redis.del(seenKey).catch(() => undefined);
      throw e;
    }
    req.log.debug({ predictionId: prediction.id, status: prediction.status }, 'replicate webhook');
    return { ok: true as const, duplicate: false };
  });
};

export const replicateWebhookRoutes = fp(routes, { name: 'shotfarm-replicate-webhook-routes', fastify: '5.x', encapsulate: true,
  dependencies: ['shotfarm-config', 'shotfarm-queue'] });
