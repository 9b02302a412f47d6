import { createHash } from 'node:crypto';
import { and, desc, eq, sql } from 'drizzle-orm';
import type { Redis } from 'ioredis';
import { maxShadowPoints, modelCardOf, newId, type ActiveModelPointer, type ModelVersionView } from '@shotfarm/shared';
import { tables, type Db } from '@shotfarm/shared/db';
import { activeModelKey, shadowModelKey } from '@shotfarm/shared/queue';
import { storageKeys, type Storage } from '@shotfarm/shared/storage';
import { spearman } from './spearman.ts';

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

  /**
   * Make one version the active one, in the database and then for the workers. The one it replaces is retired
   * (rollback = activating it again). `promotedBy`: the admin's user id; null when the farm does it at start-up.
   */
  async activate(name: string, version: number, promotedBy: string | null = null): Promise<ActiveModelPointer> {
    await this.db.transaction(async (tx) => {
      const [row] = await tx.select({ id: tables.models.id }).from(tables.models).where(and(eq(tables.models.name, name), eq(tables.models.version, version)));
      if (!row) throw new Error(`model ${name} v${version} is not registered`);
      await tx.update(tables.models).set({ active: false, status: 'retired' }).where(and(eq(tables.models.name, name), eq(tables.models.active, true)));
      await tx.update(tables.models).set({ active: true, status: 'active', promotedBy, promotedAt: new Date() }).where(eq(tables.models.id, row.id));
    });
    const pointer = await this.publishActive(name);
    await this.publishShadow(name); // the activated version, if it was in shadow, is no longer
    return pointer!;
  }

  /**
   * Put a version in shadow (issue 17): every image scored from now on is also scored by it, both predictions stored
   * in the score row, before anyone decides to switch. `null` ends the shadow period. One shadow per model name.
   */
  async setShadow(name: string, version: number | null): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.update(tables.models).set({ status: 'candidate' }).where(and(eq(tables.models.name, name), eq(tables.models.status, 'shadow')));
      if (version !== null) {
        const [row] = await tx.update(tables.models).set({ status: 'shadow' })
          .where(and(eq(tables.models.name, name), eq(tables.models.version, version), eq(tables.models.active, false))).returning({ id: tables.models.id });
        if (!row) throw new Error(`model ${name} v${version} is not a stored inactive version`);
      }
    });
    await this.publishShadow(name);
  }

  /** Copy the database's shadow version (or its absence) to the Redis pointer the scorer reads. */
  async publishShadow(name: string): Promise<void> {
    const [row] = await this.db.select().from(tables.models).where(and(eq(tables.models.name, name), eq(tables.models.status, 'shadow')));
    if (row) await this.redis.set(shadowModelKey(this.prefix, name), JSON.stringify({ name, version: row.version, key: row.key } satisfies ActiveModelPointer));
    else await this.redis.del(shadowModelKey(this.prefix, name));
  }

  /**
   * Leave a model name with no active version (issue 17: the learned quality head, so scorers go back to the transparent
   * composite); the one that served is retired, so activating it again is a rollback. Not for `ctr`: scoring needs one.
   */
  async deactivate(name: string): Promise<ActiveModelPointer | undefined> {
    const previous = await this.activePointer(name);
    await this.db.update(tables.models).set({ active: false, status: 'retired' }).where(and(eq(tables.models.name, name), eq(tables.models.active, true)));
    await this.redis.del(activeModelKey(this.prefix, name));
    return previous;
  }

  /** Copy the database's active version to the Redis pointer (at start-up: Redis may have been emptied). */
  async publishActive(name: string): Promise<ActiveModelPointer | undefined> {
    const [row] = await this.db.select().from(tables.models).where(and(eq(tables.models.name, name), eq(tables.models.active, true)));
    if (!row) return undefined;
    const pointer: ActiveModelPointer = { name, version: row.version, key: row.key };
    await this.redis.set(activeModelKey(this.prefix, name), JSON.stringify(pointer));
    return pointer;
  }

  /** Record a version whose file a trainer already wrote to storage (issue 17); it starts as a candidate. */
  async registerStored(model: { name: string; version: number; key: string; sha256: string; metadata: Record<string, unknown> }): Promise<void> {
    await this.db.insert(tables.models).values({ id: newId(), ...model, active: false, status: 'candidate' });
  }

  /** The active version's pointer as the database has it. */
  async activePointer(name: string): Promise<ActiveModelPointer | undefined> {
    const [row] = await this.db.select().from(tables.models).where(and(eq(tables.models.name, name), eq(tables.models.active, true)));
    return row ? { name, version: row.version, key: row.key } : undefined;
  }

  /** The highest version number stored (0 when none). */
  async latestVersion(name: string): Promise<number> {
    const [row] = await this.db.select({ version: tables.models.version }).from(tables.models).where(eq(tables.models.name, name)).orderBy(desc(tables.models.version)).limit(1);
    return row?.version ?? 0;
  }

  /** One stored version, or undefined. */
  async find(name: string, version: number): Promise<ModelVersionView | undefined> {
    return (await this.list(name)).find((m) => m.version === version);
  }

  /** Every stored version of a model, newest first, with its card and what it scored in shadow. */
  async list(name: string): Promise<ModelVersionView[]> {
    const rows = await this.db.select().from(tables.models).where(eq(tables.models.name, name)).orderBy(desc(tables.models.version));
    const shadow = await this.shadowScores(name);
    return rows.map((r) => {
      const modelVersion = `${r.name}-v${r.version}`;
      const pairs = shadow.get(modelVersion);
      return {
        name: r.name, version: r.version, modelVersion, status: r.status, card: modelCardOf(r.metadata),
        createdAt: r.createdAt.toISOString(), promotedBy: r.promotedBy,
        shadow: pairs ? {
          images: pairs.length, spearman: spearman(pairs), meanShift: pairs.reduce((s, p) => s + (p.shadow - p.active), 0) / pairs.length,
          // Evenly spaced over the stored pairs, so a long shadow period still draws its whole cloud.
          points: Array.from({ length: Math.min(pairs.length, maxShadowPoints) }, (_, i) => pairs[Math.floor((i * pairs.length) / Math.min(pairs.length, maxShadowPoints))]!),
        } : null,
      };
    });
  }

  /** (active, shadow) prediction pairs stored in score rows, by the shadow's model version. */
  private async shadowScores(name: string): Promise<Map<string, { active: number; shadow: number }[]>> {
    const s = tables.scores;
    const shadowVersion = sql<string>`${s.result}->'ctr'->'shadow'->>'modelVersion'`;
    const rows = await this.db.select({ version: shadowVersion, active: s.ctr, shadow: sql<number>`(${s.result}->'ctr'->'shadow'->>'predicted')::float8` })
      .from(s).where(sql`${shadowVersion} like ${`${name}-v%`}`);
    const byVersion = new Map<string, { active: number; shadow: number }[]>();
    for (const r of rows) byVersion.set(r.version, [...(byVersion.get(r.version) ?? []), { active: r.active, shadow: Number(r.shadow) }]);
    return byVersion;
  }

  /** Register the models a release ships and activate the newest of each name when none is active yet. */
  async ensureShipped(models: readonly ShippedModel[]): Promise<void> {
    for (const m of models) await this.register(m);
    for (const name of new Set(models.map((m) => m.name))) {
      const [active] = await this.db.select({ id: tables.models.id }).from(tables.models).where(and(eq(tables.models.name, name), eq(tables.models.active, true)));
      if (active) { await this.publishActive(name); await this.publishShadow(name); }
      else await this.activate(name, Math.max(...models.filter((m) => m.name === name).map((m) => m.version)));
    }
  }
}

