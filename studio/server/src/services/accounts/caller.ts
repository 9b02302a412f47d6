import type { AccessCaller, Role } from '@shotfarm/shared';

/** The person behind a request: signed in, or the creator of the key it came with. */
export interface CallerUser {
  id: string;
  email: string;
  roles: Role[];
}

/**
 * Who is calling, resolved once per request by the auth plugin (`request.caller`; null: anonymous).
 * `roles` are what this request may do: a session's user's roles, or a key's roles cut down to those its creator
 * still holds.
 */
export interface Caller extends AccessCaller {
  kind: 'user' | 'automation' | 'storefront';
  roles: Role[];
  user: CallerUser;
  via: 'session' | 'api-key';
  /** Set when `via` is 'session': the session row's id (the digest of the cookie's token). */
  sessionId?: string;
  /** Set when `via` is 'api-key'. */
  apiKeyId?: string;
  /** Set when `via` is 'api-key': when the key stops working (null: never). */
  expiresAt?: Date | null;
}
