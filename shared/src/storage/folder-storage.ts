import { randomBytes } from 'node:crypto';
import type { Stats } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { lstat, mkdir, open, readdir, readFile, realpath, rename, rm, stat, unlink } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { assertValidContentType } from './content-type.ts';
import { StorageFullError, StorageKeyInvalidError, StorageObjectNotFoundError } from './errors.ts';
import { freeMegabytes } from './free-space.ts';
import { assertValidKey, assertValidPrefix, compareKeys } from './keys.ts';
import type { PutOptions, SignedUrlOptions, Storage, StoredObjectInfo } from './storage.ts';
import { stableExpiryS, type UrlSigner } from './url-signer.ts';

export interface FolderStorageOptions {
  /** The folder that holds every object; created on first use. A root that is itself a symlink is fine. */
  root: string;
  /** Where the API serves `/files/…`, e.g. `https://studio.example.com`; a trailing slash is ignored. */
  publicBaseUrl: string;
  /** Shared with every process that calls {@link FolderStorage.verifySignedRequest}. */
  signer: UrlSigner;
  /** Lifetime of a signed URL when the caller names none. */
  defaultTtlS: number;
  /** The clock signed URLs are stamped and checked with, in unix milliseconds. @defaultValue `Date.now` */
  nowMs?: () => number;
  /**
   * Free space (MB) kept in reserve on the folder's disk: a `put` that would leave less is refused with
   * `StorageFullError` before anything is written. @defaultValue 0 (only a real ENOSPC stops a write)
   */
  minFreeMb?: number;
}

/** An object opened for streaming, so the API can serve a large video without holding it in memory. */
export interface ObjectStream {
  /** The object's bytes; destroy it if you stop reading early, or the file stays open. */
  stream: Readable;
  info: StoredObjectInfo;
}

/** Served when an object's sidecar is missing, which only a hand-copied file can cause. */
const fallbackContentType = 'application/octet-stream';
/**
 * Every name this class writes for its own bookkeeping starts with this: content-type sidecars
 * (`.sf-meta.<name>.json`), half-written temp files (`.sf-tmp.<random>`) and ping probes. Keys may not
 * use it, so an object can never be mistaken for, or overwrite, one of them.
 */
const reservedPrefix = '.sf-';
/** Leaves room for the sidecar's `.sf-meta.` and `.json` inside the usual 255-byte file-name limit. */
const maxSegmentBytes = 200;

const metaName = (name: string) => `${reservedPrefix}meta.${name}.json`;
const tempName = () => `${reservedPrefix}tmp.${randomBytes(8).toString('hex')}`;

function errorCode(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'string' ? err.code : undefined;
}

/** ENOTDIR and EISDIR mean a folder stands where a file was looked for, or the reverse: no such object. */
function isAbsent(err: unknown): boolean {
  const code = errorCode(err);
  return code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR';
}

function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

interface Location {
  /** Absolute path of the object's file, under the real (symlink-free) root. */
  file: string;
  /** Absolute path of its content-type sidecar, beside it. */
  meta: string;
}

/**
 * Storage in a local folder, for one machine or a shared volume: each object is a plain file at
 * `<root>/<key>`, its content type in a sidecar beside it. Signed URLs point at the API's `/files` route,
 * which checks them with {@link FolderStorage.verifySignedRequest} and streams with {@link FolderStorage.openRead}.
 *
 * Writes go to a temp file in the target's folder, are fsynced, then renamed over the target, so a reader
 * (or a crash) never sees half an object and concurrent writers of one key leave one whole version.
 * Keys are checked twice: by shape ({@link assertValidKey}) and by where they resolve to on disk, so a
 * symlink inside the root that points outside it can be neither read nor written through. That check
 * guards against mistakes and planted links, not against a process racing us with write access to the root.
 *
 * Delete leaves empty folders behind: pruning them would race a concurrent `put` into the same folder.
 */
export class FolderStorage implements Storage {
  readonly kind = 'folder' as const;
  readonly #root: string;
  readonly #publicBaseUrl: string;
  readonly #signer: UrlSigner;
  readonly #defaultTtlS: number;
  readonly #nowMs: () => number;
  readonly #minFreeMb: number;
  #realRoot: Promise<string> | undefined;

  constructor(opts: FolderStorageOptions) {
    this.#root = resolve(opts.root);
    this.#publicBaseUrl = opts.publicBaseUrl.replace(/\/+$/, '');
    this.#signer = opts.signer;
    this.#defaultTtlS = opts.defaultTtlS;
    this.#nowMs = opts.nowMs ?? Date.now;
    this.#minFreeMb = opts.minFreeMb ?? 0;
  }

