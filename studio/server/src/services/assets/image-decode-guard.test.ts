import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { bufferSource, decodeCostBytes, fileSource, truncationOf } from './image-decode-guard.ts';

const jpeg = () => sharp({ create: { width: 300, height: 200, channels: 3, background: '#468' } }).jpeg().toBuffer();
const png = () => sharp({ create: { width: 300, height: 200, channels: 4, background: '#468c' } }).png().toBuffer();

describe('truncationOf', () => {
  it('passes whole JPEGs, with or without data after the end marker, and refuses cut ones', async () => {
    const whole = await jpeg();
    expect(await truncationOf(bufferSource(whole), 'jpeg')).toBeUndefined();
    expect(await truncationOf(bufferSource(Buffer.concat([whole, Buffer.alloc(5000, 7)])), 'jpeg')).toBeUndefined();
    expect(await truncationOf(bufferSource(whole.subarray(0, whole.length - 2)), 'jpeg')).toMatch(/no end marker/);
    expect(await truncationOf(bufferSource(whole.subarray(0, 200)), 'jpeg')).toMatch(/before its first scan|no end marker/);
  });

  it('finds an end marker split across two read chunks', async () => {
    const from = 6; // SOI, then an SOS segment of length 2
    const bytes = Buffer.alloc(from + 1024 * 1024 + 1);
    bytes.set([0xff, 0xd8, 0xff, 0xda, 0x00, 0x02]);
    bytes[from + 1024 * 1024 - 1] = 0xff;
    bytes[from + 1024 * 1024] = 0xd9;
    expect(await truncationOf(bufferSource(bytes), 'jpeg')).toBeUndefined();
    bytes[from + 1024 * 1024] = 0x00;
    expect(await truncationOf(bufferSource(bytes), 'jpeg')).toMatch(/no end marker/);
  });

  it('passes whole PNGs and refuses one without IEND or with too little data for its size', async () => {
    const whole = await png();
    expect(await truncationOf(bufferSource(whole), 'png')).toBeUndefined();
    expect(await truncationOf(bufferSource(whole.subarray(0, whole.length - 12)), 'png')).toMatch(/no IEND/);
    const huge = Buffer.from(whole);
    huge.writeUInt32BE(60_000, 16); // IHDR width: 60,000 px wide from the same few bytes of data
    expect(await truncationOf(bufferSource(huge), 'png')).toMatch(/too few for 60000×200/);
  });

  it('reads a file piece by piece, as uploads are read', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'sf-guard-'));
    try {
      const file = path.join(dir, 'x.jpg');
      const whole = await jpeg();
      await writeFile(file, whole.subarray(0, whole.length - 100));
      const source = await fileSource(file);
      expect(await truncationOf(source, 'jpeg')).toMatch(/no end marker/);
      await source.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('decodeCostBytes', () => {
  it('is width × height × bands × bytes per sample, at least three bands', () => {
    expect(decodeCostBytes({ width: 1000, height: 1000, channels: 3, depth: 'uchar' })).toBe(3_000_000);
    expect(decodeCostBytes({ width: 1000, height: 1000, channels: 1, depth: 'uchar' })).toBe(3_000_000);
    expect(decodeCostBytes({ width: 1000, height: 1000, channels: 4, depth: 'ushort' })).toBe(8_000_000);
  });
});
