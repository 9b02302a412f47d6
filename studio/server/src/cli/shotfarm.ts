import path from 'node:path';
import { parseArgs } from 'node:util';
import { runLaunchCommand } from './launch-command.ts';

const usage = `usage:
  pnpm shotfarm launch <manifest.csv|.xlsx|.json> [--photos photos.zip] --recipe <job-type>/<name>[:variants] [--recipe …]
                       [--pick N] [--profile taobao-main] [--budget <yuan>] [--accept-partial] [--experiment] [--out DIR]
  pnpm shotfarm launch --resume <launch id> [--out DIR]

  The API is SHOTFARM_API_URL (default http://127.0.0.1:3000); the key is SHOTFARM_API_KEY (an operator's key).`;

/** `pnpm shotfarm …`: the command-line client of the API (HTTP only, with an API key). */
async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command !== 'launch') {
    process.stderr.write(`${usage}\n`);
    return command === undefined || command === '--help' ? 0 : 1;
  }
  const { values, positionals } = parseArgs({
    args: rest, allowPositionals: true,
    options: {
      photos: { type: 'string' }, recipe: { type: 'string', multiple: true }, pick: { type: 'string', default: '1' }, profile: { type: 'string' },
      budget: { type: 'string' }, 'accept-partial': { type: 'boolean', default: false }, experiment: { type: 'boolean', default: false },
      resume: { type: 'string' }, out: { type: 'string', default: '.' }, api: { type: 'string' }, 'poll-ms': { type: 'string', default: '1000' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) { process.stdout.write(`${usage}\n`); return 0; }
  const key = process.env.SHOTFARM_API_KEY;
  if (!key) { process.stderr.write('set SHOTFARM_API_KEY to an API key with the operator role\n'); return 1; }
  const budget = values.budget === undefined ? undefined : Number(values.budget);
  if (budget !== undefined && !(budget > 0)) { process.stderr.write('--budget is a positive amount of yuan\n'); return 1; }
  // `pnpm shotfarm` runs in the repository root; paths are the caller's, relative to where they typed the command.
  const here = (p: string | undefined) => (p === undefined ? undefined : path.resolve(process.env.INIT_CWD ?? process.cwd(), p));
  return runLaunchCommand({
    api: values.api ?? process.env.SHOTFARM_API_URL ?? 'http://127.0.0.1:3000', key,
    manifest: here(positionals[0]), photos: here(values.photos), recipes: values.recipe ?? [], pick: Number(values.pick), profile: values.profile,
    budgetYuan: budget, acceptPartial: values['accept-partial'], experiment: values.experiment, resume: values.resume, out: here(values.out)!,
    pollMs: Number(values['poll-ms']), stdout: process.stdout, stderr: process.stderr,
  });
}

main(process.argv.slice(2)).then((code) => { process.exitCode = code; }, (err: unknown) => {
  process.stderr.write(`${(err as Error).message}\n`);
  process.exitCode = 1;
});
