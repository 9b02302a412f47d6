import { createHash } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import type { Redis } from 'ioredis';
import { newId, type ActiveModelPointer } from '@shotfarm/shared';
import { tables, type Db } from '@shotfarm/shared/db';
import { activeModelKey } from '@shotfarm/shared/queue';
import { storageKeys, type Storage } from '@shotfarm/shared/storage';

/** A model file as a package ships it. */
export interface ShippedModel {
  name: string;
  version: number;
  onnx: Buffer;
  metadata: Record<string, unknown>;
}

/**
 * Versioned models: rows in `models`, files in storage, and one Redis pointer per model name that scorer
 * workers read before each task — so activating a version switches every worker without a restart, and
 * workers still never open the database.
 */
export class ModelRegistry {
  constructor(private readonly db: Db, private readonly storage: Storage, private readonly redis: Redis, private readonly prefix: string) {}

  /** Store a model version (file first, then the row); registering it again changes nothing. */
  async register(model: ShippedModel): Promise<void> {
    const key = storageKeys.model(model.name, model.version);
    await this.storage.put(key, model.onnx, { contentType: 'application/octet-stream' });
    await this.db.insert(tables.models).values({
      id: newId(), name: model.name, version: model.version, key, sha256: createHash('sha256').update(model.onnx).digest('hex'),
      active: false, metadata: model.metadata,
    }).onConflictDoNothing();
  }

  /** Make one version the active one, in the database and then for the workers. */
  async activate(name: string, version: number): Promise<ActiveModelPointer> {
    await this.db.transaction(async (tx) => {
      const [row] = await tx.select({ id: tables.models.id }).from(tables.models).where(and(eq(tables.models.name, name), eq(tables.models.version, version)));
      if (!row) throw new Error(`model ${name} v${version} is not registered`);
      await tx.update(tables.models).set({ active: false }).where(eq(tables.models.name, name));
      await tx.update(tables.models).set({ active: true }).where(eq(tables.models.id, row.id));
    });
    const pointer = await this.publishActive(name);
    return pointer!;
  }

  /** Copy the database's active version to the Redis pointer (at start-up: Redis may have been emptied). */
  async publishActive(name: string): Promise<ActiveModelPointer | undefined> {
    const [row] = await this.db.select().from(tables.models).where(and(eq(tables.models.name, name), eq(tables.models.active, true)));
    if (!row) return undefined;
    const pointer: ActiveModelPointer = { name, version: row.version, key: row.key };
    await this.redis.set(activeModelKey(this.prefix, name), JSON.stringify(pointer));
    return pointer;
  }

  /** Register the models a release ships and activate the newest of each name when none is active yet. */
  async ensureShipped(models: readonly ShippedModel[]): Promise<void> {
    for (const m of models) await this.register(m);
    for (const name of new Set(models.map((m) => m.name))) {
      const [active] = await this.db.select({ id: tables.models.id }).from(tables.models).where(and(eq(tables.models.name, name), eq(tables.models.active, true)));
      if (active) await this.publishActive(name);
      else await this.activate(name, Math.max(...models.filter((m) => m.name === name).map((m) => m.version)));
    }
  }
}
