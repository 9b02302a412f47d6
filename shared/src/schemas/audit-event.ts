import { z } from 'zod';
import { Id } from './ids.ts';

/**
 * What the audit log records: `area.verb`. Accounts write the ones below; later issues add money-moving and
 * live-changing actions (price book, budgets, promotions, rollbacks) in the same form.
 */
export const AuditAction = z.string().regex(/^[a-z][a-z-]*\.[a-z][a-z-]*$/, 'expected area.verb');
export type AuditAction = z.infer<typeof AuditAction>;

/** The actions accounts record. */
export const accountAuditActions = {
  login: 'session.login',
  loginFailed: 'session.login-failed',
  loginThrottled: 'session.login-throttled',
  logout: 'session.logout',
  userCreated: 'user.create',
  userUpdated: 'user.update',
  apiKeyCreated: 'api-key.create',
  apiKeyRevoked: 'api-key.revoke',
} as const satisfies Record<string, AuditAction>;

/** One audit row: who (a user, and the key they acted through), what, on what, from where. Never a secret. */
export const AuditEvent = z.object({
  id: Id,
  at: z.iso.datetime(),
  action: AuditAction,
  /** The acting user; null when nobody is known (a failed login for an unknown email). */
  actorId: Id.nullable(),
  /** The email the actor had, or the email tried in a failed login. */
  actorEmail: z.string().nullable(),
  /** The API key the action came through; null for a session or no caller. */
  apiKeyId: Id.nullable(),
  targetType: z.string().nullable(),
  targetId: z.string().nullable(),
  ip: z.string().nullable(),
  details: z.record(z.string(), z.unknown()).nullable(),
});
export type AuditEvent = z.infer<typeof AuditEvent>;

/** `GET /api/audit` query: newest first, `cursor` from the previous page's `nextCursor`. */
export const AuditQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: Id.optional(),
  action: AuditAction.optional(),
  actorId: Id.optional(),
});
export type AuditQuery = z.input<typeof AuditQuery>;

export const AuditPage = z.object({ items: z.array(AuditEvent), nextCursor: Id.nullable() });
export type AuditPage = z.infer<typeof AuditPage>;
