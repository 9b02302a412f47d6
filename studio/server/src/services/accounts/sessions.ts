import { and, eq, gt, lt } from 'drizzle-orm';
import { tables, type Db } from '@shotfarm/shared/db';
import type { UserRow } from './users.ts';
import { newSecret, secretDigest } from './tokens.ts';

/**
 * Server-side login sessions in the database. The cookie holds a random token; the row's id is its digest, so
 * the table alone cannot be replayed. Logout, a disabled account and a password reset delete rows: the cookie
 * stops working at once.
 */
export class SessionStore {
  constructor(private readonly db: Db, private readonly ttlS: number) {}

  async create(userId: string, client: { ip?: string; userAgent?: string } = {}): Promise<{ token: string; id: string; expiresAt: Date }> {
    const token = newSecret();
    const id = secretDigest(token);
    const expiresAt = new Date(Date.now() + this.ttlS * 1000);
    await this.db.insert(tables.sessions).values({ id, userId, expiresAt, ip: client.ip ?? null, userAgent: client.userAgent?.slice(0, 300) ?? null });
    // Expired rows of anyone go with each login, so the table does not grow without bound.
    await this.db.delete(tables.sessions).where(lt(tables.sessions.expiresAt, new Date()));
    return { token, id, expiresAt };
  }

  /** The live session of a cookie token and its (enabled) user; undefined for unknown, expired or disabled. */
  async resolve(token: string): Promise<{ id: string; user: UserRow } | undefined> {
    const id = secretDigest(token);
    const [row] = await this.db.select({ id: tables.sessions.id, user: tables.users }).from(tables.sessions)
      .innerJoin(tables.users, eq(tables.users.id, tables.sessions.userId))
      .where(and(eq(tables.sessions.id, id), gt(tables.sessions.expiresAt, new Date()), eq(tables.users.disabled, false)));
    return row;
  }

  async destroy(id: string): Promise<void> {
    await this.db.delete(tables.sessions).where(eq(tables.sessions.id, id));
  }

  async destroyAllOf(userId: string): Promise<void> {
    await this.db.delete(tables.sessions).where(eq(tables.sessions.userId, userId));
  }
}
