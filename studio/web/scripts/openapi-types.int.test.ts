/* eslint-disable no-restricted-imports -- a Node test of a build-time script, not browser code. */
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { openApiTypesFile, renderOpenApiTypes } from './openapi-types.ts';

// Integration, not unit: building the API needs a real Redis (the queue plugin waits for it).
describe('the committed OpenAPI client types', () => {
  it('match what the route schemas generate today (else run `pnpm --filter @shotfarm/studio gen:api`)', async () => {
    const committed = await readFile(openApiTypesFile, 'utf8');
    expect(committed).toBe(await renderOpenApiTypes());
  });
});
