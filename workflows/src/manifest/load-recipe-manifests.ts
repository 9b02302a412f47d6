import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { RecipeManifest } from '@shotfarm/shared';
import { RecipeManifestError } from './recipe-manifest-error.ts';

/** Where the shipped GPU recipes lie: `workflows/recipes/<job-type>/<name>.json`. */
export const shippedRecipesDir = fileURLToPath(new URL('../../recipes/', import.meta.url));

/** A manifest and the file it came from. */
export interface LoadedRecipeManifest {
  file: string;
  manifest: RecipeManifest;
}

function readManifest(file: string, expectedId: string): RecipeManifest {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new RecipeManifestError(file, [`cannot read it as JSON: ${(err as Error).message}`], { cause: err });
  }
  const parsed = RecipeManifest.safeParse(json);
  if (!parsed.success) {
    throw new RecipeManifestError(file, parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`), { cause: parsed.error });
  }
  if (parsed.data.id !== expectedId) {
    throw new RecipeManifestError(file, [`id "${parsed.data.id}" does not match its path, which says "${expectedId}"`]);
  }
  return parsed.data;
}

const isMissing = (err: unknown): boolean => (err as NodeJS.ErrnoException).code === 'ENOENT';

/**
 * Reads and validates every `<dir>/<job-type>/*.json`, sorted by id. Synchronous on purpose: it runs once,
 * when the recipe registry is first imported, and a bad file must stop the boot with the file's name.
 * A missing `dir` means no GPU recipes, not an error.
 */
export function loadRecipeManifests(dir: string = shippedRecipesDir): LoadedRecipeManifest[] {
  let typeDirs: string[];
  try {
    typeDirs = readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort();
  } catch (err) {
    if (isMissing(err)) return [];
    throw err;
  }
  const loaded: LoadedRecipeManifest[] = [];
  for (const typeDir of typeDirs) {
    const files = readdirSync(path.join(dir, typeDir), { withFileTypes: true })
      .filter((e) => e.isFile() && e.name.endsWith('.json')).map((e) => e.name).sort();
    for (const name of files) {
      const file = path.join(dir, typeDir, name);
      loaded.push({ file, manifest: readManifest(file, `${typeDir}/${name.slice(0, -'.json'.length)}`) });
    }
  }
  return loaded;
}
