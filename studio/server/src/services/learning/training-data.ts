import { and, desc, eq, gte, inArray, lte, sql, type SQL } from 'drizzle-orm';
import { parse as parseCsv } from 'csv-parse/sync';
import {
  FeatureColumn, maxTrainingImportRows, newId, TrainingCsvRecord, trainingDataColumns, trainingDataRequiredColumns,
  type TrainingDataRow, type TrainingImportResult,
} from '@shotfarm/shared';
import { tables, type Db } from '@shotfarm/shared/db';
import { TrainingDataInvalidError, withDetails } from '../../errors.ts';

/** Inclusive UTC day range; either end open. */
export interface DayWindow { from?: string | undefined; to?: string | undefined }

/** Most bad rows one refusal lists: enough to fix a file, small enough to read. */
const maxRejectedListed = 100;

/**
 * The learning loop's training data: what `/serve` and `/events` counted per experiment, day, period and arm
 * (`experiment_daily_counts`), summed per image, SKU and day, with the image's stored features (its newest score)
 * and the share of traffic the experiment's period weights gave it; plus rows imported from outside logs.
 */
export class TrainingData {
  constructor(private readonly db: Db) {}

  /** Every row, farm first then imported, each ordered by day, SKU and image. */
  async rows(window: DayWindow = {}): Promise<TrainingDataRow[]> {
    return [...await this.farmRows(window), ...await this.importedRows(window)];
  }

  async farmRows(window: DayWindow = {}): Promise<TrainingDataRow[]> {
    const { experimentDailyCounts: d, experiments: e, experimentArms: a, experimentPeriods: p } = tables;
    const counts = await this.db.select({
      experimentId: d.experimentId, day: d.day, period: d.period, position: d.position, impressions: d.impressions, clicks: d.clicks,
      sku: e.sku, assetId: a.assetId, weights: p.weights,
    }).from(d)
      .innerJoin(e, eq(e.id, d.experimentId))
      .innerJoin(a, and(eq(a.experimentId, d.experimentId), eq(a.position, d.position)))
      .leftJoin(p, and(eq(p.experimentId, d.experimentId), eq(p.period, d.period)))
      .where(and(...dayFilter(d.day, window)));

    // Traffic of each experiment, day and period over all arms: the weight of that period in the day's allocation.
    const periodTraffic = new Map<string, number>();
    for (const c of counts) {
      const k = `${c.experimentId}|${c.day}|${c.period}`;
      periodTraffic.set(k, (periodTraffic.get(k) ?? 0) + c.impressions);
    }
    const byImageDay = new Map<string, { day: string; sku: string; assetId: string; impressions: number; clicks: number; allocationSum: number; trafficSum: number; periodsSeen: Set<string> }>();
    for (const c of counts) {
      const k = `${c.day}|${c.sku}|${c.assetId}`;
      const row = byImageDay.get(k) ?? { day: c.day, sku: c.sku, assetId: c.assetId, impressions: 0, clicks: 0, allocationSum: 0, trafficSum: 0, periodsSeen: new Set() };
      row.impressions += c.impressions;
      row.clicks += c.clicks;
      // Σ over the day's periods of (period traffic × the arm's weight in it) / Σ period traffic, once per period.
      const periodKey = `${c.experimentId}|${c.day}|${c.period}`;
      const weight = c.weights?.[c.position];
      if (weight !== undefined && !row.periodsSeen.has(periodKey)) {
        const traffic = periodTraffic.get(periodKey) ?? 0;
        row.allocationSum += traffic * weight;
        row.trafficSum += traffic;
        row.periodsSeen.add(periodKey);
      }
      byImageDay.set(k, row);
    }
    const features = await this.latestFeatures([...new Set(counts.map((c) => c.assetId))]);
    return [...byImageDay.values()]
      .map((r): TrainingDataRow => ({
        day: r.day, sku: r.sku, image: r.assetId, impressions: r.impressions, clicks: r.clicks,
        allocation: r.trafficSum > 0 ? r.allocationSum / r.trafficSum : null, source: 'farm', features: features.get(r.assetId) ?? {},
      }))
      .sort(byDaySkuImage);
  }

