/** What an object in storage looks like from the outside. */
export interface StoredObjectInfo {
  bytes: number;
  contentType: string;
  /** When the object was last written: the storage sweep leaves young objects alone (a render may not have reported yet). */
  modifiedAt: Date;
}

export interface PutOptions {
  /** MIME type served back with the object. */
  contentType: string;
}

export interface SignedUrlOptions {
  /** Seconds until the URL stops working. @defaultValue the storage's configured TTL */
  expiresInS?: number;
}

/**
 * Where every byte of Shotfarm lives: uploads, outputs, thumbnails, models.
 * Keys come only from `storageKeys` (keys.ts). Writing the same key twice with the same bytes is
 * harmless, which is what makes a retried task idempotent.
 */
export interface Storage {
  /** `s3` or `folder`; decided by configuration alone. */
  readonly kind: 's3' | 'folder';
  put(key: string, body: Buffer, opts: PutOptions): Promise<void>;
  /** The object's bytes; throws `StorageObjectNotFoundError` when absent. */
  get(key: string): Promise<Buffer>;
  /** Size and type, or `null` when absent. */
  head(key: string): Promise<StoredObjectInfo | null>;
  delete(key: string): Promise<void>;
  /** Every key under a prefix, sorted. */
  list(prefix: string): Promise<string[]>;
  /** A URL that serves the object's bytes with its content type until it expires. */
  signedUrl(key: string, opts?: SignedUrlOptions): Promise<string>;
  /** Resolves when the backing store answers; used by /readyz. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
