/** Image formats we accept, recognised from their first bytes (never from the file name). */
export type SniffedImage = 'jpeg' | 'png' | 'webp' | 'gif' | 'tiff' | 'avif' | 'heif';

const startsWith = (b: Buffer, bytes: number[], offset = 0): boolean => bytes.every((v, i) => b[offset + i] === v);
const ascii = (b: Buffer, start: number, end: number): string => b.subarray(start, end).toString('latin1');

/** The format the bytes declare, or `undefined` when they are not an image we take. */
export function sniffImage(b: Buffer): SniffedImage | undefined {
  if (b.length < 12) return undefined;
  if (startsWith(b, [0xff, 0xd8, 0xff])) return 'jpeg';
  if (startsWith(b, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png';
  if (ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 12) === 'WEBP') return 'webp';
  if (ascii(b, 0, 6) === 'GIF87a' || ascii(b, 0, 6) === 'GIF89a') return 'gif';
  if (startsWith(b, [0x49, 0x49, 0x2a, 0x00]) || startsWith(b, [0x4d, 0x4d, 0x00, 0x2a])) return 'tiff';
  if (ascii(b, 4, 8) === 'ftyp') {
    const brand = ascii(b, 8, 12);
    if (brand === 'avif' || brand === 'avis') return 'avif';
    if (['heic', 'heix', 'mif1', 'msf1', 'hevc'].includes(brand)) return 'heif';
  }
  return undefined;
}
