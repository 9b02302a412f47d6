import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { generate } from 'selfsigned';
import sharp from 'sharp';
import yauzl from 'yauzl';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LaunchAccepted, LaunchSkuPage, LaunchView } from '@shotfarm/shared';
import { tables } from '@shotfarm/shared/db';
import { productPhotos, startFarm, waitFor, type Farm } from '../test/harness.ts';
import { launchForm, plainPhotos } from '../test/launch-form.ts';
import { isPublicAddress } from './services/launches/photo-url-fetch.ts';

const photoHost = 'photos.shop.test';

/** A test-only CA and a certificate it signs for the photo host: the farm trusts the CA through `extraCa`, nothing else. */
async function testCertificates(): Promise<{ ca: string; key: string; cert: string }> {
  const ca = await generate([{ name: 'commonName', value: 'Shotfarm test CA' }], {
    algorithm: 'sha256', keySize: 2048,
    extensions: [{ name: 'basicConstraints', cA: true, critical: true }, { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true }],
  });
  const leaf = await generate([{ name: 'commonName', value: photoHost }], {
    algorithm: 'sha256', keySize: 2048, ca: { key: ca.private, cert: ca.cert },
    extensions: [{ name: 'basicConstraints', cA: false }, { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true }, { name: 'subjectAltName', altNames: [{ type: 2, value: photoHost }] }],
  });
  return { ca: ca.cert, key: leaf.private, cert: leaf.cert };
}

async function entriesOf(bytes: Buffer): Promise<string[]> {
  const zip = await yauzl.fromBufferPromise(bytes, { lazyEntries: true });
  const names: string[] = [];
  await new Promise<void>((resolve, reject) => {
    zip.on('entry', (e: yauzl.Entry) => { names.push(e.fileName); zip.readEntry(); });
    zip.on('end', () => resolve());
    zip.on('error', reject);
    zip.readEntry();
  });
  return names;
}

/**
 * A launch from an XLSX manifest (built here with exceljs) whose photos are https URLs on an allow-listed host: a
 * local HTTPS server with a certificate from a test-only CA serves real product photos, one through a redirect. The
 * farm fetches them when the SKU's turn comes, renders, scores and picks; the report ZIP holds the picks.
 */
