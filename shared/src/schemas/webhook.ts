import { z } from 'zod';
import { Id } from './ids.ts';

/** What an outbound webhook may subscribe to (issue 19). */
export const WebhookEventType = z.enum(['job.finished', 'task.finished', 'launch.finished', 'experiment.ended']);
export type WebhookEventType = z.infer<typeof WebhookEventType>;

export const WebhookDeliveryStatus = z.enum(['pending', 'delivered', 'failed']);
export type WebhookDeliveryStatus = z.infer<typeof WebhookDeliveryStatus>;

/** `POST /api/webhooks`: where to send which events. The URL is checked against private addresses after DNS. */
export const WebhookCreate = z.object({
  url: z.url({ protocol: /^https?$/ }).max(2048),
  events: z.array(WebhookEventType).min(1).max(WebhookEventType.options.length).refine((e) => new Set(e).size === e.length, 'events must not repeat'),
  description: z.string().max(200).optional(),
}).strict();
export type WebhookCreate = z.infer<typeof WebhookCreate>;

export const WebhookSubscription = z.object({
  id: Id,
  url: z.string(),
  events: z.array(WebhookEventType),
  description: z.string().nullable(),
  active: z.boolean(),
  createdBy: z.string().nullable(),
  createdAt: z.iso.datetime(),
});
export type WebhookSubscription = z.infer<typeof WebhookSubscription>;

/** The answer to a create: the subscription and its signing secret, shown this once (Standard Webhooks `whsec_…`). */
export const WebhookCreated = WebhookSubscription.extend({ secret: z.string().startsWith('whsec_') });
export type WebhookCreated = z.infer<typeof WebhookCreated>;

export const WebhookList = z.object({ items: z.array(WebhookSubscription) });

export const WebhookAttempt = z.object({
  attempt: z.int(),
  statusCode: z.int().nullable(),
  /** The first 1,000 characters of the receiver's answer. */
  responseBody: z.string().nullable(),
  error: z.string().nullable(),
  durationMs: z.int(),
  at: z.iso.datetime(),
});

export const WebhookDelivery = z.object({
  id: Id,
  subscriptionId: Id,
  /** The `webhook-id` header, the same on every attempt: receivers deduplicate on it. */
  messageId: z.string(),
  eventType: WebhookEventType,
  payload: z.record(z.string(), z.unknown()),
  status: WebhookDeliveryStatus,
  attempts: z.int(),
  nextAttemptAt: z.iso.datetime().nullable(),
  giveUpAt: z.iso.datetime(),
  lastStatusCode: z.int().nullable(),
  lastError: z.string().nullable(),
  createdAt: z.iso.datetime(),
  deliveredAt: z.iso.datetime().nullable(),
  log: z.array(WebhookAttempt),
});
export type WebhookDelivery = z.infer<typeof WebhookDelivery>;

export const WebhookDeliveryList = z.object({ items: z.array(WebhookDelivery) });
