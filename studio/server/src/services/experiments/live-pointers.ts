import { and, desc, eq } from 'drizzle-orm';
import { newId, type LiveChangeReason, type SlotView } from '@shotfarm/shared';
import { tables, type Db } from '@shotfarm/shared/db';
import type { Storage } from '@shotfarm/shared/storage';
import { AssetNotFoundError, SlotNoPreviousError } from '../../errors.ts';
import type { SlotPublisher } from './slot-publisher.ts';

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

/** The live image of each SKU slot and its history: who moved it, when, and why. */
export class LivePointers {
  constructor(private readonly db: Db, private readonly storage: Storage, private readonly publisher: SlotPublisher) {}

  async view(sku: string, slot: string): Promise<SlotView> {
    const [pointer] = await this.db.select({ assetId: tables.slotPointers.assetId, since: tables.slotPointers.since, key: tables.assets.key })
      .from(tables.slotPointers).innerJoin(tables.assets, eq(tables.assets.id, tables.slotPointers.assetId))
      .where(and(eq(tables.slotPointers.sku, sku), eq(tables.slotPointers.slot, slot)));
    const [running] = await this.db.select({ id: tables.experiments.id }).from(tables.experiments)
      .where(and(eq(tables.experiments.sku, sku), eq(tables.experiments.slot, slot), eq(tables.experiments.status, 'running')));
    const history = await this.db.select().from(tables.slotHistory)
      .where(and(eq(tables.slotHistory.sku, sku), eq(tables.slotHistory.slot, slot))).orderBy(desc(tables.slotHistory.id)).limit(100);
    return {
      sku, slot,
      live: pointer ? { assetId: pointer.assetId, url: await this.storage.signedUrl(pointer.key), since: pointer.since.toISOString() } : null,
      runningExperimentId: running?.id ?? null,
      history: history.map((h) => ({
        assetId: h.assetId, previousAssetId: h.previousAssetId, reason: h.reason, experimentId: h.experimentId, createdBy: h.createdBy, at: h.createdAt.toISOString(),
      })),
    };
  }

  /** Every slot that has a live image, newest change first (the studio's list). */
  async list(limit = 200): Promise<{ sku: string; slot: string; assetId: string; since: string }[]> {
    const rows = await this.db.select().from(tables.slotPointers).orderBy(desc(tables.slotPointers.since)).limit(limit);
    return rows.map((r) => ({ sku: r.sku, slot: r.slot, assetId: r.assetId, since: r.since.toISOString() }));
  }

  /** Point the slot at an image (manual choice); the move is recorded in the history. */
  async set(sku: string, slot: string, assetId: string, createdBy: string | null): Promise<SlotView> {
    const [asset] = await this.db.select({ id: tables.assets.id, mime: tables.assets.mime }).from(tables.assets).where(eq(tables.assets.id, assetId));
    if (!asset || !asset.mime.startsWith('image/')) throw new AssetNotFoundError(assetId);
    await this.db.transaction((tx) => this.move(tx, { sku, slot, assetId, reason: 'manual', experimentId: null, createdBy }));
    await this.publisher.publish(sku, slot);
    return this.view(sku, slot);
  }

  /** Return the slot to the image it showed before its latest move, in one call. */
  async rollback(sku: string, slot: string, createdBy: string | null): Promise<SlotView> {
    await this.db.transaction(async (tx) => {
      const [latest] = await tx.select().from(tables.slotHistory)
        .where(and(eq(tables.slotHistory.sku, sku), eq(tables.slotHistory.slot, slot))).orderBy(desc(tables.slotHistory.id)).limit(1);
      if (!latest?.previousAssetId) throw new SlotNoPreviousError(sku, slot);
      await this.move(tx, { sku, slot, assetId: latest.previousAssetId, reason: 'rollback', experimentId: null, createdBy });
    });
    await this.publisher.publish(sku, slot);
    return this.view(sku, slot);
  }

  /** Move the pointer inside a caller's transaction (promotion uses it too). */
  async move(tx: Tx, m: { sku: string; slot: string; assetId: string; reason: LiveChangeReason; experimentId: string | null; createdBy: string | null }): Promise<void> {
    const [current] = await tx.select({ assetId: tables.slotPointers.assetId }).from(tables.slotPointers)
      .where(and(eq(tables.slotPointers.sku, m.sku), eq(tables.slotPointers.slot, m.slot))).for('update');
    const now = new Date();
    await tx.insert(tables.slotPointers).values({ sku: m.sku, slot: m.slot, assetId: m.assetId, since: now })
      .onConflictDoUpdate({ target: [tables.slotPointers.sku, tables.slotPointers.slot], set: { assetId: m.assetId, since: now } });
    await tx.insert(tables.slotHistory).values({
      id: newId(), sku: m.sku, slot: m.slot, assetId: m.assetId, previousAssetId: current?.assetId ?? null,
      reason: m.reason, experimentId: m.experimentId, createdBy: m.createdBy, createdAt: now,
    });
  }
}
