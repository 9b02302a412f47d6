import { z } from 'zod';

/**
 * Who may do what. One organisation per deployment (multi-tenancy is out of scope):
 * - designer: create jobs, upload, review, import recipes as drafts
 * - operator: a designer's rights + launches and budgets
 * - growth: experiments, live pointers, storefront keys
 * - admin: everything (users, keys, price book, recipes, servers)
 */
export const Role = z.enum(['designer', 'operator', 'growth', 'admin']);
export type Role = z.infer<typeof Role>;

/**
 * What a route declares in its options (`config: { access }`), checked before its handler runs:
 * - 'public': anyone (health, static files, signed object URLs, login, webhooks that check their own signatures)
 * - 'storefront': a storefront API key (the `/serve` and `/events` hot path)
 * - 'authenticated': any logged-in user or automation key, whatever its roles
 * - a role, or several roles (any one of them suffices; admin always suffices)
 */
export type RouteAccess = 'public' | 'storefront' | 'authenticated' | Role | readonly Role[];
