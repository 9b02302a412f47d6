import { and, desc, eq, lt } from 'drizzle-orm';
import { newId, type AuditEvent, type AuditPage } from '@shotfarm/shared';
import { tables, type Db } from '@shotfarm/shared/db';
import type { Caller } from './caller.ts';

export interface AuditEntry {
  action: string;
  /** The caller who acted; null when nobody is known (a failed login). */
  caller: Caller | null;
  /** When no caller is known: the email that was tried (never a password). */
  email?: string;
  /** When no caller is known but the acting user is (a queued job run on a user's behalf): that user's id. */
  actorId?: string | null;
  target?: { type: string; id: string };
  ip?: string;
  details?: Record<string, unknown>;
}

/** The `audit_events` table: append-only, newest first when read. */
export class AuditLog {
  constructor(private readonly db: Db) {}

  async record(entry: AuditEntry): Promise<void> {
    await this.db.insert(tables.auditEvents).values({
      id: newId(), action: entry.action,
      actorId: entry.caller?.user.id ?? entry.actorId ?? null, actorEmail: entry.caller?.user.email ?? entry.email ?? null,
      apiKeyId: entry.caller?.apiKeyId ?? null,
      targetType: entry.target?.type ?? null, targetId: entry.target?.id ?? null,
      ip: entry.ip ?? null, details: entry.details ?? null,
    });
  }

  async page(query: { limit: number; cursor?: string; action?: string; actorId?: string }): Promise<AuditPage> {
    const t = tables.auditEvents;
    const rows = await this.db.select().from(t)
      .where(and(
        query.cursor ? lt(t.id, query.cursor) : undefined,
        query.action ? eq(t.action, query.action) : undefined,
        query.actorId ? eq(t.actorId, query.actorId) : undefined,
      ))
      .orderBy(desc(t.id)).limit(query.limit + 1);
    const items = rows.slice(0, query.limit).map((r): AuditEvent => ({
      id: r.id, at: r.at.toISOString(), action: r.action, actorId: r.actorId, actorEmail: r.actorEmail, apiKeyId: r.apiKeyId,
      targetType: r.targetType, targetId: r.targetId, ip: r.ip, details: r.details,
    }));
    return { items, nextCursor: rows.length > query.limit ? items.at(-1)!.id : null };
  }
}
