import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { FastifyBaseLogger, FastifyRequest } from 'fastify';
import type { MultipartFile } from '@fastify/multipart';
import { eq } from 'drizzle-orm';
import pLimit, { type LimitFunction } from 'p-limit';
import sharp, { type Metadata } from 'sharp';
import { newId, type ImageMime } from '@shotfarm/shared';
import { tables, type Db } from '@shotfarm/shared/db';
import { makeThumbnail } from '@shotfarm/shared/images';
import { storageKeys, type Storage } from '@shotfarm/shared/storage';
import {
  UploadBadFilenameError, UploadCorruptError, UploadHeicUnsupportedError, UploadMissingFileError, UploadNotImageError,
  UploadTooCostlyError, UploadTooLargeError, UploadTooManyFilesError, UploadTooManyPixelsError,
} from '../../errors.ts';
import { bufferSource, decodeCostBytes, fileSource, truncationOf, type ByteSource } from './image-decode-guard.ts';
import { sniffImage } from './image-sniff.ts';
import type { ScoreLedger } from '../scores/score-ledger.ts';

// Uploads are decoded a few at a time; libvips' operation cache would only keep decoded pixels alive between them.
sharp.cache(false);

export interface IngestLimits {
  /** Largest upload, bytes (UPLOAD_MAX_BYTES). */
  maxBytes: number;
  /** Largest image, pixels, from the header (UPLOAD_MAX_PIXELS). */
  maxPixels: number;
  /** Most memory one decode may take, bytes (UPLOAD_DECODE_MAX_BYTES). */
  decodeMaxBytes: number;
  /** Images decoded at once (UPLOAD_DECODE_CONCURRENCY). */
  decodeConcurrency: number;
}

/** An upload made ready to store: upright, sRGB, in a web format. */
export interface IngestedImage {
  bytes: Buffer;
  mime: ImageMime;
  ext: 'jpg' | 'png' | 'webp';
  width: number;
  height: number;
  sha256: string;
}

/** The request's one file, written to a temporary file as it arrived (never held in memory whole). */
export interface SpooledUpload {
  file: string;
  bytes: number;
  /** sha256 of the bytes as sent: what an `Idempotency-Key` is checked against. */
  sha256: string;
  filename: string | undefined;
  discard(): Promise<void>;
}

type AssetRow = typeof tables.assets.$inferSelect;

// A name is only ever shown, never used as a path; one that tries to be a path is refused outright, and so is one
// with bidirectional controls (`invoice\u202Egpj.exe` shows as `invoiceexe.jpg`) or longer than a file system allows.
// eslint-disable-next-line no-control-regex
const badFilename = /[/\\\u0000-\u001f\u007f\u200e\u200f\u202a-\u202e\u2066-\u2069]|^\.\.?$/;
const maxFilenameBytes = 255;
const isBadFilename = (name: string): boolean => badFilename.test(name) || Buffer.byteLength(name, 'utf8') > maxFilenameBytes;

/** Fewer bytes than this many declared pixels per byte cannot be a whole JPEG (see `ingestFrom`). */
const jpegMinPixelsPerByte = 4096;

/** HEIF brands whose images are HEVC-coded (HEIC); AVIF uses AV1, which sharp decodes. */
const heicBrands = new Set(['heic', 'heix', 'heim', 'heis', 'hevc', 'hevx']);

/**
 * Check and normalise an uploaded image, cheapest check first: the type is sniffed from the bytes, the header's
 * pixel count and decode cost are checked before any decoding (a 30000×30000 PNG bomb is a few KB on disk and
 * gigabytes in memory), a file whose data ends long before its declared image is refused without decoding it,
 * and only then is the image decoded, strictly. Error messages are ours: library text goes to the log only.
 */
export async function ingestImage(input: Buffer | string, limits: Pick<IngestLimits, 'maxPixels' | 'decodeMaxBytes'>, log?: FastifyBaseLogger): Promise<IngestedImage> {
  // A path is read piece by piece (and decoded by libvips from the file): no 25 MB JS buffer per upload lingers until GC.
  if (typeof input !== 'string') return ingestFrom(input, bufferSource(input), limits, log);
  const file = await fileSource(input);
  try {
    return await ingestFrom(input, file, limits, log);
  } finally {
    await file.close();
  }
}

