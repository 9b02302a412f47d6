import { randomBytes } from 'node:crypto';
import { and, asc, desc, eq, gt, inArray, isNotNull, lte } from 'drizzle-orm';
import { newId, type WebhookCreate, type WebhookCreated, type WebhookDelivery, type WebhookEventType, type WebhookSubscription } from '@shotfarm/shared';
import { tables, type Db } from '@shotfarm/shared/db';
import { checkWebhookTarget } from './target-guard.ts';
import { sendWebhook, type SendOutcome, type SendRequest } from './webhook-sender.ts';

type SubscriptionRow = typeof tables.webhookSubscriptions.$inferSelect;
type DeliveryRow = typeof tables.webhookDeliveries.$inferSelect;

export interface WebhookServiceOptions {
  db: Db;
  /** Hosts an admin vouches for although they resolve to internal addresses (WEBHOOK_ALLOW_HOSTS). */
  allowHosts: readonly string[];
  log: { info: (o: object, msg: string) => void; warn: (o: object, msg: string) => void };
  /** First retry delay; each next one is 4× longer, at most `maxDelayMs`. @defaultValue 5 s */
  firstDelayMs?: number;
  /** @defaultValue 4 h */
  maxDelayMs?: number;
  /** How long a delivery is retried. @defaultValue a day */
  retryForMs?: number;
  /** @defaultValue 10 s */
  timeoutMs?: number;
  /** How often due deliveries are sent. @defaultValue 1 s */
  pollMs?: number;
  /** Replaceable for tests of the schedule. */
  send?: (req: SendRequest) => Promise<SendOutcome>;
}

const day = 24 * 60 * 60 * 1000;
/** A claimed delivery is someone's for this long; a replica that died mid-send lets another retry it after. */
const claimMs = 60_000;
/** Launches and experiments that ended within this window are offered to the feed (repeats are ignored). */
const feedWindowMs = 10 * 60_000;

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

/** `whsec_` + base64 of 32 random bytes, as Standard Webhooks libraries expect. */
export const newWebhookSecret = (): string => `whsec_${randomBytes(32).toString('base64')}`;

/**
 * Outbound webhooks: subscriptions, a delivery per event per subscriber (its `webhook-id` fixed across attempts),
 * signed sends with exponential back-off for a day, an attempt log with each answer, and manual redelivery. The
 * database is the queue: any API replica may send a due delivery after claiming it, and nothing is lost on restart.
 */
export class WebhookService {
  #timer: NodeJS.Timeout | undefined;
  #feedTimer: NodeJS.Timeout | undefined;
  #running: Promise<number> | undefined;
  readonly #send: (req: SendRequest) => Promise<SendOutcome>;

  constructor(private readonly opts: WebhookServiceOptions) {
    this.#send = opts.send ?? sendWebhook;
  }

  // — subscriptions —

