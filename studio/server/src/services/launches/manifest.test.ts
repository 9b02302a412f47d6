import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { checkRows, type RowCheckContext } from './manifest-rows.ts';
import { decodeCsvText, readManifest } from './manifest-read.ts';

const zip = (names: string[]) => ({ has: (n: string) => names.includes(n.trim()) });
const ctx = (over: Partial<RowCheckContext> = {}): RowCheckContext => ({
  zip: zip(['a.jpg', 'b.jpg', 'c.jpg']), urlHosts: ['img.shop.example', '*.cdn.example'], checkParams: () => null, ...over,
});

async function check(text: string | Buffer, over: Partial<RowCheckContext> = {}) {
  return checkRows(await readManifest(typeof text === 'string' ? Buffer.from(text) : text), ctx(over));
}

describe('launch manifest', () => {
  it('reads a clean CSV: lines count from 1 at the header, as a spreadsheet shows them', async () => {
    const r = await check('sku,title,category,photos\nA1,Vase,home,a.jpg\nA2,Bowl,home,b.jpg;c.jpg\n');
    expect(r.problems).toEqual([]);
    expect(r.rows.map((x) => [x.line, x.sku, x.photos.map((p) => p.ref)])).toEqual([[2, 'A1', ['a.jpg']], [3, 'A2', ['b.jpg', 'c.jpg']]]);
  });

  it('refuses a header without a required column, naming each', async () => {
    const r = await check('sku,title,photos\nA1,Vase,a.jpg\n');
    expect(r.fatal).toBe(true);
    expect(r.problems).toEqual([{ line: 1, column: 'category', code: 'column_missing', reason: expect.stringContaining('category') }]);
  });

  it('lists every bad row with its line, column and reason, and keeps the good ones', async () => {
    const csv = [
      'SKU,Title,Category,Photos,Params',
      'A1,Vase,home,a.jpg,',
      ',No sku,home,a.jpg,', // line 3: sku missing
      'A1,Dup,home,b.jpg,', // line 4: duplicate of line 2
      'A3,,home,b.jpg,', // line 5: title missing
      'A4,Four,home,missing.jpg,', // line 6: not in the ZIP
      'A5,Five,home,http://img.shop.example/x.jpg,', // line 7: not https
      'A6,Six,home,https://evil.example/x.jpg,', // line 8: host not allowed
      'A7,Seven,home,https://img.shop.example/x.jpg,', // ok
      'A8,Eight,home,https://a.cdn.example/y.jpg,"{""scene"":1}"', // ok (checkParams accepts)
      'A9,Nine,home,c.jpg,{not json', // line 11: params
      '../x,Slip,home,c.jpg,', // line 12: sku that is a path
    ].join('\n');
    const r = await check(csv);
    expect(r.problems.map((p) => [p.line, p.column, p.code])).toEqual([
      [3, 'SKU', 'value_missing'], [4, 'SKU', 'sku_duplicate'], [5, 'Title', 'value_missing'], [6, 'Photos', 'photo_missing_in_zip'],
      [7, 'Photos', 'url_invalid'], [8, 'Photos', 'url_host_not_allowed'], [11, 'Params', 'params_invalid'], [12, 'SKU', 'value_invalid'],
    ]);
    expect(r.problems[1]!.reason).toContain('line 2');
    expect(r.rows.map((x) => x.sku)).toEqual(['A1', 'A7', 'A8']);
    expect(r.rows[1]!.photos[0]).toEqual({ kind: 'url', ref: 'https://img.shop.example/x.jpg', assetId: null });
  });

  it('says when a row names ZIP photos but no ZIP was sent', async () => {
    const r = await check('sku,title,category,photos\nA1,Vase,home,a.jpg\n', { zip: null });
    expect(r.problems).toEqual([{ line: 2, column: 'photos', code: 'photo_missing_in_zip', reason: 'a.jpg: no photo ZIP was sent' }]);
  });

  it('takes asset ids as photos', async () => {
    const id = '0193a3c4-5d6e-7f80-9a1b-2c3d4e5f6a7b';
    const r = await check(`sku,title,category,photos\nA1,Vase,home,${id}\n`, { zip: null });
    expect(r.rows[0]!.photos).toEqual([{ kind: 'asset', ref: id, assetId: id }]);
  });

  it('reads UTF-8 with a BOM, and Chinese headers', async () => {
    const text = '商品编码,标题,类目,图片\nZ1,青花瓷花瓶,家居,a.jpg\n';
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]);
    expect(decodeCsvText(bom).encoding).toBe('utf-8-bom');
    const r = await check(bom);
    expect(r.problems).toEqual([]);
    expect(r.rows[0]).toMatchObject({ sku: 'Z1', title: '青花瓷花瓶', category: '家居' });
  });

  it('reads GB18030, as Excel in a Chinese locale saves CSV', async () => {
    const gb = iconv.encode('sku,title,category,photos\nZ1,青花瓷花瓶 — 手工,家居,a.jpg\nZ2,真丝围巾,服饰,b.jpg\n', 'gb18030');
    expect(() => new TextDecoder('utf-8', { fatal: true }).decode(gb)).toThrow();
    expect(decodeCsvText(gb).encoding).toBe('gb18030');
    const r = await check(gb);
    expect(r.problems).toEqual([]);
    expect(r.rows.map((x) => x.title)).toEqual(['青花瓷花瓶 — 手工', '真丝围巾']);
  });

  it('counts blank lines as a spreadsheet does', async () => {
    const r = await check('sku,title,category,photos\n\nA1,Vase,home,a.jpg\n,,,\nA2,,home,a.jpg\n');
    expect(r.rows.map((x) => x.line)).toEqual([3]);
    expect(r.problems.map((p) => p.line)).toEqual([5]);
  });

  it('reads an XLSX first sheet, with its row numbers', async () => {
    const wb = new ExcelJS.Workbook();
    const sheet = wb.addWorksheet('SKUs');
    sheet.addRow(['sku', 'title', 'category', 'photos']);
    sheet.addRow(['X1', '真丝围巾', 'apparel', 'a.jpg']);
    sheet.addRow(['X1', 'dup', 'apparel', 'b.jpg']);
    const bytes = Buffer.from(await wb.xlsx.writeBuffer());
    const table = await readManifest(bytes);
    expect(table.format).toBe('xlsx');
    const r = checkRows(table, ctx());
    expect(r.rows.map((x) => [x.line, x.sku, x.title])).toEqual([[2, 'X1', '真丝围巾']]);
    expect(r.problems).toEqual([expect.objectContaining({ line: 3, column: 'sku', code: 'sku_duplicate' })]);
  });

  it('reads JSON rows, photos as an array and params as an object', async () => {
    const json = JSON.stringify([
      { sku: 'J1', title: 'Vase', category: 'home', photos: ['a.jpg', 'b.jpg'], params: { scene: 'marble' } },
      { sku: 'J2', title: 'Bowl', photos: 'c.jpg' },
      'nonsense',
    ]);
    const r = await check(json);
    expect(r.rows).toEqual([expect.objectContaining({ line: 2, sku: 'J1', params: { scene: 'marble' } })]);
    expect(r.rows[0]!.photos.map((p) => p.ref)).toEqual(['a.jpg', 'b.jpg']);
    expect(r.problems.map((p) => [p.line, p.code])).toEqual([[3, 'value_missing'], [4, 'value_invalid']]);
  });

  it('refuses what is no manifest at all', async () => {
    await expect(readManifest(Buffer.alloc(0))).rejects.toMatchObject({ code: 'SF_LAUNCH_MANIFEST_INVALID' });
    await expect(readManifest(Buffer.from('{"rows": 3}'))).rejects.toMatchObject({ code: 'SF_LAUNCH_MANIFEST_INVALID' });
    await expect(readManifest(Buffer.from('PK\u0003\u0004garbage'))).rejects.toMatchObject({ code: 'SF_LAUNCH_MANIFEST_INVALID' });
  });

  it('passes row params to the plan check and reports what it says', async () => {
    const r = await check('sku,title,category,photos,params\nA1,Vase,home,a.jpg,"{""nope"":1}"\n', { checkParams: (p) => ('nope' in p ? 'no recipe of the plan has "nope"' : null) });
    expect(r.problems).toEqual([{ line: 2, column: 'params', code: 'params_invalid', reason: 'no recipe of the plan has "nope"' }]);
  });
});