async function ingestFrom(input: Buffer | string, source: ByteSource, limits: Pick<IngestLimits, 'maxPixels' | 'decodeMaxBytes'>, log?: FastifyBaseLogger): Promise<IngestedImage> {
  const head = await source.read(0, 64);
  const format = sniffImage(head);
  if (!format) throw new UploadNotImageError('expected JPEG, PNG, WebP, GIF, TIFF or AVIF');
  if (format === 'heif' && heicBrands.has(head.toString('latin1', 8, 12))) throw new UploadHeicUnsupportedError();
  let meta: Metadata;
  try {
    meta = await sharp(input, { limitInputPixels: false }).metadata();
  } catch (e) {
    log?.info({ err: e, format }, 'upload header unreadable');
    if (format === 'heif') throw new UploadHeicUnsupportedError();
    throw new UploadCorruptError('its header cannot be read');
  }
  // A HEIF container (brand mif1/msf1) may still hold HEVC: sharp's libvips decodes only AV1 there.
  if (format === 'heif' && meta.compression !== 'av1') throw new UploadHeicUnsupportedError();
  const width = meta.width ?? 0;
  const height = meta.height ?? 0;
  if (width * height > limits.maxPixels) throw new UploadTooManyPixelsError(width, height, limits.maxPixels);
  if (width === 0 || height === 0) throw new UploadCorruptError('the header declares no size');
  const cost = decodeCostBytes(meta);
  if (cost > limits.decodeMaxBytes) throw new UploadTooCostlyError(width, height, Math.ceil(cost / 2 ** 20), Math.floor(limits.decodeMaxBytes / 2 ** 20));
  const truncated = await truncationOf(source, format);
  if (truncated) throw new UploadCorruptError(truncated);
  // A JPEG keeps its end marker after its data was cut (or its frame header enlarged): 286 bytes that declare
  // 6000×6000 decode to 108 MB of grey in 0.3 s. Even one flat colour costs a JPEG ≥ 1 byte per ~350 pixels
  // (mozjpeg, quality 1), so a file with under 1 byte per 4,096 declared pixels cannot hold its image.
  if (format === 'jpeg' && source.size * jpegMinPixelsPerByte < width * height) {
    throw new UploadCorruptError(`its ${source.size} bytes cannot hold the ${width}×${height} image it declares`);
  }

  // Keep the kind of encoding the photographer chose; formats browsers handle poorly become PNG.
  const out: { mime: ImageMime; ext: IngestedImage['ext'] } =
    format === 'jpeg' ? { mime: 'image/jpeg', ext: 'jpg' } : format === 'webp' ? { mime: 'image/webp', ext: 'webp' } : { mime: 'image/png', ext: 'png' };
  try {
    // rotate() applies EXIF orientation; sharp converts embedded ICC profiles to sRGB on output and strips metadata.
    // Only a photo that needs turning is rotated: rotating holds the whole image in memory, while an upright one
    // streams from decoder to encoder a strip at a time (sequential read).
    let pipeline = sharp(input, { limitInputPixels: limits.maxPixels, failOn: 'truncated', pages: 1, sequentialRead: true });
    if ((meta.orientation ?? 1) > 1) pipeline = pipeline.rotate();
    pipeline = pipeline.toColourspace('srgb');
    pipeline = out.mime === 'image/jpeg' ? pipeline.jpeg({ quality: 92, chromaSubsampling: '4:4:4' })
      : out.mime === 'image/webp' ? pipeline.webp({ quality: 92 }) : pipeline.png();
    const { data, info } = await pipeline.toBuffer({ resolveWithObject: true });
    return { bytes: data, mime: out.mime, ext: out.ext, width: info.width, height: info.height, sha256: createHash('sha256').update(data).digest('hex') };
  } catch (e) {
    log?.info({ err: e, format }, 'upload decode failed');
    throw new UploadCorruptError('the image data is damaged or incomplete');
  }
}

export interface UploadIngestDeps {
  db: Db;
  storage: Storage;
  scores: Pick<ScoreLedger, 'enqueue'>;
  limits: IngestLimits;
  /** Where uploads are spooled while they wait to be decoded. */
  spoolDir: string;
  log: FastifyBaseLogger;
}

/**
 * `POST /api/assets`' work. An upload is streamed to a temporary file as it arrives, then waits its turn in a queue
 * of at most `decodeConcurrency` decodes: fifty parallel 20 MB uploads cost fifty files on disk and two decodes in
 * memory, not a gigabyte of buffers and fifty decodes at once.
 */
