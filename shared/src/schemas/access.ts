import { z } from 'zod';
import { roleNames } from './access-rules.ts';

/**
 * Who may do what. One organisation per deployment (multi-tenancy is out of scope):
 * - designer: create jobs, upload, review, import recipes as drafts
 * - operator: a designer's rights + launches and budgets
 * - growth: experiments, live pointers, storefront keys
 * - publisher: publish and deprecate recipe versions (a right given to a designer on purpose)
 * - admin: everything (users, keys, price book, recipes, servers)
 */
export const Role = z.enum(roleNames);
export type Role = z.infer<typeof Role>;

// The rules themselves live beside this file without zod, so the studio's bundle can use them.
export { accessAllows, holdsRole, type AccessCaller, type RouteAccess } from './access-rules.ts';
