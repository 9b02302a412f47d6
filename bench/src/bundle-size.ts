import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

/** Raw and gzip bytes of one kind of file in the bundle. */
export interface SizePair {
  files: number;
  rawBytes: number;
  gzipBytes: number;
}

/** What the browser downloads of the production build, by kind. */
export interface BundleSize {
  js: SizePair;
  css: SizePair;
}

/** One file of the bundle: its path (only the extension matters) and its bytes. */
export interface BundleFile {
  name: string;
  bytes: Buffer;
}

/** gzip level of a typical static server or CDN; 9 would flatter the bundle by a percent or two. */
const gzipLevel = 6;

const empty = (): SizePair => ({ files: 0, rawBytes: 0, gzipBytes: 0 });

/** Sum JS (`.js`, `.mjs`) and CSS files, raw and each gzipped on its own, as a browser fetches them; other files are left out. */
export function summariseBundle(files: readonly BundleFile[]): BundleSize {
  const size: BundleSize = { js: empty(), css: empty() };
  for (const f of files) {
    const kind = /\.m?js$/i.test(f.name) ? size.js : /\.css$/i.test(f.name) ? size.css : undefined;
    if (!kind) continue;
    kind.files += 1;
    kind.rawBytes += f.bytes.length;
    kind.gzipBytes += gzipSync(f.bytes, { level: gzipLevel }).length;
  }
  return size;
}

/** Every file under `dir`, recursively (source maps and images included; {@link summariseBundle} picks). */
export async function readBundle(dir: string): Promise<BundleFile[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return Promise.all(entries.filter((e) => e.isFile()).map(async (e) => {
    const file = path.join(e.parentPath, e.name);
    return { name: path.relative(dir, file), bytes: await readFile(file) };
  }));
}

/** KiB with one decimal: `412.3 KiB`. */
export function formatKiB(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KiB`;
}

/** `name: JS 1234.5 KiB (gzip 400.1 KiB, 18 files), CSS 15.4 KiB (gzip 3.9 KiB, 1 file)`. */
export function formatBundleSize(name: string, size: BundleSize): string {
  const part = (label: string, p: SizePair) => `${label} ${formatKiB(p.rawBytes)} (gzip ${formatKiB(p.gzipBytes)}, ${p.files} ${p.files === 1 ? 'file' : 'files'})`;
  return `${name}: ${part('JS', size.js)}, ${part('CSS', size.css)}`;
}