describe('a launch from an XLSX manifest of https photo URLs', () => {
  let farm: Farm;
  let server: Server;
  let base: string;
  const hits: string[] = [];
  const served = new Map<string, Buffer>();

  beforeAll(async () => {
    const certs = await testCertificates();
    for (const name of plainPhotos.slice(0, 4)) served.set(name, await readFile(path.join(productPhotos, name)));
    server = createServer({ key: certs.key, cert: certs.cert }, (req, res) => {
      hits.push(req.url ?? '');
      const u = new URL(req.url ?? '/', `https://${photoHost}`);
      const photo = served.get(path.posix.basename(u.pathname));
      if (u.pathname.startsWith('/p/') && photo) { res.writeHead(200, { 'content-type': 'image/jpeg', 'content-length': photo.length }); res.end(photo); return; }
      if (u.pathname.startsWith('/moved/')) { res.writeHead(301, { location: `/p/${path.posix.basename(u.pathname)}` }); res.end(); return; }
      res.writeHead(404); res.end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `https://${photoHost}:${(server.address() as AddressInfo).port}`;
    farm = await startFarm({ TASK_ATTEMPTS: '1', LAUNCH_POLL_MS: '200', LAUNCH_URL_HOSTS: photoHost, LAUNCH_URL_TIMEOUT_MS: '10000' }, {
      listen: true,
      launchPhotoFetch: {
        // The photo host's name resolves to the local server, which stands in for a public address; every other
        // verdict (loopback, private, metadata) is still the product's.
        resolve: async (host) => (host === photoHost ? [{ address: '127.0.0.1', family: 4 }] : []),
        addressAllowed: (a) => a === '127.0.0.1' || isPublicAddress(a),
        extraCa: [certs.ca],
      },
    });
  }, 120_000);
  afterAll(async () => {
    await farm?.close();
    server?.closeAllConnections();
    await new Promise((r) => server?.close(r));
  });

  it('fetches the photos over https when each SKU starts, and ends with picks', async () => {
    await farm.startWorker(2);
    await farm.startScorer();
    const [a, b, c, d] = [...served.keys()];
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('上新');
    sheet.addRow(['SKU', '标题', '类目', '图片']);
    sheet.addRow(['U-1', '花瓶', 'home', `${base}/p/${a}`]);
    // A cell Excel turned into a hyperlink, to an address that redirects (on the same allowed host).
    sheet.addRow(['U-2', '易拉罐', 'food', { text: `${base}/moved/${b}`, hyperlink: `${base}/moved/${b}` }]);
    sheet.addRow(['U-3', '茶壶', 'home', `${base}/p/${c}; ${base}/p/${d}`]);
    sheet.addRow(['U-4', 'Plain http', 'home', `http://${photoHost}/p/${a}`]);
    sheet.addRow(['U-5', 'Other host', 'home', `https://evil.example/p/${a}`]);
    sheet.addRow(['U-6', 'Gone', 'home', `${base}/p/missing.jpg`]);
    const xlsx = Buffer.from(await workbook.xlsx.writeBuffer());

    const form = launchForm(xlsx, { recipes: [{ recipe: 'product-shot/studio-local', variants: 2 }], pick: 1, acceptPartial: true }, undefined, 'manifest.xlsx');
    const res = await farm.inject({ method: 'POST', url: '/api/launches', payload: form.payload, headers: form.headers });
    expect(res.statusCode, res.body).toBe(201);
    const accepted = res.json() as LaunchAccepted;
    expect(accepted.accepted).toBe(4);
    expect(accepted.rejected.map((r) => [r.line, r.column, r.code])).toEqual([[5, '图片', 'url_invalid'], [6, '图片', 'url_host_not_allowed']]);
    // Nothing is fetched at intake: a URL is fetched when its SKU's turn comes.
    const launchId = accepted.id;
    const done = await waitFor(async () => {
      const v = (await farm.inject({ method: 'GET', url: `/api/launches/${launchId}` })).json() as LaunchView;
      return v.status === 'finished' ? v : undefined;
    }, 240_000, 250);
    expect(done.skus.total).toBe(4);

    const skus = ((await farm.inject({ method: 'GET', url: `/api/launches/${launchId}/skus` })).json() as LaunchSkuPage).items;
    const bySku = new Map(skus.map((s) => [s.sku, s]));
    // The 404 fails its SKU alone, with the reason.
    expect(bySku.get('U-6')).toMatchObject({ status: 'failed', errorCode: 'SF_LAUNCH_PHOTO_URL_REFUSED' });
    expect(bySku.get('U-6')!.errorMessage).toMatch(/404/);
    // The fetched SKUs rendered: their photos became assets (a render the local cut-out refuses is the SKU's own failure).
    for (const sku of ['U-1', 'U-2', 'U-3']) {
      expect(bySku.get(sku)!.errorCode, `${sku}: ${bySku.get(sku)!.errorMessage}`).not.toBe('SF_LAUNCH_PHOTO_URL_REFUSED');
      expect(bySku.get(sku)!.jobIds).toHaveLength(1);
      expect(bySku.get(sku)!.photoThumbnailUrl).not.toBeNull();
    }
    expect(['done', 'needs_review'], bySku.get('U-1')!.errorMessage ?? '').toContain(bySku.get('U-1')!.status);
    expect(skus.filter((s) => s.status === 'done').length).toBeGreaterThanOrEqual(1);
    for (const s of skus.filter((x) => x.status === 'done')) expect(s.picks.length).toBe(1);

    // The server was asked for every photo once (the redirect twice: the move, then the photo); the stored photos are
    // the served bytes' images.
    expect(hits.filter((h) => h === `/p/${a}`)).toHaveLength(1);
    expect(hits).toContain(`/moved/${b}`);
    expect(hits).toContain(`/p/${b}`);
    const rows = await farm.database.db.select().from(tables.launchSkus).where(eq(tables.launchSkus.launchId, launchId));
    const u3 = rows.find((r) => r.sku === 'U-3')!;
    expect(u3.photos.map((p) => p.kind)).toEqual(['url', 'url']);
    for (const [i, name] of [c, d].entries()) {
      const [asset] = await farm.database.db.select().from(tables.assets).where(eq(tables.assets.id, u3.photos[i]!.assetId!));
      const original = await sharp(served.get(name!)!).metadata();
      expect([asset!.width, asset!.height]).toEqual([original.width, original.height]);
    }

    // The marketplace ZIP has the picks of the done SKUs.
    const zip = await fetch(`${farm.baseUrl}/api/launches/${launchId}/report.zip`, { headers: farm.authHeaders });
    expect(zip.status).toBe(200);
    const names = await entriesOf(Buffer.from(await zip.arrayBuffer()));
    const expected = skus.flatMap((s) => s.picks.map((p) => `${s.sku}/${p.slot}-${p.rank}.jpg`));
    expect(names.filter((n) => n !== 'report.csv').sort()).toEqual(expected.sort());
  }, 300_000);

  it('refuses the https server when the farm does not trust its certificate', async () => {
    const { fetchPhotoUrl } = await import('./services/launches/photo-url-fetch.ts');
    const opts = { hosts: [photoHost], maxBytes: 20_000_000, timeoutMs: 5000, resolve: async () => [{ address: '127.0.0.1', family: 4 }], addressAllowed: () => true };
    await expect(fetchPhotoUrl(`${base}/p/${plainPhotos[0]}`, opts)).rejects.toMatchObject({ code: 'SF_LAUNCH_PHOTO_URL_REFUSED' });
  });
});
