import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { sniffImage } from './image-sniff.ts';

describe('sniffImage', () => {
  it.each(['jpeg', 'png', 'webp', 'gif', 'tiff', 'avif'] as const)('recognises %s from its bytes', async (format) => {
    const bytes = await sharp({ create: { width: 16, height: 16, channels: 3, background: '#abc' } }).toFormat(format).toBuffer();
    expect(sniffImage(bytes)).toBe(format);
  });
  it('refuses text, HTML, a PDF and empty input whatever they are called', () => {
    expect(sniffImage(Buffer.from('just some text, pretending to be a PNG'))).toBeUndefined();
    expect(sniffImage(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"></svg>'))).toBeUndefined();
    expect(sniffImage(Buffer.from('%PDF-1.7\n%âãÏÓ\n1 0 obj'))).toBeUndefined();
    expect(sniffImage(Buffer.alloc(0))).toBeUndefined();
  });
});
