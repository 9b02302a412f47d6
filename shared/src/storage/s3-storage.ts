import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { assertValidContentType } from './content-type.ts';
import { StorageObjectNotFoundError } from './errors.ts';
import { assertValidKey, assertValidPrefix, compareKeys } from './keys.ts';
import type { PutOptions, SignedUrlOptions, Storage, StoredObjectInfo } from './storage.ts';
import { stableExpiryS } from './url-signer.ts';

/** S3's own page limit; a smaller page only makes listing slower. */
export const defaultListPageSize = 1000;

export interface S3StorageOptions {
  bucket: string;
  /** Signing region. MinIO accepts any (`us-east-1` by convention); OSS and COS need their real one. */
  region: string;
  /**
   * Anything but AWS S3: `http://minio:9000`, `https://oss-cn-hangzhou.aliyuncs.com`,
   * `https://cos.ap-shanghai.myqcloud.com`. @defaultValue the AWS endpoint for `region`
   */
  endpoint?: string;
  /**
   * The endpoint browsers reach, when it differs from `endpoint` (in docker compose the API talks to
   * `http://minio:9000`, a browser to `http://localhost:9000`). Signing is offline, so no request goes there.
   * @defaultValue `endpoint`
   */
  publicEndpoint?: string;
  /** `bucket` in the path instead of the host name: MinIO and s3rver need it, OSS refuses it. */
  forcePathStyle: boolean;
  /** With `secretAccessKey`; when both are absent the SDK's default credential chain (env, profile, IAM role) decides. */
  accessKeyId?: string;
  secretAccessKey?: string;
  /** Lifetime of a signed URL when the caller names none; S3 refuses more than 7 days (604800). */
  defaultTtlS: number;
  /**
   * How long a request may wait for S3's answer with nothing arriving (the socket idle timeout), in ms. Without one,
   * an S3 that accepts a connection and never answers holds a task forever. @defaultValue 30_000
   */
  requestTimeoutMs?: number;
  /** Keys per ListObjectsV2 request. @defaultValue {@link defaultListPageSize} */
  listPageSize?: number;
  /** The clock signed URLs are stamped with, in unix milliseconds. @defaultValue `Date.now` */
  nowMs?: () => number;
}

function errorName(err: unknown): string | undefined {
  return err instanceof Error ? err.name : undefined;
}

/**
 * Storage in an S3-compatible bucket: AWS S3, MinIO, Aliyun OSS or Tencent COS, chosen by
 * `endpoint`, `region` and `forcePathStyle` alone. Signed URLs are SigV4 presigned GETs, served by the
 * bucket itself, so file downloads never pass through the API.
 */
export class S3Storage implements Storage {
  readonly kind = 's3' as const;
  readonly #client: S3Client;
  /** Signs URLs for browsers; the same client unless `publicEndpoint` differs from `endpoint`. */
  readonly #presignClient: S3Client;
  readonly #bucket: string;
  readonly #defaultTtlS: number;
  readonly #listPageSize: number;
  readonly #nowMs: () => number;

  constructor(opts: S3StorageOptions) {
    if ((opts.accessKeyId === undefined) !== (opts.secretAccessKey === undefined)) {
      throw new RangeError('S3Storage needs both accessKeyId and secretAccessKey, or neither');
    }
    const clientFor = (endpoint: string | undefined) => new S3Client({
      region: opts.region,
      endpoint,
      forcePathStyle: opts.forcePathStyle,
      credentials:
        opts.accessKeyId !== undefined && opts.secretAccessKey !== undefined
          ? { accessKeyId: opts.accessKeyId, secretAccessKey: opts.secretAccessKey }
          : undefined,
      // Since 3.729 the SDK adds CRC checksum headers to every request and `x-amz-checksum-mode` to GETs,
      // signed URLs included. Several S3-compatible stores reject those headers or the signature over
      // them; checksums only when an operation requires them keeps OSS, COS and older MinIO working.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      // A timed-out request is retried by the SDK (maxAttempts, 3 by default), then classified as the dependency being
      // unavailable (classifyStorageFault), so the task is retried by the queue later.
      // (throwOnRequestTimeout: without it the handler only logs a warning and the request keeps waiting.)
      requestHandler: {
        requestTimeout: opts.requestTimeoutMs ?? 30_000, connectionTimeout: Math.min(opts.requestTimeoutMs ?? 30_000, 5_000), throwOnRequestTimeout: true,
      },
    });
    this.#client = clientFor(opts.endpoint);
    this.#presignClient = opts.publicEndpoint && opts.publicEndpoint !== opts.endpoint ? clientFor(opts.publicEndpoint) : this.#client;
    this.#bucket = opts.bucket;
    this.#defaultTtlS = opts.defaultTtlS;
    this.#listPageSize = opts.listPageSize ?? defaultListPageSize;
    this.#nowMs = opts.nowMs ?? Date.now;
  }

