import { Id, Sku, type LaunchPhotoRef, type LaunchRowProblem, type LaunchRowProblemCode, type Params } from '@shotfarm/shared';
import type { ManifestTable } from './manifest-read.ts';
import { hostAllowed } from './photo-url-fetch.ts';

/** A manifest row that passed every check. */
export interface ManifestRow {
  line: number;
  sku: string;
  title: string;
  category: string;
  photos: LaunchPhotoRef[];
  params: Params | null;
}

export interface RowCheckContext {
  /** The uploaded ZIP's entry names (by path, or by file name when unique); null when none was sent. */
  zip: { has(name: string): boolean } | null;
  /** LAUNCH_URL_HOSTS. */
  urlHosts: readonly string[];
  /** Check one row's parameter overrides against the plan's recipes; a message when they do not fit. */
  checkParams: (params: Params) => string | null;
}

export const requiredColumns = ['sku', 'title', 'category', 'photos'] as const;

/** A SKU code as the storefront and experiments know it (shared `Sku`); not `.`/`..`, as it becomes a folder in the report ZIP. */
const validSku = (sku: string): boolean => Sku.safeParse(sku).success && !/^\.+$/.test(sku);
const photoSeparator = /[;|\n]/;

/**
 * Check every row (structure, duplicates, photo references, overrides), collecting every problem with its line and
 * column. Photo references are judged by shape here; whether an asset exists and whether a ZIP entry is an image are
 * judged next (they need the database and the archive).
 */
export function checkRows(table: ManifestTable, ctx: RowCheckContext): { rows: ManifestRow[]; problems: LaunchRowProblem[]; fatal: boolean } {
  const problems: LaunchRowProblem[] = [];
  const columnName = (c: string): string => table.columns.get(c) ?? c;
  const missing = requiredColumns.filter((c) => !table.columns.has(c));
  if (missing.length > 0) {
    return {
      rows: [], fatal: true,
      problems: missing.map((c) => ({ line: 1, column: c, code: 'column_missing' as const, reason: `the header has no "${c}" column` })),
    };
  }
  const firstLineOf = new Map<string, number>();
  const rows: ManifestRow[] = [];
  for (const { line, cells } of table.rows) {
    const before = problems.length;
    const add = (column: string, code: LaunchRowProblemCode, reason: string) => problems.push({ line, column: columnName(column), code, reason });
    if (cells.__invalid) { add('', 'value_invalid', cells.__invalid); continue; }
    const sku = (cells.sku ?? '').trim();
    const title = (cells.title ?? '').trim();
    const category = (cells.category ?? '').trim();
    if (sku === '') add('sku', 'value_missing', 'no SKU');
    else if (!validSku(sku)) add('sku', 'value_invalid', 'a SKU is 1–64 ASCII letters, digits, ".", "_" or "-"');
    else if (firstLineOf.has(sku.toLowerCase())) add('sku', 'sku_duplicate', `SKU ${sku} is already on line ${firstLineOf.get(sku.toLowerCase())}`);
    else firstLineOf.set(sku.toLowerCase(), line);
    if (title === '') add('title', 'value_missing', 'no title');
    else if (title.length > 200) add('title', 'value_invalid', 'a title is at most 200 characters');
    if (category === '') add('category', 'value_missing', 'no category');
    else if (category.length > 64) add('category', 'value_invalid', 'a category is at most 64 characters');

    const refs = (cells.photos ?? '').split(photoSeparator).map((r) => r.trim()).filter(Boolean);
    const photos: LaunchPhotoRef[] = [];
    if (refs.length === 0) add('photos', 'value_missing', 'no photo');
    for (const ref of refs.slice(0, 8)) {
      if (Id.safeParse(ref).success) { photos.push({ kind: 'asset', ref, assetId: ref }); continue; }
      if (/^[a-z][a-z0-9+.-]*:\/\//i.test(ref)) {
        let url: URL;
        try {
          url = new URL(ref);
        } catch {
          add('photos', 'url_invalid', `${ref.slice(0, 200)} is not a valid URL`); continue;
        }
        if (url.protocol !== 'https:') { add('photos', 'url_invalid', `${ref.slice(0, 200)}: only https URLs are fetched`); continue; }
        if (!hostAllowed(url.hostname, ctx.urlHosts)) {
          add('photos', 'url_host_not_allowed', `${url.hostname} is not an allowed photo host (LAUNCH_URL_HOSTS${ctx.urlHosts.length === 0 ? ' is empty' : `: ${ctx.urlHosts.join(', ')}`})`);
          continue;
        }
        photos.push({ kind: 'url', ref: url.href, assetId: null });
        continue;
      }
      if (!ctx.zip) { add('photos', 'photo_missing_in_zip', `${ref.slice(0, 200)}: no photo ZIP was sent`); continue; }
      if (!ctx.zip.has(ref)) { add('photos', 'photo_missing_in_zip', `${ref.slice(0, 200)} is not in the photo ZIP`); continue; }
      photos.push({ kind: 'zip', ref, assetId: null });
    }
    if (refs.length > 8) add('photos', 'value_invalid', 'at most 8 photos per SKU');

    let params: Params | null = null;
    const rawParams = (cells.params ?? '').trim();
    if (rawParams !== '') {
      try {
        const parsed: unknown = JSON.parse(rawParams);
        if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
        params = parsed as Params;
        const wrong = ctx.checkParams(params);
        if (wrong) add('params', 'params_invalid', wrong);
      } catch (e) {
        if (!(e instanceof SyntaxError) && (e as Error).message !== 'not an object') throw e;
        add('params', 'params_invalid', 'params is a JSON object, e.g. {"scene":"marble"}');
      }
    }
    if (problems.length === before) rows.push({ line, sku, title, category, photos, params });
  }
  return { rows, problems, fatal: false };
}
