import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchPhotoUrl, hostAllowed, isPublicAddress, type PhotoFetchOptions } from './photo-url-fetch.ts';

describe('photo URL addresses', () => {
  it.each([
    '127.0.0.1', '127.1.2.3', '::1', '169.254.169.254', '10.0.0.1', '10.255.255.255', '172.16.0.1', '192.168.1.1', '100.100.100.200',
    '0.0.0.0', '::', 'fe80::1', 'fc00::1', 'fd12::1', '::ffff:127.0.0.1', '::ffff:10.0.0.1', '224.0.0.1', 'not-an-ip',
  ])('refuses %s', (ip) => expect(isPublicAddress(ip)).toBe(false));

  it.each(['93.184.216.34', '8.8.8.8', '2606:4700::1111', '::ffff:8.8.8.8'])('accepts %s', (ip) => expect(isPublicAddress(ip)).toBe(true));

  it('matches hosts exactly or by *. subdomain', () => {
    expect(hostAllowed('img.shop.example', ['img.shop.example'])).toBe(true);
    expect(hostAllowed('IMG.Shop.Example.', ['img.shop.example'])).toBe(true);
    expect(hostAllowed('evilimg.shop.example', ['img.shop.example'])).toBe(false);
    expect(hostAllowed('a.cdn.example', ['*.cdn.example'])).toBe(true);
    expect(hostAllowed('cdn.example', ['*.cdn.example'])).toBe(false);
    expect(hostAllowed('cdn.example.evil', ['*.cdn.example'])).toBe(false);
  });
});

/**
 * The fetch against a real local HTTP server. The server is on loopback, so the tests name which address counts as
 * "public" (the server's) and resolve names to chosen addresses; everything else is the product's own checks.
 */
describe('fetching a photo URL', () => {
  let server: Server;
  let port: number;
  const hits: string[] = [];
  const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');

  beforeAll(async () => {
    server = createServer((req, res) => {
      hits.push(req.url ?? '');
      const u = new URL(req.url ?? '/', 'http://x');
      if (u.pathname === '/photo.png') { res.writeHead(200, { 'content-type': 'image/png' }); res.end(png); return; }
      if (u.pathname === '/redirect') { res.writeHead(302, { location: u.searchParams.get('to') ?? '/' }); res.end(); return; }
      if (u.pathname === '/big') { res.writeHead(200); res.end(Buffer.alloc(5000)); return; }
      if (u.pathname === '/slow') { res.writeHead(200); res.write('x'); return; } // never ends
      res.writeHead(404); res.end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => { server.closeAllConnections(); await new Promise((r) => server.close(r)); });

  const names: Record<string, string> = {
    'photos.shop.test': '127.0.0.1', // the local server, standing in for a public host
    'internal.shop.test': '10.0.0.7', // a name an attacker points at the private network
    'metadata.shop.test': '169.254.169.254',
    'v6.shop.test': '::1',
  };
  const opts = (over: Partial<PhotoFetchOptions> = {}): PhotoFetchOptions => ({
    hosts: ['photos.shop.test', 'internal.shop.test', 'metadata.shop.test', 'v6.shop.test', '127.0.0.1', '[::1]', '::1', '169.254.169.254', '10.0.0.1'],
    maxBytes: 1000, timeoutMs: 2000, protocols: ['http:', 'https:'],
    resolve: async (host) => (names[host] ? [{ address: names[host]!, family: names[host]!.includes(':') ? 6 : 4 }] : []),
    // Only the test server's own loopback address passes as "public": every other verdict is isPublicAddress's.
    addressAllowed: (a) => a === '127.0.0.1' || isPublicAddress(a),
    ...over,
  });
  const strict = (over: Partial<PhotoFetchOptions> = {}) => opts({ addressAllowed: isPublicAddress, ...over });

  it('downloads from an allowed host', async () => {
    const { bytes } = await fetchPhotoUrl(`http://photos.shop.test:${port}/photo.png`, opts());
    expect(bytes.equals(png)).toBe(true);
  });

  it.each([
    ['127.0.0.1', () => `http://127.0.0.1:${port}/photo.png`],
    ['[::1]', () => `http://[::1]:${port}/photo.png`],
    ['169.254.169.254', () => 'http://169.254.169.254/latest/meta-data/'],
    ['10.0.0.1', () => 'http://10.0.0.1/photo.png'],
    ['a name resolving to 10.0.0.7', () => `http://internal.shop.test:${port}/photo.png`],
    ['a name resolving to the metadata address', () => 'http://metadata.shop.test/latest/meta-data/'],
    ['a name resolving to ::1', () => `http://v6.shop.test:${port}/photo.png`],
  ])('refuses %s before connecting', async (_label, url) => {
    const before = hits.length;
    await expect(fetchPhotoUrl(url(), strict())).rejects.toMatchObject({ code: 'SF_LAUNCH_PHOTO_URL_REFUSED' });
    expect(hits.length).toBe(before);
  });

  it('refuses a redirect to a private address, checked after DNS on the new hop', async () => {
    for (const to of ['http://internal.shop.test/x.png', 'http://169.254.169.254/latest/meta-data/', `http://10.0.0.1:${port}/photo.png`]) {
      await expect(fetchPhotoUrl(`http://photos.shop.test:${port}/redirect?to=${encodeURIComponent(to)}`, opts()))
        .rejects.toMatchObject({ code: 'SF_LAUNCH_PHOTO_URL_REFUSED', message: expect.stringMatching(/private|loopback|link-local|reserved/) });
    }
  });

  it('refuses a redirect to a host off the list, and follows one on it', async () => {
    await expect(fetchPhotoUrl(`http://photos.shop.test:${port}/redirect?to=${encodeURIComponent('http://elsewhere.test/x.png')}`, opts()))
      .rejects.toMatchObject({ message: expect.stringMatching(/not in LAUNCH_URL_HOSTS/) });
    const { bytes, finalUrl } = await fetchPhotoUrl(`http://photos.shop.test:${port}/redirect?to=/photo.png`, opts());
    expect(bytes.equals(png)).toBe(true);
    expect(finalUrl).toBe(`http://photos.shop.test:${port}/photo.png`);
  });

  it('refuses plain http by default, hosts off the list, and credentials', async () => {
    await expect(fetchPhotoUrl(`http://photos.shop.test:${port}/photo.png`, opts({ protocols: undefined }))).rejects.toMatchObject({ message: expect.stringMatching(/https only/) });
    await expect(fetchPhotoUrl('https://other.test/photo.png', opts())).rejects.toMatchObject({ message: expect.stringMatching(/not in LAUNCH_URL_HOSTS/) });
    await expect(fetchPhotoUrl(`http://u:p@photos.shop.test:${port}/photo.png`, opts())).rejects.toMatchObject({ message: expect.stringMatching(/credentials/) });
  });

  it('bounds size and time', async () => {
    await expect(fetchPhotoUrl(`http://photos.shop.test:${port}/big`, opts())).rejects.toMatchObject({ message: expect.stringMatching(/more than 1000/) });
    const started = Date.now();
    await expect(fetchPhotoUrl(`http://photos.shop.test:${port}/slow`, opts({ timeoutMs: 300 }))).rejects.toMatchObject({ message: expect.stringMatching(/too long/) });
    expect(Date.now() - started).toBeLessThan(2000);
  });
});