  async put(key: string, body: Buffer, opts: PutOptions): Promise<void> {
    assertValidKey(key);
    assertValidContentType(opts.contentType);
    await this.#client.send(
      new PutObjectCommand({
        Bucket: this.#bucket,
        Key: key,
        Body: body,
        ContentType: opts.contentType,
        ContentLength: body.length,
      }),
    );
  }

  async get(key: string): Promise<Buffer> {
    assertValidKey(key);
    try {
      const res = await this.#client.send(new GetObjectCommand({ Bucket: this.#bucket, Key: key }));
      if (!res.Body) return Buffer.alloc(0);
      const bytes = await res.Body.transformToByteArray();
      return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    } catch (err) {
      // Only NoSuchKey: a 404 NoSuchBucket is a configuration fault and must not look like a missing output.
      if (errorName(err) === 'NoSuchKey') throw new StorageObjectNotFoundError(key, { cause: err });
      throw err;
    }
  }

  async head(key: string): Promise<StoredObjectInfo | null> {
    assertValidKey(key);
    try {
      const res = await this.#client.send(new HeadObjectCommand({ Bucket: this.#bucket, Key: key }));
      return { bytes: res.ContentLength ?? 0, contentType: res.ContentType ?? 'application/octet-stream', modifiedAt: res.LastModified ?? new Date() };
    } catch (err) {
      // A HEAD answer has no body to carry an error code, so the SDK names every 404 `NotFound`.
      const name = errorName(err);
      if (name === 'NotFound' || name === 'NoSuchKey') return null;
      throw err;
    }
  }

  async delete(key: string): Promise<void> {
    assertValidKey(key);
    await this.#client.send(new DeleteObjectCommand({ Bucket: this.#bucket, Key: key }));
  }

  async list(prefix: string): Promise<string[]> {
    assertValidPrefix(prefix);
    const keys: string[] = [];
    let continuationToken: string | undefined;
    do {
      const res = await this.#client.send(
        new ListObjectsV2Command({
          Bucket: this.#bucket,
          Prefix: prefix,
          MaxKeys: this.#listPageSize,
          ContinuationToken: continuationToken,
        }),
      );
      for (const object of res.Contents ?? []) {
        if (object.Key !== undefined) keys.push(object.Key);
      }
      continuationToken = res.IsTruncated ? res.NextContinuationToken : undefined;
    } while (continuationToken !== undefined);
    // S3 already answers in this order; S3-compatible stores are not all as careful.
    return keys.sort(compareKeys);
  }

  async signedUrl(key: string, opts: SignedUrlOptions = {}): Promise<string> {
    assertValidKey(key);
    const ttlS = opts.expiresInS ?? this.#defaultTtlS;
    if (!Number.isFinite(ttlS) || ttlS < 0) throw new RangeError(`expiresInS must be a non-negative number, got ${ttlS}`);
    // Signed as of the start of the current quarter-TTL, so the URL is one string for that quarter and browsers cache
    // the object; it still lives at least ttlS from now (see stableExpiryS).
    const bucketS = Math.max(1, Math.floor(ttlS / 4));
    const nowS = Math.floor(this.#nowMs() / 1000);
    const signedAtS = Math.floor(nowS / bucketS) * bucketS;
    return getSignedUrl(this.#presignClient, new GetObjectCommand({ Bucket: this.#bucket, Key: key }), {
      expiresIn: stableExpiryS(nowS, ttlS) - signedAtS,
      signingDate: new Date(signedAtS * 1000),
    });
  }

  /** Resolves when the bucket exists and these credentials may use it. */
  async ping(): Promise<void> {
    await this.#client.send(new HeadBucketCommand({ Bucket: this.#bucket }));
  }

  async close(): Promise<void> {
    this.#client.destroy();
    if (this.#presignClient !== this.#client) this.#presignClient.destroy();
  }
}
