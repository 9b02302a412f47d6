import path from 'node:path';
import yauzl, { type Entry, type ZipFile } from 'yauzl';
import { LaunchPhotosInvalidError } from '../../errors.ts';

/** What a ZIP may hold before it is refused whole: a zip bomb or a flood of entries costs nothing but the central directory read. */
export interface ZipBounds {
  maxEntries: number;
  /** Largest single entry once inflated, bytes. */
  maxEntryBytes: number;
  /** All entries together once inflated, bytes. */
  maxTotalBytes: number;
  /** Largest inflated/compressed ratio of an entry (photos barely compress; bombs inflate a thousandfold). */
  maxRatio: number;
}

export const photoZipBounds: ZipBounds = { maxEntries: 10_000, maxEntryBytes: 25 * 1024 * 1024, maxTotalBytes: 8 * 1024 ** 3, maxRatio: 100 };

/** An entry name that would leave the folder it is extracted into (zip-slip), or is not a plain relative path. */
export function unsafeEntryName(name: string): string | null {
  if (name.includes('\\')) return 'contains a backslash';
  if (name.startsWith('/') || /^[a-zA-Z]:/.test(name)) return 'is an absolute path';
  if (name.split('/').some((part) => part === '..')) return 'climbs out of the archive with ..';
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(name)) return 'contains control characters';
  return null;
}

const refuse = (reason: string): Error => new LaunchPhotosInvalidError(`the photo ZIP is refused: ${reason}`);

/** Files a ZIP tool adds that are never photos. */
const ignoredEntry = (name: string): boolean => name.endsWith('/') || name.startsWith('__MACOSX/') || path.posix.basename(name).startsWith('.');

function openZip(source: Buffer | string): Promise<ZipFile> {
  // decodeStrings: names are decoded (UTF-8 flag or CP437) and yauzl itself refuses absolute and `..` names too.
  const options = { lazyEntries: true, autoClose: false, validateEntrySizes: true, strictFileNames: true, decodeStrings: true };
  return (typeof source === 'string' ? yauzl.openPromise(source, options) : yauzl.fromBufferPromise(source, options))
    .catch((e: unknown) => { throw refuse(`it is not a ZIP archive (${(e as Error).message})`); });
}

/** Walk the central directory (no entry is inflated), checking every bound; resolves to the entries kept. */
async function scanEntries(zip: ZipFile, bounds: ZipBounds): Promise<Entry[]> {
  const entries: Entry[] = [];
  let total = 0;
  let count = 0;
  if (zip.entryCount > bounds.maxEntries) throw refuse(`it has ${zip.entryCount} entries, more than the ${bounds.maxEntries} allowed`);
  await new Promise<void>((resolve, reject) => {
    zip.on('error', (e: Error) => reject(/invalid relative path|absolute path|backslash/i.test(e.message) ? refuse(`an entry ${e.message}`) : refuse(e.message)));
    zip.on('end', () => resolve());
    zip.on('entry', (entry: Entry) => {
      count++;
      const unsafe = unsafeEntryName(entry.fileName);
      if (unsafe) { reject(refuse(`entry ${JSON.stringify(entry.fileName.slice(0, 200))} ${unsafe}`)); return; }
      if (count > bounds.maxEntries) { reject(refuse(`it has more than ${bounds.maxEntries} entries`)); return; }
      if (entry.uncompressedSize > bounds.maxEntryBytes) {
        reject(refuse(`entry ${JSON.stringify(entry.fileName)} inflates to ${entry.uncompressedSize} bytes, more than ${bounds.maxEntryBytes}`)); return;
      }
      if (entry.uncompressedSize > 1024 * 1024 && entry.uncompressedSize / Math.max(1, entry.compressedSize) > bounds.maxRatio) {
        reject(refuse(`entry ${JSON.stringify(entry.fileName)} inflates ${Math.round(entry.uncompressedSize / Math.max(1, entry.compressedSize))}× (a zip bomb?)`)); return;
      }
      total += entry.uncompressedSize;
      if (total > bounds.maxTotalBytes) { reject(refuse(`its entries inflate to more than ${bounds.maxTotalBytes} bytes`)); return; }
      if (!ignoredEntry(entry.fileName)) entries.push(entry);
      zip.readEntry();
    });
    zip.readEntry();
  });
  return entries;
}

/** Check an archive's central directory against `bounds` without inflating anything (an XLSX before its parser sees it). */
export async function checkZipBounds(source: Buffer | string, bounds: ZipBounds): Promise<void> {
  const zip = await openZip(source);
  try {
    await scanEntries(zip, bounds);
  } finally {
    zip.close();
  }
}

/**
 * An uploaded ZIP of photos, opened from its spooled file. Entries are found by their path inside the archive or, when
 * unambiguous, by their file name alone; each is inflated only when asked for, one at a time, never past its bound.
 */
export class PhotoZip {
  readonly #byName = new Map<string, Entry>();

  private constructor(private readonly zip: ZipFile, entries: Entry[], private readonly bounds: ZipBounds) {
    const byBase = new Map<string, Entry[]>();
    for (const e of entries) {
      this.#byName.set(e.fileName, e);
      const base = path.posix.basename(e.fileName);
      byBase.set(base, [...(byBase.get(base) ?? []), e]);
    }
    for (const [base, list] of byBase) if (list.length === 1 && !this.#byName.has(base)) this.#byName.set(base, list[0]!);
  }

  static async open(file: string, bounds: ZipBounds = photoZipBounds): Promise<PhotoZip> {
    const zip = await openZip(file);
    try {
      return new PhotoZip(zip, await scanEntries(zip, bounds), bounds);
    } catch (e) {
      zip.close();
      throw e;
    }
  }

  has(name: string): boolean {
    return this.#byName.has(name.trim());
  }

  /** The entry's bytes (bounded: a lying size header fails the read instead of filling memory). */
  async read(name: string): Promise<Buffer> {
    const entry = this.#byName.get(name.trim());
    if (!entry) throw new Error(`no entry ${name}`);
    const stream = await this.zip.openReadStreamPromise(entry);
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > this.bounds.maxEntryBytes) { (stream as unknown as { destroy(): void }).destroy(); throw refuse(`entry ${JSON.stringify(name)} inflates past its bound`); }
      chunks.push(chunk);
    }
    return Buffer.concat(chunks);
  }

  /** The first bytes of an entry: enough to tell an image from anything else. */
  async head(name: string, bytes = 64): Promise<Buffer> {
    const entry = this.#byName.get(name.trim());
    if (!entry) throw new Error(`no entry ${name}`);
    const stream = await this.zip.openReadStreamPromise(entry);
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      chunks.push(chunk);
      size += chunk.length;
      if (size >= bytes) break;
    }
    (stream as unknown as { destroy(): void }).destroy();
    return Buffer.concat(chunks).subarray(0, bytes);
  }

  close(): void {
    this.zip.close();
  }
}