  async importedRows(window: DayWindow = {}): Promise<TrainingDataRow[]> {
    const t = tables.trainingImports;
    const stored = await this.db.select().from(t).where(and(...dayFilter(t.day, window))).orderBy(desc(t.createdAt));
    // Imports of the same image and day add up; the newest import's features stand.
    const byImageDay = new Map<string, TrainingDataRow & { trafficSum: number; allocationSum: number }>();
    for (const s of stored) {
      const k = `${s.day}|${s.sku}|${s.image}`;
      const row = byImageDay.get(k) ?? { day: s.day, sku: s.sku, image: s.image, impressions: 0, clicks: 0, allocation: null, source: 'import' as const, features: s.features, trafficSum: 0, allocationSum: 0 };
      row.impressions += s.impressions;
      row.clicks += s.clicks;
      if (s.allocation !== null) { row.allocationSum += s.allocation * s.impressions; row.trafficSum += s.impressions; }
      byImageDay.set(k, row);
    }
    return [...byImageDay.values()]
      .map(({ trafficSum, allocationSum, ...r }) => ({ ...r, allocation: trafficSum > 0 ? allocationSum / trafficSum : null }))
      .sort(byDaySkuImage);
  }

  /**
   * Store the rows of an outside log in the export's format: every row is checked first, and one bad row refuses
   * the whole file (422 SF_TRAINING_DATA_INVALID listing each bad row), so nothing half-imported is ever trained on.
   */
  async importCsv(csv: string, createdBy: string | null): Promise<TrainingImportResult> {
    const refuse = (message: string, rejected: { line: number; column: string; reason: string }[] = []) =>
      withDetails(new TrainingDataInvalidError(message), { rejected: rejected.slice(0, maxRejectedListed), rejectedCount: rejected.length });
    let records: Record<string, string>[];
    let header: string[] = [];
    try {
      records = parseCsv(csv.replace(/^\uFEFF/, ''), {
        columns: (h: string[]) => { header = h.map((c) => c.trim()); return header; },
        skip_empty_lines: true, relax_column_count: false, trim: false,
      }) as Record<string, string>[];
    } catch (cause) {
      throw refuse(`not a CSV this API can read: ${(cause as Error).message}`);
    }
    const missing = trainingDataRequiredColumns.filter((c) => !header.includes(c));
    if (missing.length > 0) throw refuse(`required column(s) missing: ${missing.join(', ')}`);
    const unknown = header.filter((c) => !(trainingDataColumns as readonly string[]).includes(c) && !FeatureColumn.safeParse(c).success);
    if (unknown.length > 0) throw refuse(`unknown column(s): ${unknown.join(', ')} (feature columns are f_<name>)`);
    if (new Set(header).size !== header.length) throw refuse('a column appears twice');
    if (records.length === 0) throw refuse('no rows');
    if (records.length > maxTrainingImportRows) throw refuse(`${records.length} rows, more than the ${maxTrainingImportRows} one import may carry`);

    const rows: TrainingDataRow[] = [];
    const rejected: { line: number; column: string; reason: string }[] = [];
    records.forEach((record, i) => {
      const parsed = TrainingCsvRecord.safeParse(record);
      if (parsed.success) rows.push(parsed.data);
      else for (const issue of parsed.error.issues) rejected.push({ line: i + 2, column: String(issue.path[0] ?? ''), reason: issue.message });
    });
    if (rejected.length > 0) throw refuse(`${new Set(rejected.map((r) => r.line)).size} bad row(s); nothing was stored`, rejected);

    const batchId = newId();
    await this.db.transaction(async (tx) => {
      for (let i = 0; i < rows.length; i += 1000) {
        await tx.insert(tables.trainingImports).values(rows.slice(i, i + 1000).map((r) => ({
          id: newId(), batchId, day: r.day, sku: r.sku, image: r.image, impressions: r.impressions, clicks: r.clicks,
          allocation: r.allocation, features: r.features, createdBy,
        })));
      }
    });
    return { batchId, rows: rows.length, impressions: rows.reduce((s, r) => s + r.impressions, 0), clicks: rows.reduce((s, r) => s + r.clicks, 0) };
  }

  /** The newest score's features of each asset (features do not depend on the model version). */
  private async latestFeatures(assetIds: string[]): Promise<Map<string, Record<string, number>>> {
    if (assetIds.length === 0) return new Map();
    const s = tables.scores;
    const rows = await this.db.selectDistinctOn([s.assetId], { assetId: s.assetId, features: sql<Record<string, number> | null>`${s.result}->'features'` })
      .from(s).where(inArray(s.assetId, assetIds)).orderBy(s.assetId, desc(s.createdAt));
    return new Map(rows.map((r) => [r.assetId, r.features ?? {}]));
  }
}

function dayFilter(column: Parameters<typeof gte>[0], window: DayWindow): SQL[] {
  return [window.from ? gte(column, window.from) : undefined, window.to ? lte(column, window.to) : undefined].filter((f) => f !== undefined);
}

/** Code-unit order (not the locale's, which skips punctuation): the same file on every machine. */
function byDaySkuImage(a: TrainingDataRow, b: TrainingDataRow): number {
  const cmp = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);
  return cmp(a.day, b.day) || cmp(a.sku, b.sku) || cmp(a.image, b.image);
}
