import { z } from 'zod';
import { Role } from './access.ts';
import { roleNames } from './access-rules.ts';
import { Id } from './ids.ts';

/**
 * An account's email, compared and stored lower-case. Deliberately lenient (a local part, `@`, a host) so that a
 * deployment's own hosts such as `admin@localhost` pass; the address is a login name, never mailed to.
 */
export const Email = z.string().trim().toLowerCase().max(254).regex(/^[^\s@]+@[^\s@]+$/, 'expected an email address');
export type Email = z.infer<typeof Email>;

/** A password as set by a person or the first-admin setting: long enough to resist guessing, bounded for hashing. */
export const NewPassword = z.string().min(10, 'at least 10 characters').max(256);

/** The roles an account holds (at least one; each once). */
export const Roles = z.array(Role).min(1).max(roleNames.length).refine((r) => new Set(r).size === r.length, 'each role once');

/** A person who can sign in to the studio. One organisation per deployment: no tenant. */
export const User = z.object({
  id: Id,
  email: Email,
  roles: z.array(Role),
  /** A disabled user cannot sign in; their sessions end and their keys stop working at once. */
  disabled: z.boolean(),
  createdAt: z.iso.datetime(),
  lastLoginAt: z.iso.datetime().nullable(),
});
export type User = z.infer<typeof User>;

/** Who is signed in, as the session answer carries it. */
export const SessionUser = User.pick({ id: true, email: true, roles: true });
export type SessionUser = z.infer<typeof SessionUser>;

/** `POST /api/session` body. */
export const LoginRequest = z.object({ email: Email, password: z.string().min(1).max(256) });
export type LoginRequest = z.infer<typeof LoginRequest>;

/**
 * `POST /api/session` and `GET /api/session`: the user and the CSRF token that cookie-authenticated state-changing
 * requests send back as the `x-csrf-token` header.
 */
export const SessionAnswer = z.object({ user: SessionUser, csrfToken: z.string() });
export type SessionAnswer = z.infer<typeof SessionAnswer>;

/** `POST /api/users` body. */
export const CreateUserRequest = z.object({ email: Email, password: NewPassword, roles: Roles });
export type CreateUserRequest = z.infer<typeof CreateUserRequest>;

/** `PATCH /api/users/:id` body: any of roles, disabled, a new password (a reset ends the user's sessions). */
export const UpdateUserRequest = z.object({
  roles: Roles.optional(),
  disabled: z.boolean().optional(),
  password: NewPassword.optional(),
}).refine((b) => b.roles !== undefined || b.disabled !== undefined || b.password !== undefined, 'nothing to change');
export type UpdateUserRequest = z.infer<typeof UpdateUserRequest>;

export const UserList = z.object({ items: z.array(User) });
export type UserList = z.infer<typeof UserList>;
