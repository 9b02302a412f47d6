import { describe, expect, it } from 'vitest';
import { accessAllows, holdsRole, type AccessCaller } from './access.ts';

const user = (...roles: AccessCaller['roles'][number][]): AccessCaller => ({ kind: 'user', roles });

describe('holdsRole', () => {
  it('an operator has a designer\'s rights; an admin everyone\'s; growth only its own', () => {
    expect(holdsRole(['operator'], 'designer')).toBe(true);
    expect(holdsRole(['designer'], 'operator')).toBe(false);
    expect(holdsRole(['admin'], 'growth')).toBe(true);
    expect(holdsRole(['growth'], 'designer')).toBe(false);
    expect(holdsRole([], 'designer')).toBe(false);
  });
});

describe('accessAllows', () => {
  it('public lets anyone in; everything else needs a caller', () => {
    expect(accessAllows('public', undefined)).toBe(true);
    for (const access of ['authenticated', 'storefront', 'designer', ['growth', 'operator']] as const) expect(accessAllows(access, undefined)).toBe(false);
  });
  it('a storefront key passes only storefront and public routes; people pass storefront routes only as admin', () => {
    const shop: AccessCaller = { kind: 'storefront', roles: [] };
    expect(accessAllows('storefront', shop)).toBe(true);
    expect(accessAllows('authenticated', shop)).toBe(false);
    expect(accessAllows('designer', shop)).toBe(false);
    expect(accessAllows('storefront', user('growth'))).toBe(false);
    expect(accessAllows('storefront', user('admin'))).toBe(true);
  });
  it('a role list passes any one of its roles (or one that includes it)', () => {
    expect(accessAllows(['growth', 'operator'], user('growth'))).toBe(true);
    expect(accessAllows(['growth', 'operator'], user('designer'))).toBe(false);
    expect(accessAllows('designer', { kind: 'automation', roles: ['operator'] })).toBe(true);
    expect(accessAllows('authenticated', { kind: 'automation', roles: [] })).toBe(true);
  });
});
