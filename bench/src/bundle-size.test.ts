import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { formatBundleSize, formatKiB, summariseBundle } from './bundle-size.ts';

describe('summariseBundle', () => {
  it('sums JS and CSS raw and gzipped per file, and leaves everything else out', () => {
    const js = Buffer.from('console.log("a");'.repeat(200));
    const mjs = Buffer.from('export const b = 1;');
    const css = Buffer.from('.a{color:red}'.repeat(50));
    const size = summariseBundle([
      { name: 'assets/index-1.js', bytes: js },
      { name: 'assets/chunk.mjs', bytes: mjs },
      { name: 'assets/index.css', bytes: css },
      { name: 'index.html', bytes: Buffer.from('<html></html>') },
      { name: 'assets/index-1.js.map', bytes: Buffer.alloc(5000) },
      { name: '.build-stamp', bytes: Buffer.from('abc') },
    ]);
    expect(size.js).toEqual({ files: 2, rawBytes: js.length + mjs.length, gzipBytes: gzipSync(js, { level: 6 }).length + gzipSync(mjs, { level: 6 }).length });
    expect(size.css).toEqual({ files: 1, rawBytes: css.length, gzipBytes: gzipSync(css, { level: 6 }).length });
    expect(size.js.gzipBytes).toBeLessThan(size.js.rawBytes);
  });

  it('is zero for an empty bundle', () => {
    expect(summariseBundle([])).toEqual({ js: { files: 0, rawBytes: 0, gzipBytes: 0 }, css: { files: 0, rawBytes: 0, gzipBytes: 0 } });
  });
});

describe('formatBundleSize', () => {
  it('prints both kinds in KiB with one decimal', () => {
    expect(formatKiB(1536)).toBe('1.5 KiB');
    expect(formatBundleSize('studio-web-bundle', {
      js: { files: 18, rawBytes: 1024 * 1000, gzipBytes: 1024 * 300 },
      css: { files: 1, rawBytes: 15_872, gzipBytes: 4_096 },
    })).toBe('studio-web-bundle: JS 1000.0 KiB (gzip 300.0 KiB, 18 files), CSS 15.5 KiB (gzip 4.0 KiB, 1 file)');
  });
});
