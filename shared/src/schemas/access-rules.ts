/**
 * The access rules without zod, so the studio's bundle can import them (its role-driven hiding of pages and buttons)
 * without pulling the schema library in; `access.ts` builds the `Role` schema from `roleNames` and re-exports these.
 *
 * Who may do what. One organisation per deployment (multi-tenancy is out of scope):
 * - designer: create jobs, upload, review, import recipes as drafts
 * - operator: a designer's rights + launches and budgets
 * - growth: experiments, live pointers, storefront keys
 * - publisher: a right held beside designer: publish and deprecate recipe versions (issue 13), which changes what
 *   every designer and launch can run, so it is granted on purpose and every use is audited
 * - admin: everything (users, keys, price book, recipes, servers)
 */
export const roleNames = ['designer', 'operator', 'growth', 'publisher', 'admin'] as const;
type Role = (typeof roleNames)[number];

/**
 * What a route declares in its options (`config: { access }`), checked before its handler runs:
 * - 'public': anyone (health, static files, signed object URLs, login, webhooks that check their own signatures)
 * - 'storefront': a storefront API key (the `/serve` and `/events` hot path)
 * - 'authenticated': any logged-in user or automation key, whatever its roles
 * - a role, or several roles (any one of them suffices; admin always suffices)
 */
export type RouteAccess = 'public' | 'storefront' | 'authenticated' | Role | readonly Role[];

/**
 * Roles that include another's rights: an operator may do what a designer may; an admin, anything.
 * The server's access check and the studio's hiding of pages and buttons both go through `holdsRole`.
 */
const impliedBy: Record<Role, readonly Role[]> = {
  designer: ['operator', 'admin'],
  operator: ['admin'],
  growth: ['admin'],
  publisher: ['admin'],
  admin: [],
};

/** Whether someone holding `held` has the rights of `role` (directly or through a role that includes it). */
export function holdsRole(held: readonly Role[], role: Role): boolean {
  return held.includes(role) || impliedBy[role].some((r) => held.includes(r));
}

/** Who is calling, as the access check sees it: a person or automation key with roles, or a storefront key. */
export interface AccessCaller {
  kind: 'user' | 'automation' | 'storefront';
  roles: readonly Role[];
}

/**
 * Whether `caller` (undefined: anonymous) may call a route declaring `access`. A storefront key passes only
 * 'public' and 'storefront' routes; 'storefront' routes also let an admin through (admin passes everything).
 */
export function accessAllows(access: RouteAccess, caller: AccessCaller | undefined): boolean {
  if (access === 'public') return true;
  if (!caller) return false;
  if (caller.kind === 'storefront') return access === 'storefront';
  if (access === 'storefront') return holdsRole(caller.roles, 'admin');
  if (access === 'authenticated') return true;
  const anyOf: readonly Role[] = typeof access === 'string' ? [access] : access;
  return anyOf.some((role) => holdsRole(caller.roles, role));
}
