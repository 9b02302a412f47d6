/**
 * Integer money maths for the cost ledger. Amounts are milli-fen (1 fen = 1,000 milli-fen, ¥1 = 100,000);
 * quantities are thousandths (milliseconds, milli-cores, bytes). Products can pass 2^53, so they are taken in
 * BigInt and rounded half away from zero once, at the end: no float ever touches an amount.
 */

export const milliFenPerFen = 1_000;
export const milliFenPerYuan = 100_000;
export const msPerHour = 3_600_000;
export const bytesPerGb = 1_000_000_000;
/** A storage month, for per-GB-month prices charged per byte-day (the usual 30-day billing month). */
export const daysPerStorageMonth = 30;

function assertInt(name: string, n: number | bigint): bigint {
  if (typeof n === 'bigint') return n;
  if (!Number.isSafeInteger(n)) throw new RangeError(`${name} must be a safe integer, got ${n}`);
  return BigInt(n);
}

/** round(a × b ÷ c), half away from zero, in exact integer arithmetic. */
export function mulDivRound(a: number | bigint, b: number | bigint, c: number | bigint): number {
  const num = assertInt('a', a) * assertInt('b', b);
  const den = assertInt('c', c);
  if (den <= 0n) throw new RangeError('divisor must be positive');
  const negative = num < 0n;
  const abs = negative ? -num : num;
  const q = (abs * 2n + den) / (den * 2n);
  const result = negative ? -q : q;
  if (result > BigInt(Number.MAX_SAFE_INTEGER) || result < BigInt(Number.MIN_SAFE_INTEGER)) throw new RangeError('amount out of range');
  return Number(result);
}

/** Cost of `ms` milliseconds at an hourly price (milli-fen per hour), times `units` (cores, GPUs). */
export function chargeForTime(ms: number, milliFenPerHour: number, units = 1): number {
  return mulDivRound(BigInt(ms) * assertInt('units', units), milliFenPerHour, msPerHour);
}

/** Cost of storing `bytes` for `days` at a price per GB-month. */
export function chargeForStorage(bytes: number, days: number, milliFenPerGbMonth: number): number {
  return mulDivRound(BigInt(bytes) * assertInt('days', days), milliFenPerGbMonth, bytesPerGb * daysPerStorageMonth);
}

/** Convert a USD amount in micro-dollars at a rate in milli-fen per dollar (¥7.10 = 710,000). */
export function usdMicrosToMilliFen(usdMicros: number, milliFenPerUsd: number): number {
  return mulDivRound(usdMicros, milliFenPerUsd, 1_000_000);
}

/** Fen per hour (COMFYUI_URLS' fenPerHour, REPLICATE_FEN_PER_HOUR) as milli-fen per hour. */
export const fenToMilliFen = (fen: number): number => mulDivRound(fen, milliFenPerFen, 1);

/**
 * Split `total` over `weights` in proportion, in integers that add up to exactly `total` (largest remainder,
 * ties to the earlier weight). All-zero weights split evenly. Used to spread idle GPU time over the images made.
 */
export function splitProportionally(total: number, weights: readonly number[]): number[] {
  if (weights.length === 0) return [];
  assertInt('total', total);
  const ws = weights.map((w) => assertInt('weight', w));
  if (ws.some((w) => w < 0n)) throw new RangeError('weights must be non-negative');
  const sum = ws.reduce((a, b) => a + b, 0n);
  const effective = sum === 0n ? ws.map(() => 1n) : ws;
  const effSum = sum === 0n ? BigInt(ws.length) : sum;
  const t = BigInt(total);
  const shares = effective.map((w) => (t * w) / effSum);
  const remainders = effective.map((w, i) => ({ i, r: (t * w) % effSum }));
  let left = t - shares.reduce((a, b) => a + b, 0n);
  remainders.sort((a, b) => (b.r > a.r ? 1 : b.r < a.r ? -1 : a.i - b.i));
  for (const { i } of remainders) {
    if (left <= 0n) break;
    shares[i]! += 1n;
    left -= 1n;
  }
  return shares.map(Number);
}

/** Integer division for "per image" figures: null when there is nothing to divide by. */
export const perUnit = (amount: number, units: number): number | null => (units > 0 ? mulDivRound(amount, 1, units) : null);

/** ¥ for people, e.g. 123456 milli-fen → "¥1.23" (two decimals, or four under ¥0.01 so small costs do not read as zero). */
export function formatYuan(milliFen: number, locale = 'zh-CN'): string {
  const abs = Math.abs(milliFen);
  const decimals = abs > 0 && abs < 1_000 ? 4 : 2;
  // Formatting only: the division makes a display number, never an amount that is stored or summed.
  return new Intl.NumberFormat(locale, { style: 'currency', currency: 'CNY', minimumFractionDigits: decimals, maximumFractionDigits: decimals })
    .format(milliFen / milliFenPerYuan);
}
