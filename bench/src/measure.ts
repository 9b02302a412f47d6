import { performance } from 'node:perf_hooks';

/** One timed batch: how many items it did and how long it took. */
export interface Batch {
  items: number;
  elapsedMs: number;
}

/** The paired rounds of one benchmark: the subject and its baseline, measured in the same run. */
export interface Comparison {
  /** Items per second of each round, in round order. */
  subjectPerS: number[];
  baselinePerS: number[];
}

/** Options of {@link interleave}. */
export interface InterleaveOptions {
  /** Paired rounds to measure. */
  rounds: number;
  /** One timed batch of the baseline. */
  baseline: () => Promise<Batch>;
  /** One timed batch of the thing measured. */
  subject: () => Promise<Batch>;
  /**
   * Untimed batches of each, run once before the rounds (JIT, sharp's thread pool, connection pools).
   * @defaultValue none
   */
  warmUp?: () => Promise<void>;
}

/** What one benchmark prints: its figures and how to name them. */
export interface BenchmarkResult {
  name: string;
  comparison: Comparison;
  /** Plural noun of what is counted: `jobs`, `images`. */
  itemNoun: string;
  itemsPerRound: number;
  baselineLabel: string;
  /** Further lines printed under the result (a benchmark that also samples memory, say). @defaultValue none */
  notes?: string[];
}

/** A benchmark `main.ts` can run by name. */
export interface Benchmark {
  name: string;
  /** `flags`: the `--name value` pairs given on the command line (`--skus 2000`), for the benchmarks that read any. */
  run(flags?: Readonly<Record<string, string>>): Promise<BenchmarkResult>;
}

/** The middle value; the mean of the two middle ones for an even count. */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError('median of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function perSecond(batch: Batch): number {
  if (batch.elapsedMs <= 0) throw new RangeError(`a batch took ${batch.elapsedMs} ms`);
  return (batch.items * 1000) / batch.elapsedMs;
}

/** Time `work`, which does `items` items. */
export async function timeBatch(items: number, work: () => Promise<void>): Promise<Batch> {
  const started = performance.now();
  await work();
  return { items, elapsedMs: performance.now() - started };
}

/**
 * Run baseline and subject in alternation, ABBA (even rounds baseline first, odd rounds subject first):
 * on a shared machine load drifts within a run, and pairing each subject batch with the baseline batch
 * beside it, in both orders, cancels most of that drift.
 */
export async function interleave(opts: InterleaveOptions): Promise<Comparison> {
  if (!Number.isInteger(opts.rounds) || opts.rounds < 1) throw new RangeError(`rounds must be a positive integer, got ${opts.rounds}`);
  await opts.warmUp?.();
  const subjectPerS: number[] = [];
  const baselinePerS: number[] = [];
  for (let round = 0; round < opts.rounds; round++) {
    if (round % 2 === 0) {
      baselinePerS.push(perSecond(await opts.baseline()));
      subjectPerS.push(perSecond(await opts.subject()));
    } else {
      subjectPerS.push(perSecond(await opts.subject()));
      baselinePerS.push(perSecond(await opts.baseline()));
    }
  }
  return { subjectPerS, baselinePerS };
}

/** Subject ÷ baseline of each round: the pairs are what the noise cancels within. */
export function roundRatios(c: Comparison): number[] {
  return c.subjectPerS.map((s, i) => s / c.baselinePerS[i]!);
}

/** Three significant figures, never exponent notation: 0.0123, 1.23, 12.3, 1234. */
export function formatRate(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (value >= 100) return value.toFixed(0);
  if (value >= 10) return value.toFixed(1);
  if (value >= 1) return value.toFixed(2);
  return value.toPrecision(3);
}

export function formatRatio(value: number): string {
  return value.toFixed(2);
}

/**
 * `name: S noun/s vs BASELINE B noun/s → ratio R (median of N rounds, M noun each; round ratios lo–hi)`.
 * S and B are medians of the rounds' rates; R is the median of the per-round ratios, so it can differ a
 * little from S ÷ B.
 */
export function formatResult(r: BenchmarkResult): string {
  const c = r.comparison;
  const ratios = roundRatios(c);
  const unit = `${r.itemNoun}/s`;
  const spread = ratios.length > 1
    ? `; round ratios ${formatRatio(Math.min(...ratios))}–${formatRatio(Math.max(...ratios))}`
    : '';
  return `${r.name}: ${formatRate(median(c.subjectPerS))} ${unit} vs ${r.baselineLabel} ${formatRate(median(c.baselinePerS))} ${unit}`
    + ` → ratio ${formatRatio(median(ratios))} (median of ${ratios.length} rounds, ${r.itemsPerRound} ${r.itemNoun} each${spread})`;
}
