import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { deflateRawSync } from 'node:zlib';
import yazl from 'yazl';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PhotoZip, photoZipBounds, unsafeEntryName } from './photo-zip.ts';

let dir: string;
beforeAll(async () => { dir = await mkdtemp(path.join(tmpdir(), 'photo-zip-')); });
afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

async function zipOf(entries: { name: string; data: Buffer; compress?: boolean }[]): Promise<string> {
  const zip = new yazl.ZipFile();
  for (const e of entries) zip.addBuffer(e.data, e.name, { compress: e.compress ?? true });
  zip.end();
  const chunks: Buffer[] = [];
  for await (const c of zip.outputStream as AsyncIterable<Buffer>) chunks.push(c);
  const file = path.join(dir, `${Math.random().toString(16).slice(2)}.zip`);
  await writeFile(file, Buffer.concat(chunks));
  return file;
}

/**
 * A ZIP whose one entry's name is written raw (yazl, like yauzl, refuses `../` names: an attacker's tool does not).
 * Local header, data, central directory, end record: the minimum a reader walks.
 */
function rawZip(name: string, data: Buffer): Buffer {
  const nameBytes = Buffer.from(name);
  const body = deflateRawSync(data);
  const crc = crc32(data);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0); local.writeUInt16LE(20, 4); local.writeUInt16LE(0, 6); local.writeUInt16LE(8, 8);
  local.writeUInt32LE(crc, 14); local.writeUInt32LE(body.length, 18); local.writeUInt32LE(data.length, 22); local.writeUInt16LE(nameBytes.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0); central.writeUInt16LE(20, 4); central.writeUInt16LE(20, 6); central.writeUInt16LE(8, 10);
  central.writeUInt32LE(crc, 16); central.writeUInt32LE(body.length, 20); central.writeUInt32LE(data.length, 24); central.writeUInt16LE(nameBytes.length, 28);
  central.writeUInt32LE(0, 42);
  const cdStart = local.length + nameBytes.length + body.length;
  const cdSize = central.length + nameBytes.length;
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0); end.writeUInt16LE(1, 8); end.writeUInt16LE(1, 10); end.writeUInt32LE(cdSize, 12); end.writeUInt32LE(cdStart, 16);
  return Buffer.concat([local, nameBytes, body, central, nameBytes, end]);
}

function crc32(buf: Buffer): number {
  let c = ~0;
  for (const b of buf) { c ^= b; for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1)); }
  return ~c >>> 0;
}

describe('photo ZIP', () => {
  it('finds photos by path and, when unique, by file name; skips macOS litter', async () => {
    const jpeg = await readFile(new URL('../../../../../../shared/fixtures/images/products/dreambooth-vase-02.jpg', import.meta.url));
    const file = await zipOf([
      { name: 'photos/vase.jpg', data: jpeg, compress: false }, { name: 'a/dup.jpg', data: jpeg }, { name: 'b/dup.jpg', data: jpeg },
      { name: '__MACOSX/photos/._vase.jpg', data: Buffer.from('x') }, { name: 'photos/.DS_Store', data: Buffer.from('x') },
    ]);
    const zip = await PhotoZip.open(file);
    try {
      expect(zip.has('photos/vase.jpg')).toBe(true);
      expect(zip.has('vase.jpg')).toBe(true);
      expect(zip.has('dup.jpg')).toBe(false); // ambiguous: two folders hold one
      expect(zip.has('a/dup.jpg')).toBe(true);
      expect(zip.has('.DS_Store')).toBe(false);
      expect((await zip.read('vase.jpg')).equals(jpeg)).toBe(true);
      expect((await zip.head('vase.jpg', 3)).toString('hex')).toBe('ffd8ff');
    } finally {
      zip.close();
    }
  });

  it('names unsafe entry paths', () => {
    expect(unsafeEntryName('../../etc/passwd')).toMatch(/\.\./);
    expect(unsafeEntryName('photos/../../x.jpg')).toMatch(/\.\./);
    expect(unsafeEntryName('/etc/passwd')).toMatch(/absolute/);
    expect(unsafeEntryName('C:/x.jpg')).toMatch(/absolute/);
    expect(unsafeEntryName('a\\..\\x.jpg')).toMatch(/backslash/);
    expect(unsafeEntryName('photos/vase.jpg')).toBeNull();
  });

  it('refuses a zip-slip archive whole', async () => {
    // The hand-made archive itself is sound: with a plain name it opens.
    const fine = path.join(dir, 'fine.zip');
    await writeFile(fine, rawZip('ok.jpg', Buffer.from('not really a photo')));
    const opened = await PhotoZip.open(fine);
    expect(opened.has('ok.jpg')).toBe(true);
    expect((await opened.read('ok.jpg')).toString()).toBe('not really a photo');
    opened.close();
    for (const name of ['../../evil.jpg', 'photos/../../../evil.jpg', '/abs.jpg']) {
      const file = path.join(dir, `slip-${Math.random()}.zip`);
      await writeFile(file, rawZip(name, Buffer.from('not really a photo')));
      await expect(PhotoZip.open(file), name).rejects.toMatchObject({ code: 'SF_LAUNCH_PHOTOS_INVALID', message: expect.stringMatching(/entry/) });
    }
  });

  it('refuses a zip bomb from its central directory, before inflating anything', async () => {
    // 64 MB of zeros deflates to ~64 KB: a thousandfold, and more than one entry may be.
    const file = await zipOf([{ name: 'bomb.jpg', data: Buffer.alloc(64 * 1024 * 1024) }]);
    const before = process.memoryUsage().rss;
    await expect(PhotoZip.open(file)).rejects.toMatchObject({ code: 'SF_LAUNCH_PHOTOS_INVALID', message: expect.stringMatching(/inflates/) });
    expect(process.memoryUsage().rss - before).toBeLessThan(48 * 1024 * 1024);
    // Under the entry bound but over the ratio: still a bomb.
    const small = await zipOf([{ name: 'b.jpg', data: Buffer.alloc(8 * 1024 * 1024) }]);
    await expect(PhotoZip.open(small)).rejects.toMatchObject({ message: expect.stringMatching(/zip bomb/) });
    // Many small entries adding up past the total bound.
    const many = await zipOf(Array.from({ length: 5 }, (_, i) => ({ name: `p${i}.jpg`, data: Buffer.alloc(1000), compress: false })));
    await expect(PhotoZip.open(many, { ...photoZipBounds, maxTotalBytes: 4000 })).rejects.toMatchObject({ message: expect.stringMatching(/inflate to more than/) });
  });

  it('refuses thousands of entries past the bound', async () => {
    const file = await zipOf(Array.from({ length: photoZipBounds.maxEntries + 1 }, (_, i) => ({ name: `e/${i}.jpg`, data: Buffer.alloc(0), compress: false })));
    await expect(PhotoZip.open(file)).rejects.toMatchObject({ code: 'SF_LAUNCH_PHOTOS_INVALID', message: expect.stringMatching(/10001 entries/) });
  });

  it('refuses what is not a ZIP', async () => {
    const file = path.join(dir, 'not.zip');
    await writeFile(file, 'hello');
    await expect(PhotoZip.open(file)).rejects.toMatchObject({ code: 'SF_LAUNCH_PHOTOS_INVALID' });
  });
});
