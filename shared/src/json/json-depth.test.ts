import { describe, expect, it } from 'vitest';
import { jsonDepth, valueDepth } from './json-depth.ts';

describe('jsonDepth', () => {
  it('counts object and array levels', () => {
    expect(jsonDepth('1')).toBe(0);
    expect(jsonDepth('{"a":[1,{"b":2}]}')).toBe(3);
    expect(jsonDepth('[[],[[]]]')).toBe(3);
  });
  it('ignores brackets inside strings, escaped quotes included', () => {
    expect(jsonDepth('{"a":"[[[{{{\\"[[["}')).toBe(1);
  });
  it('scans 100,000 levels without recursion and stops at the limit', () => {
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    expect(jsonDepth(deep)).toBe(100_000);
    expect(jsonDepth(deep, 64)).toBe(65);
  });
});

describe('valueDepth', () => {
  it('measures parsed values iteratively', () => {
    let v: unknown = 1;
    for (let i = 0; i < 50_000; i++) v = [v];
    expect(valueDepth(v)).toBe(50_000);
    expect(valueDepth({ a: { b: [1] } })).toBe(3);
    expect(valueDepth('x')).toBe(0);
  });
});
