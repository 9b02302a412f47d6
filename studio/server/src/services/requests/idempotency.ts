import { createHash } from 'node:crypto';
import { and, eq, isNull, lt, sql } from 'drizzle-orm';
import { z } from 'zod';
import { tables, type Db } from '@shotfarm/shared/db';
import { IdempotencyInProgressError, IdempotencyKeyInvalidError, IdempotencyKeyReusedError } from '../../errors.ts';

/** How long an answer is kept for its key. */
export const idempotencyTtlMs = 24 * 3600 * 1000;
/** A first request that has held its key this long without answering died with its process; a retry takes over. */
export const abandonedAfterMs = 60_000;

/** The header as the API docs show it; the value is checked by {@link idempotencyKeyOf} (400 SF_IDEMPOTENCY_KEY_INVALID). */
export const IdempotencyHeaders = z.looseObject({
  'idempotency-key': z.string().optional().describe('1–255 printable ASCII characters; the same key and body within 24 h get the first answer again (422 if the body differs)'),
});

/** `Idempotency-Key`: 1–255 printable ASCII characters (a UUID is typical). */
const validKey = /^[\x21-\x7e]{1,255}$/;

export interface IdempotentAnswer {
  statusCode: number;
  body: unknown;
}

/** sha256 of a request body: canonical JSON (keys sorted), so the same body sent with its keys reordered matches. */
export function hashJsonBody(body: unknown): string {
  const canonical = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(canonical);
    if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, canonical((v as Record<string, unknown>)[k])]));
    return v;
  };
  return createHash('sha256').update(JSON.stringify(canonical(body) ?? null)).digest('hex');
}

/** The header's key, validated; undefined when the request carries none. */
export function idempotencyKeyOf(header: string | string[] | undefined): string | undefined {
  if (header === undefined) return undefined;
  if (Array.isArray(header) || !validKey.test(header)) throw new IdempotencyKeyInvalidError();
  return header;
}

/**
 * Makes a POST safe to retry: a client that lost the answer (a timeout, Redis down, a dropped connection) sends the
 * same request with the same `Idempotency-Key` and gets the first answer back instead of a second job. The key is
 * claimed in the database before the work runs, so two copies racing each other cannot both run it: the second gets
 * 409 until the first has answered. The same key with another body is a client bug: 422. Failures are not kept (the
 * row is released), so a retry after a 4xx/5xx runs again.
 */
export class IdempotencyStore {
  constructor(private readonly db: Db) {}

  async run(scope: string, key: string, requestHash: string, work: () => Promise<IdempotentAnswer>): Promise<IdempotentAnswer & { replayed: boolean }> {
    const now = Date.now();
    // A key older than the TTL is free again; an abandoned claim (its process died) may be taken over.
    await this.db.delete(tables.idempotencyKeys).where(and(eq(tables.idempotencyKeys.scope, scope), eq(tables.idempotencyKeys.key, key),
      sql`(${tables.idempotencyKeys.createdAt} < ${new Date(now - idempotencyTtlMs)} or (${tables.idempotencyKeys.statusCode} is null and ${tables.idempotencyKeys.createdAt} < ${new Date(now - abandonedAfterMs)}))`));
    const claimed = await this.db.insert(tables.idempotencyKeys).values({ scope, key, requestHash })
      .onConflictDoNothing().returning({ key: tables.idempotencyKeys.key });
    if (claimed.length === 0) {
      const [row] = await this.db.select().from(tables.idempotencyKeys).where(and(eq(tables.idempotencyKeys.scope, scope), eq(tables.idempotencyKeys.key, key)));
      if (!row) return this.run(scope, key, requestHash, work); // released between our insert and select: claim again
      if (row.requestHash !== requestHash) throw new IdempotencyKeyReusedError();
      if (row.statusCode === null) throw new IdempotencyInProgressError();
      return { statusCode: row.statusCode, body: row.response, replayed: true };
    }
    let answer: IdempotentAnswer;
    try {
      answer = await work();
    } catch (e) {
      await this.#release(scope, key);
      throw e;
    }
    await this.db.update(tables.idempotencyKeys).set({ statusCode: answer.statusCode, response: answer.body as object })
      .where(and(eq(tables.idempotencyKeys.scope, scope), eq(tables.idempotencyKeys.key, key)));
    return { ...answer, replayed: false };
  }

  /** Delete answers older than the TTL (the storage sweep calls this); returns how many. */
  async expire(nowMs = Date.now()): Promise<number> {
    const rows = await this.db.delete(tables.idempotencyKeys).where(lt(tables.idempotencyKeys.createdAt, new Date(nowMs - idempotencyTtlMs)))
      .returning({ key: tables.idempotencyKeys.key });
    return rows.length;
  }

  async #release(scope: string, key: string): Promise<void> {
    await this.db.delete(tables.idempotencyKeys)
      .where(and(eq(tables.idempotencyKeys.scope, scope), eq(tables.idempotencyKeys.key, key), isNull(tables.idempotencyKeys.statusCode)));
  }
}
