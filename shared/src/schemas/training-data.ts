import { z } from 'zod';

/**
 * The learning loop's training data (issue 17), one row per image, SKU and UTC day — what
 * `GET /api/training-data.csv` exports and `POST /api/training-data` imports, so a shop can bring its own history.
 *
 * CSV: UTF-8, comma-separated, RFC 4180 quoting, a header line. Columns, in this order on export:
 * - `day` — UTC day, `YYYY-MM-DD`;
 * - `sku` — the product (the offset group of the trainer);
 * - `image` — the image: a farm asset id on export, the shop's own id on import;
 * - `impressions`, `clicks` — whole numbers, clicks ≤ impressions;
 * - `allocation` — the share of the SKU's traffic the image was allocated that day (the experiment's period weights,
 *   averaged over the day's impressions); empty when the image was not served by an experiment;
 * - `source` — `farm` (counted by `/serve` and `/events`) or `import` (brought in); optional on import;
 * - `f_<feature>` — one column per image feature (the scorer's canonical names, e.g. `f_sharpness`), a finite
 *   number; empty on export when the image has no stored score.
 */
export const trainingDataColumns = ['day', 'sku', 'image', 'impressions', 'clicks', 'allocation', 'source'] as const;
/** Required on import; `allocation` and `source` may be left out. */
export const trainingDataRequiredColumns = ['day', 'sku', 'image', 'impressions', 'clicks'] as const;
export const featureColumnPrefix = 'f_';
/** A feature column: the prefix, then a canonical feature name. */
export const FeatureColumn = z.string().regex(/^f_[A-Za-z][A-Za-z0-9]{0,63}$/);

export const TrainingDataSource = z.enum(['farm', 'import']);
export type TrainingDataSource = z.infer<typeof TrainingDataSource>;

/** Most rows one import may carry (a year of 500 images a day); bigger histories go in several requests. */
export const maxTrainingImportRows = 200_000;

/** One row as the API holds it. */
export const TrainingDataRow = z.object({
  day: z.iso.date(),
  sku: z.string().min(1).max(200),
  image: z.string().min(1).max(200),
  impressions: z.int().nonnegative(),
  clicks: z.int().nonnegative(),
  allocation: z.number().min(0).max(1).nullable(),
  source: TrainingDataSource,
  /** Feature name (without the prefix) → value; empty when the image has no stored score. */
  features: z.record(z.string(), z.number()),
}).refine((r) => r.clicks <= r.impressions, { path: ['clicks'], message: 'more clicks than impressions' });
export type TrainingDataRow = z.infer<typeof TrainingDataRow>;

const wholeNumber = z.string().trim().regex(/^\d{1,15}$/, 'a whole number').transform(Number);
const optionalShare = z.string().trim().transform((s, ctx) => {
  if (s === '') return null;
  const n = Number(s);
  if (!Number.isFinite(n) || n < 0 || n > 1) { ctx.addIssue({ code: 'custom', message: 'a share between 0 and 1, or empty' }); return z.NEVER; }
  return n;
});
const finiteNumber = z.string().trim().transform((s, ctx) => {
  const n = s === '' ? Number.NaN : Number(s);
  if (!Number.isFinite(n)) { ctx.addIssue({ code: 'custom', message: 'a finite number' }); return z.NEVER; }
  return n;
});

/**
 * One imported CSV record (column → raw text, as a CSV reader gives it) → a row. Every feature column must hold a
 * number: an imported row without features could not train anything.
 */
export const TrainingCsvRecord = z.record(z.string(), z.string()).transform((record, ctx) => {
  const features: Record<string, number> = {};
  for (const [column, text] of Object.entries(record)) {
    if (!column.startsWith(featureColumnPrefix)) continue;
    const parsed = finiteNumber.safeParse(text);
    if (parsed.success) features[column.slice(featureColumnPrefix.length)] = parsed.data;
    else ctx.addIssue({ code: 'custom', path: [column], message: 'a finite number' });
  }
  const fields = z.object({
    day: z.string().trim().pipe(z.iso.date()),
    sku: z.string().trim().min(1).max(200),
    image: z.string().trim().min(1).max(200),
    impressions: wholeNumber,
    clicks: wholeNumber,
    allocation: optionalShare.optional(),
    source: z.string().trim().optional(),
  }).safeParse(record);
  if (!fields.success) {
    for (const issue of fields.error.issues) ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
    return z.NEVER;
  }
  const f = fields.data;
  if (f.source !== undefined && f.source !== '' && !TrainingDataSource.safeParse(f.source).success) {
    ctx.addIssue({ code: 'custom', path: ['source'], message: 'farm or import, or empty' });
  }
  if (f.clicks > f.impressions) ctx.addIssue({ code: 'custom', path: ['clicks'], message: 'more clicks than impressions' });
  if (Object.keys(features).length === 0) ctx.addIssue({ code: 'custom', path: [], message: 'no feature column' });
  return { day: f.day, sku: f.sku, image: f.image, impressions: f.impressions, clicks: f.clicks, allocation: f.allocation ?? null, source: 'import' as const, features };
});

/** `POST /api/training-data` → 201: how many rows were stored, under which import batch. */
export const TrainingImportResult = z.object({ batchId: z.string(), rows: z.int().nonnegative(), impressions: z.int().nonnegative(), clicks: z.int().nonnegative() });
export type TrainingImportResult = z.infer<typeof TrainingImportResult>;

/** Quote a CSV field when it holds a comma, a quote or a line break (RFC 4180). */
export function csvField(value: string | number | null): string {
  if (value === null) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** The CSV text of rows, header first; feature columns are the union of the rows' features, sorted by name. */
export function trainingDataCsv(rows: readonly TrainingDataRow[]): string {
  const featureNames = [...new Set(rows.flatMap((r) => Object.keys(r.features)))].sort();
  const lines = [[...trainingDataColumns, ...featureNames.map((n) => `${featureColumnPrefix}${n}`)].join(',')];
  for (const r of rows) {
    lines.push([
      r.day, csvField(r.sku), csvField(r.image), r.impressions, r.clicks, r.allocation ?? '', r.source,
      ...featureNames.map((n) => (r.features[n] === undefined ? '' : String(r.features[n]))),
    ].join(','));
  }
  return `${lines.join('\n')}\n`;
}
