import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { assertValidDataset, type CtrDataset, type CtrRow } from './ctr-dataset.ts';

/** The Open Bandit Dataset sample beside the repo (../shared/fixtures), read where it lies, never copied in. */
export const defaultOpenBanditDir = fileURLToPath(new URL('../../../../shared/fixtures/data/open-bandit-dataset/', import.meta.url));

/** The two logging policies of the sample: uniform random and Bernoulli Thompson sampling. */
export type OpenBanditPolicy = 'random' | 'bts';

export interface OpenBanditOptions {
  /** Folder holding `<policy>-men.csv` and `item_context-men.csv`. @defaultValue {@link defaultOpenBanditDir} */
  dir?: string;
  /** Which logs to read; both carry real clicks on the same items. @defaultValue ['random', 'bts'] */
  policies?: readonly OpenBanditPolicy[];
}

/** The loaded logs as a CTR dataset, with what a report needs to describe them. */
export interface OpenBanditLog {
  dataset: CtrDataset;
  /** UTC midnight of day 0 (the first logged day), ISO 8601. */
  startDate: string;
  /** Logged impressions and clicks before aggregation. */
  impressions: number;
  clicks: number;
  items: number;
}

const msPerDay = 86_400_000;
/** Hex digits of a categorical value kept in a one-hot feature's name: unique among this sample's values. */
const categoryIdLength = 8;

/**
 * Read ZOZOTOWN's Open Bandit Dataset sample (Saito et al., NeurIPS 2021; men's campaign) as a CTR dataset, to run
 * the trainer on real, sparse clicks. The mapping onto our terms:
 *
 * - image = item (`item-<id>`): the thing shown, with its item features: `item_feature_0` numeric, features 1–3
 *   categorical hashes, one-hot encoded (`item_feature_1=<first 8 hex digits>`).
 * - product = display position (`position-<1|2|3>`): the log has no product grouping, and position is the one
 *   thing that shifts every item's CTR alike, so it takes the per-product offset, as a product's popularity does.
 *   Within-"product" AUC is then ordinary AUC within a slot.
 * - day = whole UTC days since the first logged day, for the time-based split.
 *
 * User features and affinities are ignored: the scorer predicts from the image alone.
 */
export async function loadOpenBanditDataset(options: OpenBanditOptions = {}): Promise<OpenBanditLog> {
  const dir = options.dir ?? defaultOpenBanditDir;
  const policies = options.policies ?? ['random', 'bts'];
  const items = parseItemContext(await readFile(path.join(dir, 'item_context-men.csv'), 'utf8'));

  const events: { ms: number; item: number; position: number; click: number }[] = [];
  for (const policy of policies) {
    const file = `${policy}-men.csv`;
    const table = parseCsv(await readFile(path.join(dir, file), 'utf8'), file, ['timestamp', 'item_id', 'position', 'click']);
    for (const row of table.rows) {
      const ms = Date.parse(row.timestamp!.replace(' ', 'T'));
      const item = Number(row.item_id);
      const position = Number(row.position);
      const click = Number(row.click);
      if (!Number.isFinite(ms) || !items.vectors.has(item) || !Number.isInteger(position) || (click !== 0 && click !== 1)) {
        throw new RangeError(`${file}: bad row ${JSON.stringify(row)}`);
      }
      events.push({ ms, item, position, click });
    }
  }
  if (events.length === 0) throw new RangeError(`no logged impressions in ${dir}`);
  const first = events.reduce((m, e) => Math.min(m, e.ms), Number.POSITIVE_INFINITY);
  const origin = Math.floor(first / msPerDay) * msPerDay;

  const cells = new Map<string, CtrRow>();
  let clicks = 0;
  for (const e of events) {
    const day = Math.floor((e.ms - origin) / msPerDay);
    const key = `${e.position}|${e.item}|${day}`;
    let cell = cells.get(key);
    if (!cell) {
      cell = { productId: `position-${e.position}`, imageId: `item-${e.item}`, day, impressions: 0, clicks: 0, features: items.vectors.get(e.item)! };
      cells.set(key, cell);
    }
    cell.impressions++;
    cell.clicks += e.click;
    clicks += e.click;
  }
  const rows = [...cells.values()].sort((a, b) => a.day - b.day || a.productId.localeCompare(b.productId) || a.imageId.localeCompare(b.imageId, 'en', { numeric: true }));
  const dataset: CtrDataset = {
    featureNames: items.featureNames,
    rows,
    description: `Open Bandit Dataset sample, ZOZOTOWN men's campaign (${policies.join(' + ')} logs): ${events.length} impressions, `
      + `${clicks} clicks, ${items.vectors.size} items as images, display position as product`,
  };
  assertValidDataset(dataset);
  return { dataset, startDate: new Date(origin).toISOString(), impressions: events.length, clicks, items: items.vectors.size };
}

interface ItemContext {
  featureNames: string[];
  vectors: Map<number, number[]>;
}

function parseItemContext(text: string): ItemContext {
  const file = 'item_context-men.csv';
  const table = parseCsv(text, file, ['item_id', 'item_feature_0']);
  const categorical = table.header.filter((h) => /^item_feature_\d+$/.test(h) && h !== 'item_feature_0');
  // Sorted category values, so the one-hot columns do not depend on the order of the file.
  const levels = categorical.map((col) => [...new Set(table.rows.map((r) => r[col]!))].sort());
  const featureNames = ['item_feature_0', ...categorical.flatMap((col, i) => levels[i]!.map((v) => `${col}=${v.slice(0, categoryIdLength)}`))];
  const vectors = new Map<number, number[]>();
  for (const r of table.rows) {
    const id = Number(r.item_id);
    const numeric = Number(r.item_feature_0);
    if (!Number.isInteger(id) || !Number.isFinite(numeric)) throw new RangeError(`${file}: bad row ${JSON.stringify(r)}`);
    vectors.set(id, [numeric, ...categorical.flatMap((col, i) => levels[i]!.map((v) => (r[col] === v ? 1 : 0)))]);
  }
  return { featureNames, vectors };
}

/**
 * The sample's CSVs are plain: a header, comma-separated fields, no quoting (numbers and hex hashes). A quote in
 * the input would mean another format, so it fails loudly instead of being split wrongly.
 */
function parseCsv(text: string, file: string, required: readonly string[]): { header: string[]; rows: Record<string, string>[] } {
  const lines = text.split(/\r?\n/).filter((l) => l.length > 0);
  const header = (lines[0] ?? '').split(',');
  for (const col of required) if (!header.includes(col)) throw new RangeError(`${file}: no column ${col}`);
  const rows = lines.slice(1).map((line, i) => {
    if (line.includes('"')) throw new RangeError(`${file}: line ${i + 2} is quoted; only plain CSV is supported`);
    const fields = line.split(',');
    if (fields.length !== header.length) throw new RangeError(`${file}: line ${i + 2} has ${fields.length} fields, expected ${header.length}`);
    return Object.fromEntries(header.map((h, j) => [h, fields[j]!]));
  });
  return { header, rows };
}
