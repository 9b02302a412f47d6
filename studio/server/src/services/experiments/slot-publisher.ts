import { and, asc, eq, inArray } from 'drizzle-orm';
import { tables, type Db } from '@shotfarm/shared/db';
import type { ServingState, SlotServing } from './serving-state.ts';

/**
 * Builds a slot's serving state from the database (the truth) and publishes it to Redis for every replica.
 * Called after each change: experiment created, weights updated, stopped, promoted, live pointer moved.
 */
export class SlotPublisher {
  constructor(private readonly db: Db, private readonly serving: ServingState) {}

  async publish(sku: string, slot: string): Promise<SlotServing> {
    const [pointer] = await this.db.select({ assetId: tables.slotPointers.assetId, key: tables.assets.key }).from(tables.slotPointers)
      .innerJoin(tables.assets, eq(tables.assets.id, tables.slotPointers.assetId))
      .where(and(eq(tables.slotPointers.sku, sku), eq(tables.slotPointers.slot, slot)));
    const [xp] = await this.db.select().from(tables.experiments)
      .where(and(eq(tables.experiments.sku, sku), eq(tables.experiments.slot, slot), eq(tables.experiments.status, 'running')));
    let experiment: SlotServing['experiment'] = null;
    if (xp) {
      const arms = await this.db.select({ assetId: tables.experimentArms.assetId, key: tables.assets.key, weight: tables.experimentArms.weight })
        .from(tables.experimentArms).innerJoin(tables.assets, eq(tables.assets.id, tables.experimentArms.assetId))
        .where(eq(tables.experimentArms.experimentId, xp.id)).orderBy(asc(tables.experimentArms.position));
      experiment = { id: xp.id, period: xp.period, arms: arms.map((a) => ({ assetId: a.assetId, key: a.key })), weights: arms.map((a) => a.weight) };
    }
    const state: SlotServing = { sku, slot, live: pointer ? { assetId: pointer.assetId, key: pointer.key } : null, experiment };
    await this.serving.publish(state);
    return state;
  }

  /** At start-up: Redis may have been emptied, so every slot with a live image or a running experiment is rebuilt. */
  async publishAll(): Promise<void> {
    const pointers = await this.db.select({ sku: tables.slotPointers.sku, slot: tables.slotPointers.slot }).from(tables.slotPointers);
    const running = await this.db.select({ sku: tables.experiments.sku, slot: tables.experiments.slot }).from(tables.experiments)
      .where(inArray(tables.experiments.status, ['running']));
    const seen = new Set<string>();
    for (const s of [...pointers, ...running]) {
      const id = `${s.sku}/${s.slot}`;
      if (seen.has(id)) continue;
      seen.add(id);
      await this.publish(s.sku, s.slot);
    }
  }
}
