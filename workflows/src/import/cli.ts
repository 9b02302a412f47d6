import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { JobType } from '@shotfarm/shared';
import { importWorkflow } from './import-workflow.ts';
import { ObjectInfo } from './object-info.ts';
import { WorkflowImportError } from './workflow-import-error.ts';

/**
 * `pnpm --filter @shotfarm/workflows import <file> [--object-info f.json] [--name n] [--type t] [--out draft.json]`:
 * turns a workflow file into a draft manifest on disk, for designers working without the studio.
 */

const usage = 'usage: import <workflow.json|.png|.webp> [--object-info object_info.json] [--name name] [--type product-shot|model-swap|short-video] [--out draft.json]';

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { 'object-info': { type: 'string' }, name: { type: 'string' }, type: { type: 'string' }, out: { type: 'string' } },
  });
  const file = positionals[0];
  if (!file) {
    console.error(usage);
    return 2;
  }
  const objectInfo = values['object-info'] ? ObjectInfo.parse(JSON.parse(await readFile(values['object-info'], 'utf8'))) : undefined;
  const type = values.type === undefined ? undefined : JobType.parse(values.type);
  const name = values.name ?? path.basename(file).replace(/\.(api|ui)?\.?(json|png|webp)$/i, '');
  try {
    const result = importWorkflow({ file: await readFile(file), objectInfo, name, type });
    const text = `${JSON.stringify(result.manifest, null, 2)}\n`;
    if (values.out) await writeFile(values.out, text);
    else process.stdout.write(text);
    for (const w of result.warnings) console.error(`warning: ${w}`);
    return 0;
  } catch (e) {
    if (e instanceof WorkflowImportError) {
      console.error(`${e.code}: ${e.message}`);
      return 1;
    }
    throw e;
  }
}

process.exitCode = await main();
