import { z } from 'zod';
import { Role } from './access.ts';
import { roleNames } from './access-rules.ts';
import { Id } from './ids.ts';

/**
 * `automation`: scripts, the CLI and benchmarks, with roles like a person's. `storefront`: the shop's servers, which
 * may call only the storefront endpoints (`/serve`, `/events`) and nothing else.
 */
export const ApiKeyKind = z.enum(['automation', 'storefront']);
export type ApiKeyKind = z.infer<typeof ApiKeyKind>;

/** Every key starts with this, so a leaked one is recognisable (secret scanners, logs). */
export const apiKeyPrefix = 'sf_';

/** A key as listed: never the key itself, which exists in clear only in the creation answer. */
export const ApiKey = z.object({
  id: Id,
  name: z.string(),
  kind: ApiKeyKind,
  /** What an automation key may do (never more than its creator holds now); empty for a storefront key. */
  roles: z.array(Role),
  /** The key's first characters (`sf_` and 6 more), so people can tell their keys apart. */
  hint: z.string(),
  createdBy: Id,
  createdAt: z.iso.datetime(),
  expiresAt: z.iso.datetime().nullable(),
  lastUsedAt: z.iso.datetime().nullable(),
  /** Set once revoked: the key stops working at once. */
  revokedAt: z.iso.datetime().nullable(),
});
export type ApiKey = z.infer<typeof ApiKey>;

/** `POST /api/api-keys` body. `roles` default: the creator's roles (automation); a storefront key holds none. */
export const CreateApiKeyRequest = z.object({
  name: z.string().trim().min(1).max(100),
  roles: z.array(Role).max(roleNames.length).optional(),
  kind: ApiKeyKind.default('automation'),
  expiresAt: z.iso.datetime({ offset: true }).refine((at) => Date.parse(at) > Date.now(), 'must be in the future').optional(),
});
export type CreateApiKeyRequest = z.input<typeof CreateApiKeyRequest>;

/** The creation answer: the key in clear, this once. */
export const CreatedApiKey = z.object({
  id: Id,
  key: z.string().startsWith(apiKeyPrefix),
  name: z.string(),
  roles: z.array(Role),
  kind: ApiKeyKind,
  expiresAt: z.iso.datetime().nullable(),
});
export type CreatedApiKey = z.infer<typeof CreatedApiKey>;

export const ApiKeyList = z.object({ items: z.array(ApiKey) });
export type ApiKeyList = z.infer<typeof ApiKeyList>;
