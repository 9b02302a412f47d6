import { describe, expect, it } from 'vitest';
import { Id, newId } from './ids.ts';

describe('newId', () => {
  it('makes valid UUIDv7s that sort by creation time', () => {
    const a = newId(1_700_000_000_000);
    const b = newId(1_700_000_000_001);
    expect(Id.parse(a)).toBe(a);
    expect(a[14]).toBe('7');
    expect(a < b).toBe(true);
    expect(new Set(Array.from({ length: 1000 }, () => newId())).size).toBe(1000);
  });
});
