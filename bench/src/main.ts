// `pnpm bench [name…]`: run every benchmark (or those whose name contains one of the arguments) and print,
// for each, its rate against a baseline measured in the same run. Absolute figures are printed too, but on a
// shared machine only the ratio means much.
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { apiLoad } from './benchmarks/api-load.ts';
import { comfyuiPool, comfyuiPoolMixed } from './benchmarks/comfyui-pool.ts';
import { farmThroughput } from './benchmarks/farm-throughput.ts';
import { launchReportZip } from './benchmarks/launch-report-zip.ts';
import { launchScale } from './benchmarks/launch-scale.ts';
import { productShotPipeline } from './benchmarks/product-shot-pipeline.ts';
import { scorerThroughput } from './benchmarks/scorer-throughput.ts';
import { studioWeb } from './benchmarks/studio-web.ts';
import { studioWebScroll } from './benchmarks/studio-web-scroll.ts';
import { storefrontServe } from './benchmarks/storefront-serve.ts';
import { formatResult, type Benchmark } from './measure.ts';

const benchmarks: readonly Benchmark[] = [farmThroughput, productShotPipeline, scorerThroughput, comfyuiPool, comfyuiPoolMixed, studioWeb, studioWebScroll, storefrontServe, apiLoad, launchScale, launchReportZip];

function selectBenchmarks(filters: readonly string[]): Benchmark[] {
  if (filters.length === 0) return [...benchmarks];
  const selected = benchmarks.filter((b) => filters.some((f) => b.name.includes(f)));
  if (selected.length === 0) {
    throw new Error(`no benchmark matches ${filters.map((f) => JSON.stringify(f)).join(', ')} (known: ${benchmarks.map((b) => b.name).join(', ')})`);
  }
  return selected;
}

/** Benchmark names apart from `--name value` flags (`launch-scale --skus 2000`). */
function splitArguments(args: readonly string[]): { names: string[]; flags: Record<string, string> } {
  const names: string[] = [];
  const flags: Record<string, string> = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (!arg.startsWith('--')) { names.push(arg); continue; }
    const [name, inline] = arg.slice(2).split('=', 2) as [string, string | undefined];
    const value = inline ?? args[++i];
    if (value === undefined) throw new Error(`--${name} needs a value`);
    flags[name] = value;
  }
  return { names, flags };
}

function header(): string {
  const cpus = os.cpus();
  return [
    `shotfarm bench, ${new Date().toISOString()}`,
    `cores: ${os.availableParallelism()} available, ${cpus.length} total (${cpus[0]?.model.trim() ?? 'unknown CPU'})`,
    `node ${process.version}, ${process.platform}-${process.arch}, ${Math.round(os.totalmem() / 2 ** 30)} GiB memory, load ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`,
  ].join('\n');
}

async function main(): Promise<void> {
  // pnpm may pass a literal `--` before the arguments; `--name value` pairs are flags for the benchmarks.
  const { names, flags } = splitArguments(process.argv.slice(2).filter((a) => a !== '--'));
  const selected = selectBenchmarks(names);
  console.log(header());
  const started = performance.now();
  for (const benchmark of selected) {
    try {
      const result = await benchmark.run(flags);
      console.log(formatResult(result));
      for (const line of result.notes ?? []) console.log(line);
    } catch (e) {
      process.exitCode = 1;
      console.error(`${benchmark.name}: failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    }
  }
  console.log(`done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

main().catch((e: unknown) => {
  process.exitCode = 1;
  console.error(e instanceof Error ? e.message : String(e));
});
