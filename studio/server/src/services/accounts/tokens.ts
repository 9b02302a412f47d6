import { createHash, randomBytes } from 'node:crypto';

/** A bearer secret: 32 random bytes, base64url (43 characters). */
export function newSecret(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * How secrets are stored: SHA-256, hex. A slow password hash would add nothing: the secrets are 256 random bits,
 * so there is nothing to guess, and the lookup must be fast because every request makes one.
 */
export function secretDigest(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}
