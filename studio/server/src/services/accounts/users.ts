import { and, asc, eq, ne, sql } from 'drizzle-orm';
import { newId, type Role, type User } from '@shotfarm/shared';
import { tables, type Db } from '@shotfarm/shared/db';
import { EmailTakenError, LastAdminError, UserNotFoundError } from '../../errors.ts';
import { hashPassword } from './passwords.ts';

export type UserRow = typeof tables.users.$inferSelect;

export function toUser(row: UserRow): User {
  return {
    id: row.id, email: row.email, roles: row.roles, disabled: row.disabled,
    createdAt: row.createdAt.toISOString(), lastLoginAt: row.lastLoginAt?.toISOString() ?? null,
  };
}

/** The accounts of the deployment (one organisation; no tenants). */
export class UserDirectory {
  /** @param changed told after a user's roles, state or password change, so keys resolved for them are re-read */
  constructor(private readonly db: Db, private readonly changed: () => Promise<void> = async () => {}) {}

  async list(): Promise<UserRow[]> {
    return this.db.select().from(tables.users).orderBy(asc(tables.users.id));
  }

  async findById(id: string): Promise<UserRow | undefined> {
    return (await this.db.select().from(tables.users).where(eq(tables.users.id, id)))[0];
  }

  /** `email` as stored: lower-case (the Email schema folds it at the edge). */
  async findByEmail(email: string): Promise<UserRow | undefined> {
    return (await this.db.select().from(tables.users).where(eq(tables.users.email, email)))[0];
  }

  async count(): Promise<number> {
    return (await this.db.select({ n: sql<number>`count(*)::int` }).from(tables.users))[0]!.n;
  }

  async create(input: { email: string; password: string; roles: Role[] }): Promise<UserRow> {
    const passwordHash = await hashPassword(input.password);
    const [row] = await this.db.insert(tables.users).values({ id: newId(), email: input.email, passwordHash, roles: input.roles })
      .onConflictDoNothing({ target: tables.users.email }).returning();
    if (!row) throw new EmailTakenError(input.email);
    return row;
  }

  /**
   * Change roles, disable or enable, or reset the password. The last active admin keeps the role and stays enabled,
   * so the studio can never lock itself out.
   */
  async update(id: string, change: { roles?: Role[]; disabled?: boolean; password?: string }): Promise<UserRow> {
    const passwordHash = change.password !== undefined ? await hashPassword(change.password) : undefined;
    const updated = await this.db.transaction(async (tx) => {
      // Serialise admin changes: two admins demoting each other at once must not both succeed.
      const [current] = await tx.select().from(tables.users).where(eq(tables.users.id, id)).for('update');
      if (!current) throw new UserNotFoundError(id);
      const staysAdmin = (change.roles ?? current.roles).includes('admin') && !(change.disabled ?? current.disabled);
      if (current.roles.includes('admin') && !current.disabled && !staysAdmin) {
        const others = await tx.select({ id: tables.users.id, roles: tables.users.roles }).from(tables.users)
          .where(and(ne(tables.users.id, id), eq(tables.users.disabled, false))).for('update');
        if (!others.some((u) => u.roles.includes('admin'))) throw new LastAdminError();
      }
      const [row] = await tx.update(tables.users).set({
        ...(change.roles !== undefined ? { roles: change.roles } : {}),
        ...(change.disabled !== undefined ? { disabled: change.disabled } : {}),
        ...(passwordHash !== undefined ? { passwordHash } : {}),
      }).where(eq(tables.users.id, id)).returning();
      return row!;
    });
    await this.changed();
    return updated;
  }

  async recordLogin(id: string): Promise<void> {
    await this.db.update(tables.users).set({ lastLoginAt: new Date() }).where(eq(tables.users.id, id));
  }
}