  async create(input: WebhookCreate, createdBy: string | null): Promise<WebhookCreated> {
    await checkWebhookTarget(input.url, this.opts.allowHosts);
    const [row] = await this.opts.db.insert(tables.webhookSubscriptions).values({
      id: newId(), url: input.url, events: input.events, description: input.description ?? null, secret: newWebhookSecret(), createdBy,
    }).returning();
    return { ...this.#view(row!), secret: row!.secret };
  }

  async list(): Promise<WebhookSubscription[]> {
    const rows = await this.opts.db.select().from(tables.webhookSubscriptions).orderBy(desc(tables.webhookSubscriptions.createdAt));
    return rows.map((r) => this.#view(r));
  }

  async remove(id: string): Promise<boolean> {
    return (await this.opts.db.delete(tables.webhookSubscriptions).where(eq(tables.webhookSubscriptions.id, id)).returning({ id: tables.webhookSubscriptions.id })).length > 0;
  }

  async exists(id: string): Promise<boolean> {
    return (await this.opts.db.select({ id: tables.webhookSubscriptions.id }).from(tables.webhookSubscriptions).where(eq(tables.webhookSubscriptions.id, id))).length > 0;
  }

  #view(r: SubscriptionRow): WebhookSubscription {
    return { id: r.id, url: r.url, events: r.events, description: r.description, active: r.active, createdBy: r.createdBy, createdAt: r.createdAt.toISOString() };
  }

  // — events —

  /**
   * Record `type` for every active subscriber of it: one delivery each, due now. `messageId` identifies the event
   * (the same event offered twice makes no second delivery). Events older than a subscription are not sent to it.
   */
  async publish(type: WebhookEventType, messageId: string, data: Record<string, unknown>, occurredAt = new Date()): Promise<number> {
    const subscribers = (await this.opts.db.select().from(tables.webhookSubscriptions).where(eq(tables.webhookSubscriptions.active, true)))
      .filter((s) => s.events.includes(type) && s.createdAt.getTime() <= occurredAt.getTime() + 1000);
    if (subscribers.length === 0) return 0;
    const now = new Date();
    const payload = { type, timestamp: occurredAt.toISOString(), data };
    const inserted = await this.opts.db.insert(tables.webhookDeliveries).values(subscribers.map((s) => ({
      id: newId(), subscriptionId: s.id, messageId, eventType: type, payload, status: 'pending' as const,
      nextAttemptAt: now, giveUpAt: new Date(now.getTime() + (this.opts.retryForMs ?? day)),
    }))).onConflictDoNothing().returning({ id: tables.webhookDeliveries.id });
    if (inserted.length > 0) void this.dispatch();
    return inserted.length;
  }

  /** Launches and experiments that ended recently, offered as events (their services need not know about webhooks). */
  async feed(): Promise<void> {
    const since = new Date(Date.now() - feedWindowMs);
    const launches = await this.opts.db.select({ id: tables.launches.id, name: tables.launches.name, status: tables.launches.status, finishedAt: tables.launches.finishedAt })
      .from(tables.launches).where(and(isNotNull(tables.launches.finishedAt), gt(tables.launches.finishedAt, since)));
    for (const l of launches) await this.publish('launch.finished', `msg_launch_${l.id}`, { launchId: l.id, name: l.name, status: l.status }, l.finishedAt!);
    const experiments = await this.opts.db.select({ id: tables.experiments.id, sku: tables.experiments.sku, slot: tables.experiments.slot, status: tables.experiments.status,
      promotedAssetId: tables.experiments.promotedAssetId, endedAt: tables.experiments.endedAt })
      .from(tables.experiments).where(and(isNotNull(tables.experiments.endedAt), gt(tables.experiments.endedAt, since)));
    for (const x of experiments) {
      await this.publish('experiment.ended', `msg_experiment_${x.id}`, { experimentId: x.id, sku: x.sku, slot: x.slot, status: x.status, promotedAssetId: x.promotedAssetId }, x.endedAt!);
    }
  }

  // — deliveries —

  async deliveries(subscriptionId: string, limit = 50): Promise<WebhookDelivery[]> {
    const rows = await this.opts.db.select().from(tables.webhookDeliveries).where(eq(tables.webhookDeliveries.subscriptionId, subscriptionId))
      .orderBy(desc(tables.webhookDeliveries.createdAt)).limit(limit);
    if (rows.length === 0) return [];
    const attempts = await this.opts.db.select().from(tables.webhookAttempts).where(inArray(tables.webhookAttempts.deliveryId, rows.map((r) => r.id)))
      .orderBy(asc(tables.webhookAttempts.attempt));
    return rows.map((r) => ({
      id: r.id, subscriptionId: r.subscriptionId, messageId: r.messageId, eventType: r.eventType, payload: r.payload, status: r.status,
      attempts: r.attempts, nextAttemptAt: iso(r.nextAttemptAt), giveUpAt: r.giveUpAt.toISOString(), lastStatusCode: r.lastStatusCode,
      lastError: r.lastError, createdAt: r.createdAt.toISOString(), deliveredAt: iso(r.deliveredAt),
      log: attempts.filter((a) => a.deliveryId === r.id).map((a) => ({
        attempt: a.attempt, statusCode: a.statusCode, responseBody: a.responseBody, error: a.error, durationMs: a.durationMs, at: a.at.toISOString(),
      })),
    }));
  }

  /** Send a delivery again now (same `webhook-id`), retrying for another day if it fails. Undefined: no such delivery. */
  async redeliver(subscriptionId: string, deliveryId: string): Promise<WebhookDelivery | undefined> {
    const now = new Date();
    const [row] = await this.opts.db.update(tables.webhookDeliveries)
      .set({ status: 'pending', nextAttemptAt: now, giveUpAt: new Date(now.getTime() + (this.opts.retryForMs ?? day)) })
      .where(and(eq(tables.webhookDeliveries.id, deliveryId), eq(tables.webhookDeliveries.subscriptionId, subscriptionId))).returning();
    if (!row) return undefined;
    await this.dispatch();
    return (await this.deliveries(subscriptionId, 500)).find((d) => d.id === deliveryId);
  }

  start(feedIntervalMs = 5000): void {
    this.#timer = setInterval(() => { void this.dispatch(); }, this.opts.pollMs ?? 1000);
    this.#timer.unref();
    this.#feedTimer = setInterval(() => { this.feed().catch((err: unknown) => this.opts.log.warn({ err }, 'webhooks: reading launch and experiment events failed')); }, feedIntervalMs);
    this.#feedTimer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    clearInterval(this.#feedTimer);
    await this.#running?.catch(() => undefined);
  }

  /** Send every due delivery once; concurrent calls share the pass in flight. Returns how many were attempted. */
  dispatch(): Promise<number> {
    this.#running ??= this.#pass().catch((err: unknown) => { this.opts.log.warn({ err }, 'webhooks: a dispatch pass failed'); return 0; })
      .finally(() => { this.#running = undefined; });
    return this.#running;
  }

  async #pass(): Promise<number> {
    const { db } = this.opts;
    const now = new Date();
    const due = await db.select().from(tables.webhookDeliveries)
      .where(and(eq(tables.webhookDeliveries.status, 'pending'), lte(tables.webhookDeliveries.nextAttemptAt, now)))
      .orderBy(asc(tables.webhookDeliveries.nextAttemptAt)).limit(20);
    let attempted = 0;
    for (const d of due) {
      // Claim it (another replica may be looking at the same row): only the update that still sees the old time wins.
      const [claimed] = await db.update(tables.webhookDeliveries).set({ nextAttemptAt: new Date(Date.now() + claimMs) })
        .where(and(eq(tables.webhookDeliveries.id, d.id), eq(tables.webhookDeliveries.status, 'pending'), eq(tables.webhookDeliveries.nextAttemptAt, d.nextAttemptAt!)))
        .returning();
      if (!claimed) continue;
      attempted++;
      await this.#attempt(claimed);
    }
    return attempted;
  }

  async #attempt(d: DeliveryRow): Promise<void> {
    const { db } = this.opts;
    const [sub] = await db.select().from(tables.webhookSubscriptions).where(eq(tables.webhookSubscriptions.id, d.subscriptionId));
    if (!sub) return; // deleted: its deliveries went with it
    const attempt = d.attempts + 1;
    const outcome = await this.#send({
      url: sub.url, secret: sub.secret, messageId: d.messageId, payload: JSON.stringify(d.payload), timeoutMs: this.opts.timeoutMs ?? 10_000, allowHosts: this.opts.allowHosts,
    });
    const now = new Date();
    const delayMs = Math.min((this.opts.firstDelayMs ?? 5000) * 4 ** (attempt - 1), this.opts.maxDelayMs ?? 4 * 60 * 60 * 1000);
    const retryAt = new Date(now.getTime() + delayMs);
    const givingUp = !outcome.delivered && retryAt.getTime() > d.giveUpAt.getTime();
    const status = outcome.delivered ? 'delivered' as const : givingUp ? 'failed' as const : 'pending' as const;
    await db.transaction(async (tx) => {
      await tx.insert(tables.webhookAttempts).values({
        id: newId(), deliveryId: d.id, attempt, statusCode: outcome.statusCode, responseBody: outcome.responseBody, error: outcome.error, durationMs: outcome.durationMs, at: now,
      });
      await tx.update(tables.webhookDeliveries).set({
        attempts: attempt, status, lastStatusCode: outcome.statusCode, lastError: outcome.error ?? (outcome.delivered ? null : `HTTP ${outcome.statusCode}`),
        nextAttemptAt: status === 'pending' ? retryAt : null, deliveredAt: outcome.delivered ? now : null,
      }).where(eq(tables.webhookDeliveries.id, d.id));
    });
    const fields = { webhookId: sub.id, deliveryId: d.id, messageId: d.messageId, attempt, statusCode: outcome.statusCode, error: outcome.error };
    if (outcome.delivered) this.opts.log.info(fields, 'webhook delivered');
    else this.opts.log.warn({ ...fields, retryAt: status === 'pending' ? retryAt.toISOString() : null }, status === 'failed' ? 'webhook delivery failed for good' : 'webhook attempt failed; retrying');
  }
}