  async put(key: string, body: Buffer, opts: PutOptions): Promise<void> {
    assertValidContentType(opts.contentType);
    const loc = await this.#locate(key);
    await this.#assertRoomFor(body.length);
    const dir = dirname(loc.file);
    await mkdir(dir, { recursive: true });
    // mkdir may have created folders; check again that nothing on the way resolves outside the root.
    await this.#assertDirInside(key, dir);
    // Sidecar first: once the object is visible its content type is already there.
    await writeAtomic(loc.meta, JSON.stringify({ contentType: opts.contentType }));
    await writeAtomic(loc.file, body);
  }

  /** Free space is checked before writing, so a full disk refuses the object instead of leaving half of it. */
  async #assertRoomFor(bytes: number): Promise<void> {
    if (this.#minFreeMb <= 0) return;
    const freeMb = await freeMegabytes(this.#root);
    const afterMb = freeMb - Math.ceil(bytes / (1024 * 1024));
    if (afterMb < this.#minFreeMb) {
      throw new StorageFullError(`the storage folder has ${freeMb} MB free, less than the ${this.#minFreeMb} MB kept in reserve`, { freeMb, reserveMb: this.#minFreeMb });
    }
  }

  async get(key: string): Promise<Buffer> {
    const loc = await this.#locate(key);
    try {
      return await readFile(loc.file);
    } catch (err) {
      if (isAbsent(err)) throw new StorageObjectNotFoundError(key, { cause: err });
      throw err;
    }
  }

  async head(key: string): Promise<StoredObjectInfo | null> {
    const loc = await this.#locate(key);
    let stats: Stats;
    try {
      stats = await stat(loc.file);
    } catch (err) {
      if (isAbsent(err)) return null;
      throw err;
    }
    if (!stats.isFile()) return null;
    return { bytes: stats.size, contentType: await readContentType(loc.meta), modifiedAt: stats.mtime };
  }

  /**
   * Opens the object for streaming. Throws `StorageObjectNotFoundError` when absent.
   * The size comes from the open file, so it matches the bytes the stream will yield.
   */
  async openRead(key: string): Promise<ObjectStream> {
    const loc = await this.#locate(key);
    let handle: FileHandle;
    try {
      handle = await open(loc.file, 'r');
    } catch (err) {
      if (isAbsent(err)) throw new StorageObjectNotFoundError(key, { cause: err });
      throw err;
    }
    try {
      const stats = await handle.stat();
      if (!stats.isFile()) throw new StorageObjectNotFoundError(key);
      const contentType = await readContentType(loc.meta);
      return { stream: handle.createReadStream(), info: { bytes: stats.size, contentType, modifiedAt: stats.mtime } };
    } catch (err) {
      await handle.close();
      throw err;
    }
  }

  async delete(key: string): Promise<void> {
    const loc = await this.#locate(key);
    // Object first, so whenever the object exists its sidecar does too.
    for (const path of [loc.file, loc.meta]) {
      try {
        await unlink(path);
      } catch (err) {
        if (!isAbsent(err)) throw err;
      }
    }
  }

  /** Keys under `prefix` (a plain string prefix, as in S3), sorted. Symlinks are not followed. */
  async list(prefix: string): Promise<string[]> {
    assertValidPrefix(prefix);
    assertNotReserved(prefix);
    const root = await this.#getRealRoot();
    // Only the part of the prefix up to its last `/` is a folder; the rest filters names inside it.
    const startRel = prefix.slice(0, prefix.lastIndexOf('/') + 1);
    const startDir = resolve(root, ...startRel.split('/').filter(Boolean));
    await this.#assertDirInside(prefix, startDir);
    const keys: string[] = [];
    const walk = async (dir: string, rel: string): Promise<void> => {
      let entries;
      try {
        entries = await readdir(dir, { withFileTypes: true });
      } catch (err) {
        if (isAbsent(err)) return;
        throw err;
      }
      for (const entry of entries) {
        if (entry.name.startsWith(reservedPrefix)) continue;
        const key = rel + entry.name;
        if (entry.isDirectory()) {
          if (`${key}/`.startsWith(prefix) || prefix.startsWith(`${key}/`)) await walk(join(dir, entry.name), `${key}/`);
        } else if (entry.isFile() && key.startsWith(prefix)) {
          keys.push(key);
        }
      }
    };
    await walk(startDir, startRel);
    return keys.sort(compareKeys);
  }

  async signedUrl(key: string, opts: SignedUrlOptions = {}): Promise<string> {
    assertValidKey(key);
    assertNotReserved(key);
    const ttlS = opts.expiresInS ?? this.#defaultTtlS;
    if (!Number.isFinite(ttlS) || ttlS < 0) throw new RangeError(`expiresInS must be a non-negative number, got ${ttlS}`);
    const expiresAtS = stableExpiryS(Math.floor(this.#nowMs() / 1000), ttlS);
    const sig = this.#signer.sign(key, expiresAtS);
    const path = key.split('/').map(encodeURIComponent).join('/');
    return `${this.#publicBaseUrl}/files/${path}?exp=${expiresAtS}&sig=${sig}`;
  }

  /**
   * Whether a request for `/files/<key>?exp=…&sig=…` carries a valid, unexpired signature. Takes the raw
   * query values and answers `false`, never throws, for a bad key, a non-numeric `exp` or malformed `sig`.
   * `key` is the decoded path (each segment through decodeURIComponent).
   */
  verifySignedRequest(key: string, exp: string, sig: string): boolean {
    try {
      assertValidKey(key);
      assertNotReserved(key);
    } catch {
      return false;
    }
    if (!/^\d{1,15}$/.test(exp)) return false;
    return this.#signer.verify(key, Number(exp), sig, Math.floor(this.#nowMs() / 1000));
  }

  /** Resolves when the root exists and a file can be written into it. */
  async ping(): Promise<void> {
    const root = await this.#getRealRoot();
    const probe = join(root, `${reservedPrefix}ping.${randomBytes(8).toString('hex')}`);
    await writeAtomic(probe, 'ok');
    await rm(probe, { force: true });
  }

  async close(): Promise<void> {
    // Nothing is held open between calls.
  }

  /** The root with every symlink resolved, created on first use; a failure is retried on the next call. */
  #getRealRoot(): Promise<string> {
    this.#realRoot ??= (async () => {
      await mkdir(this.#root, { recursive: true });
      return realpath(this.#root);
    })().catch((err: unknown) => {
      this.#realRoot = undefined;
      throw err;
    });
    return this.#realRoot;
  }

  /** Checks the key, and that its folder and file (and sidecar) resolve inside the root. */
  async #locate(key: string): Promise<Location> {
    assertValidKey(key);
    assertNotReserved(key);
    const root = await this.#getRealRoot();
    const file = resolve(root, ...key.split('/'));
    // assertValidKey already rules out `..`; this is the second lock on the same door.
    if (!isInside(root, file) || file === root) throw new StorageKeyInvalidError(key, 'it resolves outside the storage root');
    const meta = join(dirname(file), metaName(basename(file)));
    await this.#assertDirInside(key, dirname(file));
    await this.#assertLinkInside(key, file);
    await this.#assertLinkInside(key, meta);
    return { file, meta };
  }

  /** The nearest existing folder at or above `dir` must really (after symlinks) be inside the root. */
  async #assertDirInside(key: string, dir: string): Promise<void> {
    const root = await this.#getRealRoot();
    for (let probe = dir; ; probe = dirname(probe)) {
      let real: string;
      try {
        real = await realpath(probe);
      } catch (err) {
        // Not there yet (or a file stands in the way): what matters is the folder it would be made in.
        if (isAbsent(err) && probe !== root && isInside(root, probe)) continue;
        throw err;
      }
      if (!isInside(root, real)) throw new StorageKeyInvalidError(key, 'it passes through a symlink that leaves the storage root');
      return;
    }
  }

  /** When `path` itself is a symlink, it must resolve inside the root; a dangling one is refused. */
  async #assertLinkInside(key: string, path: string): Promise<void> {
    let stats: Stats;
    try {
      stats = await lstat(path);
    } catch (err) {
      if (isAbsent(err)) return;
      throw err;
    }
    if (!stats.isSymbolicLink()) return;
    const root = await this.#getRealRoot();
    let real: string;
    try {
      real = await realpath(path);
    } catch (err) {
      throw new StorageKeyInvalidError(key, 'it is a symlink that does not resolve', { cause: err });
    }
    if (!isInside(root, real)) throw new StorageKeyInvalidError(key, 'it is a symlink that leaves the storage root');
  }
}

/** Folder-only rules on top of assertValidKey: no bookkeeping names, and segments short enough for a sidecar. */
function assertNotReserved(key: string): void {
  for (const segment of key.split('/')) {
    if (segment.startsWith(reservedPrefix)) {
      throw new StorageKeyInvalidError(key, `a segment starts with "${reservedPrefix}", which the folder driver reserves`);
    }
    if (Buffer.byteLength(segment, 'utf8') > maxSegmentBytes) {
      throw new StorageKeyInvalidError(key, `a segment is longer than ${maxSegmentBytes} bytes`);
    }
  }
}

async function readContentType(metaPath: string): Promise<string> {
  let text: string;
  try {
    text = await readFile(metaPath, 'utf8');
  } catch (err) {
    if (isAbsent(err)) return fallbackContentType;
    throw err;
  }
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === 'object' && parsed !== null && 'contentType' in parsed && typeof parsed.contentType === 'string') {
      return parsed.contentType;
    }
  } catch {
    // Cannot happen through writeAtomic; a hand-edited sidecar should not make the object unreadable.
  }
  return fallbackContentType;
}

/**
 * Writes `target` all at once: a temp file in the same folder (so the rename stays on one filesystem and
 * is atomic), fsynced so a crash after the rename cannot leave a renamed but empty file, then renamed over it.
 */
async function writeAtomic(target: string, data: Buffer | string): Promise<void> {
  const temp = join(dirname(target), tempName());
  try {
    const handle = await open(temp, 'wx');
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, target);
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
}
