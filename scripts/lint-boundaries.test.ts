// The package-boundary rules of eslint.config.js, run through ESLint's Node API on one-line files placed where
// each rule applies: each wrong import must be refused, and its allowed neighbour must pass.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const eslint = new ESLint({ cwd: root });

/** The no-restricted-imports messages ESLint gives `code` as if it were the file at `file`. */
async function restrictions(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(`${code}\nexport const used = x;\n`, { filePath: path.join(root, file) });
  return result!.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('package boundaries (eslint.config.js)', () => {
  it.each([
    ['a render worker opening the database', 'render-worker/src/x.ts', "import { tables as x } from '@shotfarm/shared/db';", /never open the database/],
    ['a scorer reaching the database by path', 'scorer/src/x.ts', "import { tables as x } from '../../shared/src/db/index.ts';", /never open the database/],
    ['the API importing the render worker', 'studio/server/src/services/x.ts', "import { RenderWorker as x } from '@shotfarm/render-worker';", /does not load worker code/],
    ['the API importing the scorer root (ONNX Runtime)', 'studio/server/src/routes/x.ts', "import { ScoreWorker as x } from '@shotfarm/scorer';", /does not load worker code/],
    ['the API importing scorer scoring code', 'studio/server/src/routes/x.ts', "import { qualityScore as x } from '@shotfarm/scorer/scoring';", /does not load worker code/],
    ['the API reaching worker internals by path', 'studio/server/src/routes/x.ts', "import { ComfyClient as x } from '../../../render-worker/src/backends/comfyui/comfy-client.ts';", /does not load worker code/],
    ['a studio test importing worker internals', 'studio/server/test/x.ts', "import { gateProfiles as x } from '@shotfarm/scorer/scoring';", /entry points/],
    ['the web app importing the database', 'studio/web/src/x.ts', "import { tables as x } from '@shotfarm/shared/db';", /only @shotfarm\/shared/],
    ['the web app importing workflows', 'studio/web/src/x.ts', "import { recipes as x } from '@shotfarm/workflows';", /only @shotfarm\/shared/],
    ['the web app importing Node', 'studio/web/src/x.ts', "import x from 'node:fs';", /only @shotfarm\/shared/],
  ])('refuses %s', async (_what, file, code, message) => {
    const found = await restrictions(file, code);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(message);
  });

  it.each([
    ['a render worker using shared contracts and queues', 'render-worker/src/x.ts', "import { createRedis as x } from '@shotfarm/shared/queue';"],
    ['the API using the shared protocol clients', 'studio/server/src/services/x.ts', "import { ComfyHttpClient as x } from '@shotfarm/shared/comfyui';"],
    ['the API reading the shipped model files', 'studio/server/src/main.ts', "import { readShippedModels as x } from '@shotfarm/scorer/models';"],
    ['a studio test starting a worker by its entry point', 'studio/server/test/x.ts', "import { ScoreWorker as x } from '@shotfarm/scorer';"],
    ['the web app using shared schemas', 'studio/web/src/x.ts', "import { Job as x } from '@shotfarm/shared';"],
  ])('allows %s', async (_what, file, code) => {
    expect(await restrictions(file, code)).toEqual([]);
  });
});
