import { boolean, index, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import type { ApiKeyKind, Role } from '../../schemas/index.ts';

const at = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/** People who sign in. One organisation per deployment; emails are stored lower-case. */
export const users = pgTable('users', {
  id: uuid('id').primaryKey(),
  email: text('email').notNull().unique('users_email_unique'),
  /** An argon2id PHC string (`$argon2id$v=19$…`); never the password. */
  passwordHash: text('password_hash').notNull(),
  roles: jsonb('roles').$type<Role[]>().notNull(),
  disabled: boolean('disabled').notNull().default(false),
  createdAt: at('created_at').notNull().defaultNow(),
  lastLoginAt: at('last_login_at'),
});

/** Server-side login sessions. `id` is the SHA-256 of the cookie's token, so a database leak yields no usable cookie. */
export const sessions = pgTable('sessions', {
  id: text('id').primaryKey(),
  userId: uuid('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
  createdAt: at('created_at').notNull().defaultNow(),
  expiresAt: at('expires_at').notNull(),
  ip: text('ip'),
  userAgent: text('user_agent'),
}, (t) => [index('sessions_user_idx').on(t.userId)]);

/** API keys: only the SHA-256 of the key is kept (the key is 32 random bytes, so a fast hash suffices). */
export const apiKeys = pgTable('api_keys', {
  id: uuid('id').primaryKey(),
  name: text('name').notNull(),
  kind: text('kind').$type<ApiKeyKind>().notNull(),
  tokenHash: text('token_hash').notNull().unique('api_keys_token_hash_unique'),
  /** `sf_` and the key's next 6 characters, shown in lists. */
  hint: text('hint').notNull(),
  roles: jsonb('roles').$type<Role[]>().notNull(),
  createdBy: uuid('created_by').notNull().references(() => users.id, { onDelete: 'cascade' }),
  createdAt: at('created_at').notNull().defaultNow(),
  expiresAt: at('expires_at'),
  lastUsedAt: at('last_used_at'),
  revokedAt: at('revoked_at'),
}, (t) => [index('api_keys_created_by_idx').on(t.createdBy)]);

/** Who did what: logins, user and key changes, and (later issues) every money-moving or live-changing action. */
export const auditEvents = pgTable('audit_events', {
  id: uuid('id').primaryKey(),
  at: at('at').notNull().defaultNow(),
  action: text('action').notNull(),
  actorId: uuid('actor_id'),
  actorEmail: text('actor_email'),
  apiKeyId: uuid('api_key_id'),
  targetType: text('target_type'),
  targetId: text('target_id'),
  ip: text('ip'),
  details: jsonb('details').$type<Record<string, unknown>>(),
}, (t) => [index('audit_events_action_idx').on(t.action, t.id), index('audit_events_actor_idx').on(t.actorId, t.id)]);