export class UploadIngest {
  readonly #decodeSlots: LimitFunction;

  constructor(private readonly deps: UploadIngestDeps) {
    this.#decodeSlots = pLimit(deps.limits.decodeConcurrency);
  }

  /** Uploads waiting for a decode slot, and decoding now: for tests and the farm page. */
  get queue(): { waiting: number; decoding: number } {
    return { waiting: this.#decodeSlots.pendingCount, decoding: this.#decodeSlots.activeCount };
  }

  /** Receive the request's one `file` part onto disk. Refuses a second file, a path as its name and an oversize body. */
  async receive(req: FastifyRequest): Promise<SpooledUpload> {
    if (!req.isMultipart()) throw new UploadMissingFileError();
    let spooled: SpooledUpload | undefined;
    try {
      // preservePath: busboy would otherwise strip the path silently, and a client sending one deserves to know.
      // files: 1 — a second file makes the iterator throw FST_FILES_LIMIT instead of being dropped silently.
      const parts = req.parts({ preservePath: true, limits: { fileSize: this.deps.limits.maxBytes, files: 1, fields: 4, parts: 5 } });
      for await (const part of parts) {
        if (part.type !== 'file') continue;
        if (part.fieldname !== 'file') { part.file.resume(); throw new UploadMissingFileError(); }
        if (part.filename && isBadFilename(part.filename)) {
          part.file.resume(); // drain, so the connection can be reused
          throw new UploadBadFilenameError(JSON.stringify(part.filename.slice(0, 80)));
        }
        spooled = await this.#spool(part);
      }
    } catch (e) {
      await spooled?.discard();
      const code = (e as { code?: string }).code;
      if (code === 'FST_INVALID_MULTIPART_CONTENT_TYPE') throw new UploadMissingFileError();
      if (code === 'FST_FILES_LIMIT') throw new UploadTooManyFilesError();
      if (code === 'FST_REQ_FILE_TOO_LARGE') throw new UploadTooLargeError(this.deps.limits.maxBytes);
      throw e;
    }
    if (!spooled) throw new UploadMissingFileError();
    return spooled;
  }

  /**
   * Decode (in the bounded queue), store, record and enqueue for scoring; the same bytes give the same asset (which
   * keeps its first uploader as `createdBy`).
   */
  async ingest(upload: SpooledUpload, by: { createdBy?: string | null } = {}): Promise<AssetRow> {
    return this.#decodeSlots(async () => {
      const image = await ingestImage(upload.file, this.deps.limits, this.deps.log);
      const { db, storage } = this.deps;
      const key = storageKeys.upload(image.sha256, image.ext);
      const thumbKey = storageKeys.thumbnail(key);
      // Storage before the row: a row never points at bytes that are not there. Same bytes → same key, same row.
      await storage.put(thumbKey, await makeThumbnail(image.bytes), { contentType: 'image/webp' });
      await storage.put(key, image.bytes, { contentType: image.mime });
      await db.insert(tables.assets).values({
        id: newId(), kind: 'upload', mime: image.mime, width: image.width, height: image.height, bytes: image.bytes.length,
        sha256: image.sha256, key, thumbKey, jobId: null, taskId: null, params: null, createdBy: by.createdBy ?? null,
      }).onConflictDoNothing({ target: tables.assets.key });
      const [row] = await db.select().from(tables.assets).where(eq(tables.assets.key, key));
      // Uploads are scored too: a designer sees at once whether a source photo meets a marketplace's rules.
      await this.deps.scores.enqueue({ assetId: row!.id, key });
      return row!;
    });
  }

  async #spool(part: MultipartFile): Promise<SpooledUpload> {
    await mkdir(this.deps.spoolDir, { recursive: true });
    const file = path.join(this.deps.spoolDir, `${randomUUID()}.upload`);
    const hash = createHash('sha256');
    let bytes = 0;
    const discard = () => rm(file, { force: true });
    try {
      await pipeline(part.file, new Transform({ transform(chunk: Buffer, _enc, done) { hash.update(chunk); bytes += chunk.length; done(null, chunk); } }), createWriteStream(file));
    } catch (e) {
      await discard();
      throw e;
    }
    if (part.file.truncated) {
      await discard();
      throw new UploadTooLargeError(this.deps.limits.maxBytes);
    }
    return { file, bytes, sha256: hash.digest('hex'), filename: part.filename || undefined, discard };
  }
}
