import { readFile } from 'node:fs/promises';
import { crc32, deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listProductPhotos, multipartFile, startFarm, type Farm } from '../../test/harness.ts';

/** A real HEIC (HEVC) photo, made with heif-enc: see test/data/README.md. */
const heicFile = new URL('../../test/data/gradient-96x64.heic', import.meta.url);

/** A multipart body with two `file` parts. */
function twoFiles(a: Buffer, b: Buffer): { payload: Buffer; headers: Record<string, string> } {
  const boundary = '----shotfarmtwo';
  const part = (bytes: Buffer, name: string) => Buffer.concat([Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: image/jpeg\r\n\r\n`), bytes, Buffer.from('\r\n')]);
  return { payload: Buffer.concat([part(a, 'a.jpg'), part(b, 'b.jpg'), Buffer.from(`--${boundary}--\r\n`)]), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

/** A PNG whose header says 30000×30000 but whose body is a few hundred bytes: a decompression bomb. */
function pngBomb(side = 30_000, height = side, bitDepth = 8, colourType = 2): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4); len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const crc = Buffer.alloc(4); crc.writeUInt32BE(crc32(body));
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(side, 0); ihdr.writeUInt32BE(height, 4);
  ihdr[8] = bitDepth; ihdr[9] = colourType; // 8-bit RGB unless told
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr), chunk('IDAT', deflateSync(Buffer.alloc(64 * 1024))), chunk('IEND', Buffer.alloc(0)),
  ]);
}

describe('POST /api/assets', () => {
  let farm: Farm;
  let photo: Buffer;
  beforeAll(async () => {
    farm = await startFarm();
    photo = await readFile((await listProductPhotos()).find((p) => p.endsWith('.jpg'))!);
  });
  afterAll(() => farm.close());

  const upload = (bytes: Buffer, name: string, type?: string) => farm.inject({ method: 'POST', url: '/api/assets', ...multipartFile(bytes, name, type) });

  it('stores a real product photo, upright and sRGB, with a thumbnail, and serves it by signed URL', async () => {
    const res = await upload(photo, 'product.jpg', 'image/jpeg');
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body).toMatchObject({ kind: 'upload', mime: 'image/jpeg' });
    const meta = await sharp(photo).metadata();
    const upright = (meta.orientation ?? 1) >= 5 ? [meta.height, meta.width] : [meta.width, meta.height];
    expect([body.width, body.height]).toEqual(upright);

    const file = await farm.inject({ method: 'GET', url: new URL(body.url).pathname + new URL(body.url).search });
    expect(file.statusCode).toBe(200);
    expect(file.headers['content-type']).toBe('image/jpeg');
    const served = await sharp(file.rawPayload).metadata();
    expect([served.width, served.height]).toEqual([body.width, body.height]);
    expect(served.icc === undefined || served.space === 'srgb').toBe(true);

    const again = await farm.inject({ method: 'GET', url: `/api/assets/${body.id}` });
    expect(again.json()).toMatchObject({ id: body.id, width: body.width });
    // The same bytes again are the same asset: no duplicate object or row.
    const before = await farm.snapshot();
    const second = await upload(photo, 'copy.jpg', 'image/jpeg');
    expect(second.json().id).toBe(body.id);
    expect(await farm.snapshot()).toEqual(before);
  });

  it('applies EXIF orientation', async () => {
    const rotated = await sharp({ create: { width: 60, height: 20, channels: 3, background: '#c33' } }).jpeg().withMetadata({ orientation: 6 }).toBuffer();
    const res = await upload(rotated, 'rotated.jpg');
    expect(res.statusCode).toBe(201);
    expect([res.json().width, res.json().height]).toEqual([20, 60]);
  });

  it('converts an ICC profile to sRGB: the stored pixels are the colour the photographer saw', async () => {
    const colour = { r: 200, g: 110, b: 60 };
    // sharp converts sRGB → Display P3 when attaching the profile, so the file holds P3 numbers for this colour.
    const p3 = await sharp({ create: { width: 32, height: 32, channels: 3, background: colour } }).withIccProfile('p3').jpeg({ quality: 100 }).toBuffer();
    const asFiled = (await sharp(p3, { ignoreIcc: true }).raw().toBuffer({ resolveWithObject: true })).data; // decoded without colour management
    const distance = (px: Buffer) => Math.max(Math.abs(px[0]! - colour.r), Math.abs(px[1]! - colour.g), Math.abs(px[2]! - colour.b));
    expect(distance(asFiled)).toBeGreaterThan(8); // ignoring the profile would show the wrong colour
    const res = await upload(p3, 'p3.jpg');
    expect(res.statusCode).toBe(201);
    const file = await farm.inject({ method: 'GET', url: new URL(res.json().url).pathname + new URL(res.json().url).search });
    const stored = await sharp(file.rawPayload).raw().toBuffer();
    expect(distance(stored)).toBeLessThanOrEqual(3);
    const meta = await sharp(file.rawPayload).metadata();
    expect(meta.icc === undefined || meta.space === 'srgb').toBe(true);
  });

  it('refuses a forged signature and an expired URL', async () => {
    const res = await upload(await sharp({ create: { width: 8, height: 8, channels: 3, background: '#00f' } }).png().toBuffer(), 'blue.png');
    const url = new URL(res.json().url);
    const forged = await farm.inject({ method: 'GET', url: `${url.pathname}?exp=${url.searchParams.get('exp')}&sig=${'0'.repeat(64)}` });
    expect(forged.statusCode).toBe(403);
    expect(forged.json().code).toBe('SF_URL_SIGNATURE_INVALID');
    const expired = await farm.inject({ method: 'GET', url: `${url.pathname}?exp=1000&sig=${url.searchParams.get('sig')}` });
    expect(expired.statusCode).toBe(403);
  });

  describe('hostile input: a 4xx with a code, and nothing stored', () => {
    const cases: [string, () => Promise<{ bytes: Buffer; name: string }>, number, string][] = [
      ['a text file named .png', async () => ({ bytes: Buffer.from('hello, this is not an image at all\n'.repeat(20)), name: 'photo.png' }), 415, 'SF_UPLOAD_NOT_IMAGE'],
      ['a truncated JPEG', async () => ({ bytes: photo.subarray(0, Math.floor(photo.length / 2)), name: 'cut.jpg' }), 422, 'SF_UPLOAD_CORRUPT'],
      ['a 30000×30000 PNG bomb', async () => ({ bytes: pngBomb(), name: 'bomb.png' }), 413, 'SF_UPLOAD_TOO_MANY_PIXELS'],
      ['a 30 MB upload', async () => ({ bytes: Buffer.concat([photo, Buffer.alloc(30 * 1024 * 1024, 7)]), name: 'huge.jpg' }), 413, 'SF_UPLOAD_TOO_LARGE'],
      ['../ in the file name', async () => ({ bytes: photo, name: '../../etc/passwd.jpg' }), 400, 'SF_UPLOAD_BAD_FILENAME'],
      // 42 KB that declare 6000×6000: once accepted after 1.4 s and 440 MB of decoding; now refused from the bytes alone.
      ['a 42 KB JPEG that declares 6000×6000', async () => ({
        bytes: (await sharp({ create: { width: 6000, height: 6000, channels: 3, background: '#888' } }).jpeg().toBuffer()).subarray(0, 42 * 1024), name: 'big.jpg',
      }), 422, 'SF_UPLOAD_CORRUPT'],
      ['a PNG without its IEND', async () => ({ bytes: (await sharp({ create: { width: 64, height: 64, channels: 3, background: '#0a0' } }).png().toBuffer()).subarray(0, -12), name: 'cut.png' }), 422, 'SF_UPLOAD_CORRUPT'],
      ['a 7000×5000 16-bit RGBA PNG (280 MB to decode)', async () => ({ bytes: pngBomb(7000, 5000, 16, 6), name: 'deep.png' }), 413, 'SF_UPLOAD_TOO_COSTLY'],
      ['a real HEIC photo', async () => ({ bytes: await readFile(heicFile), name: 'IMG_0001.HEIC' }), 415, 'SF_UPLOAD_HEIC_UNSUPPORTED'],
    ];
    it.each(cases)('%s', async (_name, make, status, code) => {
      const before = await farm.snapshot();
      const { bytes, name } = await make();
      const res = await upload(bytes, name);
      expect(res.statusCode).toBe(status);
      expect(res.json().code).toBe(code);
      // Our words only: no libvips or sharp text reaches a client.
      expect(res.json().message).not.toMatch(/vips|sharp|heif:|VipsForeign|libheif|Input buffer/i);
      expect(await farm.snapshot()).toEqual(before);
    });

    it('refuses a truncated 6000×6000 JPEG without decoding it', async () => {
      const cut = (await sharp({ create: { width: 6000, height: 6000, channels: 3, background: '#888' } }).jpeg().toBuffer()).subarray(0, 42 * 1024);
      const started = performance.now();
      const res = await upload(cut, 'big.jpg');
      expect(res.statusCode).toBe(422);
      // Decoding it took 1.4 s; reading the header and the bytes takes milliseconds (a wide margin for a busy machine).
      expect(performance.now() - started).toBeLessThan(700);
    });

    it('a request with two files is refused, not half-stored', async () => {
      const before = await farm.snapshot();
      const small = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#123' } }).jpeg().toBuffer();
      const res = await farm.inject({ method: 'POST', url: '/api/assets', ...twoFiles(small, photo) });
      expect(res.statusCode).toBe(400);
      expect(res.json().code).toBe('SF_UPLOAD_TOO_MANY_FILES');
      expect(await farm.snapshot()).toEqual(before);
    });

    it('a request without a file part', async () => {
      const before = await farm.snapshot();
      const res = await farm.inject({ method: 'POST', url: '/api/assets', payload: { file: 'x' } });
      expect(res.statusCode).toBe(400);
      expect(res.json().code).toBe('SF_UPLOAD_MISSING_FILE');
      expect(await farm.snapshot()).toEqual(before);
    });
  });

  describe('Idempotency-Key', () => {
    const keyed = (bytes: Buffer, key: string) => {
      const { payload, headers } = multipartFile(bytes, 'p.jpg', 'image/jpeg');
      return farm.inject({ method: 'POST', url: '/api/assets', payload, headers: { ...headers, 'idempotency-key': key } });
    };

    it('the same key and file answer the same asset again; another file under that key is refused and not stored', async () => {
      const first = await keyed(photo, 'upload-key-1');
      expect(first.statusCode).toBe(201);
      const again = await keyed(photo, 'upload-key-1');
      expect(again.statusCode).toBe(201);
      expect(again.headers['idempotency-replayed']).toBe('true');
      expect(again.json().id).toBe(first.json().id);

      const before = await farm.snapshot();
      const other = await sharp({ create: { width: 16, height: 16, channels: 3, background: '#f0f' } }).jpeg().toBuffer();
      const reused = await keyed(other, 'upload-key-1');
      expect(reused.statusCode).toBe(422);
      expect(reused.json().code).toBe('SF_IDEMPOTENCY_KEY_REUSED');
      expect(await farm.snapshot()).toEqual(before);
    });

    it('refuses a malformed key with 400', async () => {
      const res = await keyed(photo, 'spaces are not allowed');
      expect(res.statusCode).toBe(400);
      expect(res.json().code).toBe('SF_IDEMPOTENCY_KEY_INVALID');
    });
  });

  it('answers an unknown asset with 404 SF_ASSET_NOT_FOUND and a malformed id with 400', async () => {
    const missing = await farm.inject({ method: 'GET', url: '/api/assets/01900000-0000-7000-8000-000000000000' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().code).toBe('SF_ASSET_NOT_FOUND');
    const bad = await farm.inject({ method: 'GET', url: '/api/assets/not-an-id' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().code).toBe('SF_REQUEST_INVALID');
  });
});
