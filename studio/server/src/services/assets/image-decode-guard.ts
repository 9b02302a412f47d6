import { open } from 'node:fs/promises';
import type { Metadata } from 'sharp';
import type { SniffedImage } from './image-sniff.ts';

/**
 * Cheap checks on an image's bytes and header before anything decodes it. Decoding is what costs (a 42 KB JPEG that
 * declares 6000×6000 took 1.4 s and 440 MB), so a file is judged on what its header promises and on whether its data
 * can possibly hold that image.
 */

const bytesPerSample: Record<string, number> = { uchar: 1, char: 1, ushort: 2, short: 2, uint: 4, int: 4, float: 4, complex: 8, double: 8, dpcomplex: 16 };

/** Memory a decode of this image needs, bytes: width × height × bands × bytes per sample (at least 3 bands, as sRGB output has). */
export function decodeCostBytes(meta: Pick<Metadata, 'width' | 'height' | 'channels' | 'depth'>): number {
  const bands = Math.max(meta.channels ?? 3, 3);
  return (meta.width ?? 0) * (meta.height ?? 0) * bands * (bytesPerSample[meta.depth ?? 'uchar'] ?? 1);
}

/** Deflate cannot compress better than about 1032:1: a PNG whose IDAT data is smaller cannot hold its declared image. */
const deflateMaxRatio = 1032;

/** Random access to an image's bytes: a Buffer, or a spooled upload on disk read piece by piece (never whole). */
export interface ByteSource {
  size: number;
  read(offset: number, length: number): Promise<Buffer>;
}

export const bufferSource = (b: Buffer): ByteSource => ({ size: b.length, read: async (offset, length) => b.subarray(offset, Math.min(offset + length, b.length)) });

/** A file as a {@link ByteSource}; close it when done. */
export async function fileSource(path: string): Promise<ByteSource & { close(): Promise<void> }> {
  const handle = await open(path, 'r');
  const { size } = await handle.stat();
  return {
    size,
    async read(offset, length) {
      const buffer = Buffer.alloc(Math.max(0, Math.min(length, size - offset)));
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, offset);
      return buffer.subarray(0, bytesRead);
    },
    close: () => handle.close(),
  };
}

/**
 * Why the file's data ends before its declared image does, or undefined when it could hold it. Per format:
 * - JPEG: no EOI marker (FF D9) after the first scan. Inside entropy-coded data every FF is followed by 00 or a
 *   restart marker, so an FF D9 there can only be the end; a file cut short has none.
 * - PNG: no IEND chunk, or less IDAT data than deflate's best ratio could expand to the declared pixels.
 * - WebP: fewer bytes than the RIFF header declares.
 * Other formats are left to the strict decoder (which still runs inside the bounded decode queue).
 */
export async function truncationOf(source: ByteSource, format: SniffedImage): Promise<string | undefined> {
  if (format === 'jpeg') return jpegTruncation(source);
  if (format === 'png') return pngTruncation(source);
  if (format === 'webp') {
    const declared = (await source.read(4, 4)).readUInt32LE(0) + 8;
    return source.size < declared ? `the file has ${source.size} of the ${declared} bytes its header declares` : undefined;
  }
  return undefined;
}

/** Scanned a megabyte at a time: a 25 MB upload is never read into memory whole. */
const scanChunkBytes = 1024 * 1024;

async function jpegTruncation(source: ByteSource): Promise<string | undefined> {
  // Walk the marker segments from SOI to the first SOS (start of scan).
  let at = 2;
  while (at + 4 <= source.size) {
    const head = await source.read(at, 4);
    if (head[0] !== 0xff) return 'the JPEG marker structure is broken';
    const marker = head[1]!;
    if (marker === 0xff) { at++; continue; } // fill byte
    if (marker === 0xd8 || (marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) { at += 2; continue; }
    if (marker === 0xd9) return 'the JPEG ends before its first scan';
    const length = head.readUInt16BE(2);
    if (marker === 0xda) return (await containsEoi(source, at + 2 + length)) ? undefined : 'the JPEG data ends before the image does (no end marker)';
    at += 2 + length;
  }
  return 'the JPEG ends before its first scan';
}

async function containsEoi(source: ByteSource, from: number): Promise<boolean> {
  let previousLast = -1;
  for (let at = from; at < source.size; at += scanChunkBytes) {
    const chunk = await source.read(at, scanChunkBytes);
    if (previousLast === 0xff && chunk[0] === 0xd9) return true;
    if (chunk.indexOf(eoi) >= 0) return true;
    previousLast = chunk[chunk.length - 1] ?? -1;
  }
  return false;
}
const eoi = Buffer.from([0xff, 0xd9]);

/** Samples per pixel of each PNG colour type (a palette image stores one index per pixel). */
const pngSamples: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

async function pngTruncation(source: ByteSource): Promise<string | undefined> {
  let at = 8;
  let idat = 0;
  let ihdr: { width: number; height: number; bitDepth: number; samples: number } | undefined;
  let sawEnd = false;
  while (at + 8 <= source.size) {
    const head = await source.read(at, 8);
    const length = head.readUInt32BE(0);
    const type = head.toString('latin1', 4, 8);
    if (type === 'IHDR' && at + 18 <= source.size) {
      const b = await source.read(at + 8, 10);
      ihdr = { width: b.readUInt32BE(0), height: b.readUInt32BE(4), bitDepth: b[8]!, samples: pngSamples[b[9]!] ?? 4 };
    }
    if (type === 'IDAT') idat += Math.min(length, Math.max(0, source.size - at - 8));
    if (type === 'IEND') { sawEnd = true; break; }
    at += 12 + length;
  }
  if (!sawEnd) return 'the PNG data ends before the image does (no IEND chunk)';
  if (!ihdr) return 'the PNG has no header chunk';
  const rawBytes = (1 + Math.ceil((ihdr.width * ihdr.samples * ihdr.bitDepth) / 8)) * ihdr.height;
  if (idat * deflateMaxRatio < rawBytes) return `the PNG holds ${idat} bytes of image data, too few for ${ihdr.width}×${ihdr.height} pixels`;
  return undefined;
}
