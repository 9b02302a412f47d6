import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { configVariables } from './config.ts';

// The README's table of settings is what a newcomer reads; it must not drift from the loader.
describe('README configuration table', () => {
  const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
  it.each(Object.entries(configVariables))('lists %s with its default', (name, spec) => {
    const row = readme.split('\n').find((l) => l.startsWith(`| \`${name}\` |`));
    expect(row, `README row for ${name}`).toBeDefined();
    expect(row).toContain(spec.default === undefined ? '| — |' : `| \`${spec.default}\` |`);
  });
});
