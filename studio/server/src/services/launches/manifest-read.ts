import { parse as parseCsv } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { LaunchManifestInvalidError, withDetails } from '../../errors.ts';
import { checkZipBounds, type ZipBounds } from './photo-zip.ts';

/** A manifest as a table: its header (as written) and each row's cells by normalised column, with its spreadsheet line. */
export interface ManifestTable {
  format: 'csv' | 'xlsx' | 'json';
  /** Normalised column → the header as the operator wrote it (for error messages). */
  columns: Map<string, string>;
  rows: { line: number; cells: Record<string, string> }[];
}

/** Largest manifest accepted, bytes: 20,000 rows of a few hundred bytes each, with room. */
export const maxManifestBytes = 16 * 1024 * 1024;
/** An XLSX is a ZIP of XML: bounded like a photo ZIP, far tighter. */
const xlsxBounds: ZipBounds = { maxEntries: 200, maxEntryBytes: 64 * 1024 * 1024, maxTotalBytes: 128 * 1024 * 1024, maxRatio: 200 };

/**
 * Header names an operator may use for each column, English and Chinese (the names Chinese spreadsheets use), compared
 * lower-cased with spaces, dashes and underscores removed.
 */
const columnAliases: Record<string, readonly string[]> = {
  sku: ['sku', 'skuid', 'skucode', 'sku编码', '商品编码', '货号', '款号'],
  title: ['title', 'name', 'productname', '标题', '商品标题', '商品名称', '名称'],
  category: ['category', '类目', '分类', '品类'],
  photos: ['photos', 'photo', 'images', 'image', 'pictures', '图片', '商品图', '主图', '照片'],
  params: ['params', 'parameters', 'overrides', '参数'],
};
const normaliseHeader = (h: string): string => h.trim().toLowerCase().replace(/[\s_-]+/g, '');
const canonicalOf = new Map(Object.entries(columnAliases).flatMap(([canonical, names]) => names.map((n) => [n, canonical] as const)));

/** The manifest refused as a whole (422 SF_LAUNCH_MANIFEST_INVALID), with a row-shaped problem where it has one. */
function unreadable(reason: string, column = '', line = 1): Error {
  return withDetails(new LaunchManifestInvalidError(reason), { rejected: [{ line, column, code: 'value_invalid', reason }] });
}

/**
 * Text of a CSV: a BOM says UTF-8 or UTF-16; without one, bytes that are valid UTF-8 are UTF-8 and anything else is
 * read as GB18030 (a superset of GBK and GB2312, which Excel in a Chinese locale writes).
 */
export function decodeCsvText(bytes: Buffer): { text: string; encoding: string } {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return { text: bytes.subarray(3).toString('utf8'), encoding: 'utf-8-bom' };
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { text: iconv.decode(bytes.subarray(2), 'utf-16le'), encoding: 'utf-16le' };
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { text: iconv.decode(bytes.subarray(2), 'utf-16be'), encoding: 'utf-16be' };
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), encoding: 'utf-8' };
  } catch {
    return { text: iconv.decode(bytes, 'gb18030'), encoding: 'gb18030' };
  }
}

/** Which of the three formats the bytes are: by content, not by file name (names lie). */
export function manifestFormatOf(bytes: Buffer): ManifestTable['format'] {
  if (bytes.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04]))) return 'xlsx';
  const first = bytes.subarray(0, 64).toString('utf8').replace(/^\uFEFF/, '').trimStart()[0];
  return first === '[' || first === '{' ? 'json' : 'csv';
}

/** Read a manifest (CSV in UTF-8 with or without BOM, UTF-16 or GB18030; XLSX's first sheet; JSON) into a table. */
export async function readManifest(bytes: Buffer): Promise<ManifestTable> {
  if (bytes.length === 0) throw unreadable('the manifest is empty');
  if (bytes.length > maxManifestBytes) throw unreadable(`the manifest is larger than ${maxManifestBytes} bytes`);
  const format = manifestFormatOf(bytes);
  if (format === 'json') return fromJson(bytes);
  const grid = format === 'xlsx' ? await xlsxGrid(bytes) : csvGrid(bytes);
  return fromGrid(format, grid);
}

