// `pnpm eval:scorer`: the scorer's offline evaluation, one section per part. Exits 1 when a target is missed.
import { pathToFileURL } from 'node:url';
import { ctrEvalSection } from './ctr-eval.ts';
import { degradationEvalSection } from './degradation-eval.ts';
import type { EvalSection } from './eval-section.ts';

/** Every section, in print order; a new part of the scorer adds its section here. */
export const evalSections: readonly EvalSection[] = [degradationEvalSection, ctrEvalSection];

/** Run the sections one after another and print each; resolves to whether every target held. */
export async function runEvalScorer(
  sections: readonly EvalSection[] = evalSections,
  write: (text: string) => void = (text) => { process.stdout.write(text); },
): Promise<boolean> {
  let pass = true;
  for (const section of sections) {
    const started = performance.now();
    const result = await section.run();
    pass &&= result.pass;
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    write(`== ${section.title} (${seconds} s) ==\n${result.lines.join('\n')}\n\n`);
  }
  write(`eval:scorer ${pass ? 'PASS' : 'FAIL'}\n`);
  return pass;
}

export async function main(): Promise<void> {
  if (!(await runEvalScorer())) process.exitCode = 1;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
