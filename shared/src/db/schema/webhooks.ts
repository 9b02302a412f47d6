import { boolean, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import type { WebhookDeliveryStatus, WebhookEventType } from '../../schemas/webhook.ts';

const at = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/** Outbound webhook subscriptions (issue 19): where to POST which events, and the Standard Webhooks signing secret. */
export const webhookSubscriptions = pgTable('webhook_subscriptions', {
  id: uuid('id').primaryKey(),
  url: text('url').notNull(),
  events: jsonb('events').$type<WebhookEventType[]>().notNull(),
  description: text('description'),
  /** `whsec_` + base64 of 32 random bytes; shown once, at creation. */
  secret: text('secret').notNull(),
  active: boolean('active').notNull().default(true),
  createdBy: uuid('created_by'),
  createdAt: at('created_at').notNull().defaultNow(),
});

/** One event for one subscription: retried with back-off until delivered or a day has passed. */
export const webhookDeliveries = pgTable('webhook_deliveries', {
  id: uuid('id').primaryKey(),
  subscriptionId: uuid('subscription_id').notNull().references(() => webhookSubscriptions.id, { onDelete: 'cascade' }),
  /** The `webhook-id` header: the same for every attempt (receivers deduplicate on it). */
  messageId: text('message_id').notNull(),
  eventType: text('event_type').$type<WebhookEventType>().notNull(),
  payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
  status: text('status').$type<WebhookDeliveryStatus>().notNull(),
  attempts: integer('attempts').notNull().default(0),
  nextAttemptAt: at('next_attempt_at'),
  /** Retries stop after this (a day after the event, or after a manual redeliver). */
  giveUpAt: at('give_up_at').notNull(),
  lastStatusCode: integer('last_status_code'),
  lastError: text('last_error'),
  createdAt: at('created_at').notNull().defaultNow(),
  deliveredAt: at('delivered_at'),
}, (t) => [
  // One delivery per event per subscription: the event feed may offer the same event again (after a restart).
  uniqueIndex('webhook_deliveries_message_unique').on(t.subscriptionId, t.messageId),
  index('webhook_deliveries_due_idx').on(t.status, t.nextAttemptAt),
  index('webhook_deliveries_subscription_idx').on(t.subscriptionId, t.createdAt),
]);

/** Every attempt of a delivery, with the receiver's answer (status and the start of its body) or the error. */
export const webhookAttempts = pgTable('webhook_attempts', {
  id: uuid('id').primaryKey(),
  deliveryId: uuid('delivery_id').notNull().references(() => webhookDeliveries.id, { onDelete: 'cascade' }),
  attempt: integer('attempt').notNull(),
  statusCode: integer('status_code'),
  responseBody: text('response_body'),
  error: text('error'),
  durationMs: integer('duration_ms').notNull(),
  at: at('at').notNull().defaultNow(),
}, (t) => [index('webhook_attempts_delivery_idx').on(t.deliveryId, t.attempt)]);