function csvGrid(bytes: Buffer): { line: number; cells: string[] }[] {
  const { text } = decodeCsvText(bytes);
  // Excel in some locales writes `;` between fields: take whichever of `,` `;` tab the header line uses most.
  const headerLine = text.slice(0, text.search(/\r?\n|$/));
  const delimiter = [',', ';', '\t'].map((d) => [d, headerLine.split(d).length] as const).sort((a, b) => b[1] - a[1])[0]![0];
  let records: string[][];
  try {
    records = parseCsv(text, { delimiter, relax_column_count: true, skip_empty_lines: false, bom: true, trim: false }) as string[][];
  } catch (e) {
    const line = (e as { lines?: number }).lines;
    throw unreadable(`the CSV cannot be parsed: ${(e as Error).message.split('\n')[0]}`, '', typeof line === 'number' ? line : 1);
  }
  // A spreadsheet numbers every record from 1 at the header (blank ones too): so do we.
  return records.map((cells, i) => ({ line: i + 1, cells }));
}

async function xlsxGrid(bytes: Buffer): Promise<{ line: number; cells: string[] }[]> {
  try {
    await checkZipBounds(bytes, xlsxBounds);
  } catch {
    throw unreadable('the XLSX file is damaged or inflates to more than a manifest can be');
  }
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
  } catch {
    throw unreadable('the XLSX file cannot be read');
  }
  const sheet = workbook.worksheets[0];
  if (!sheet) throw unreadable('the XLSX file has no sheet');
  const grid: { line: number; cells: string[] }[] = [];
  sheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    const cells: string[] = [];
    row.eachCell({ includeEmpty: true }, (cell, col) => { cells[col - 1] = cell.text ?? ''; });
    grid.push({ line: rowNumber, cells: Array.from(cells, (c) => c ?? '') });
  });
  return grid;
}

function fromGrid(format: ManifestTable['format'], grid: { line: number; cells: string[] }[]): ManifestTable {
  const header = grid[0];
  if (!header) throw unreadable('the manifest has no header row');
  const columns = new Map<string, string>();
  const indexOf = new Map<string, number>();
  header.cells.forEach((raw, i) => {
    const canonical = canonicalOf.get(normaliseHeader(raw.replace(/^\uFEFF/, '')));
    if (canonical && !indexOf.has(canonical)) { indexOf.set(canonical, i); columns.set(canonical, raw.trim()); }
  });
  const rows = grid.slice(1)
    .filter((r) => r.cells.some((c) => c.trim() !== ''))
    .map((r) => ({ line: r.line - header.line + 1, cells: Object.fromEntries([...indexOf].map(([name, i]) => [name, r.cells[i] ?? ''])) }));
  return { format, columns, rows };
}

function fromJson(bytes: Buffer): ManifestTable {
  let data: unknown;
  try {
    data = JSON.parse(bytes.toString('utf8').replace(/^\uFEFF/, ''));
  } catch (e) {
    throw unreadable(`the JSON cannot be parsed: ${(e as Error).message}`);
  }
  const items = Array.isArray(data) ? data : (data as { rows?: unknown })?.rows;
  if (!Array.isArray(items)) throw unreadable('a JSON manifest is an array of rows, or {"rows": [...]}');
  const columns = new Map<string, string>();
  const rows = items.map((item, i) => {
    // Line numbers as if the JSON were a sheet: the header is line 1, the first row line 2.
    const line = i + 2;
    const cells: Record<string, string> = {};
    if (item === null || typeof item !== 'object' || Array.isArray(item)) return { line, cells: { __invalid: 'a row must be an object' } };
    for (const [key, value] of Object.entries(item as Record<string, unknown>)) {
      const canonical = canonicalOf.get(normaliseHeader(key));
      if (!canonical) continue;
      if (!columns.has(canonical)) columns.set(canonical, key);
      cells[canonical] = canonical === 'photos' && Array.isArray(value) ? value.map(String).join(';')
        : canonical === 'params' && value !== null && typeof value === 'object' ? JSON.stringify(value)
          : value === null || value === undefined ? '' : String(value);
    }
    return { line, cells };
  });
  // In JSON every row names its own keys: a column "exists" once any row has it, so a missing one is per row.
  for (const name of ['sku', 'title', 'category', 'photos']) if (!columns.has(name)) columns.set(name, name);
  return { format: 'json', columns, rows };
}
