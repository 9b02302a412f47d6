import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ObjectInfo } from '@shotfarm/shared/comfyui';

/** Test helpers: the shared workflow fixtures (read in place, never copied) and the test object_info. */

const here = path.dirname(fileURLToPath(import.meta.url));
export const repoRoot = path.resolve(here, '../..');
export const workflowFixturesDir = path.resolve(repoRoot, '../shared/fixtures/workflows');
const objectInfoDir = path.resolve(repoRoot, 'workflows/test/object-info');

/** Every fixture file under the workflows folder whose name ends in `suffix`, relative to it. */
export function fixtureFiles(suffix: string): string[] {
  return readdirSync(workflowFixturesDir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith(suffix)).sort();
}

export const readFixture = (rel: string): Buffer => readFileSync(path.join(workflowFixturesDir, rel));
export const readFixtureJson = (rel: string): unknown => JSON.parse(readFixture(rel).toString('utf8'));

/** All test object_info files merged, as a ComfyUI server with those nodes installed would answer. */
export function testObjectInfo(): ObjectInfo {
  const merged: Record<string, unknown> = {};
  for (const file of readdirSync(objectInfoDir).filter((f) => f.endsWith('.json')).sort()) {
    Object.assign(merged, JSON.parse(readFileSync(path.join(objectInfoDir, file), 'utf8')));
  }
  return ObjectInfo.parse(merged);
}

/** What two API graphs are compared on: each node's class and inputs (`_meta` titles are the editor's business). */
export const graphShape = (graph: unknown): Record<string, unknown> =>
  Object.fromEntries(Object.entries(graph as Record<string, { class_type: string; inputs: unknown }>)
    .map(([id, n]) => [id, { class_type: n.class_type, inputs: n.inputs }]));
