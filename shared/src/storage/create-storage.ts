import { FolderStorage } from './folder-storage.ts';
import { S3Storage, type S3StorageOptions } from './s3-storage.ts';
import type { Storage } from './storage.ts';
import { UrlSigner } from './url-signer.ts';

/** A local folder, served by the API's `/files` route. */
export interface FolderStorageConfig {
  driver: 'folder';
  root: string;
  /** Base URL of the API that serves `/files/…`. */
  publicBaseUrl: string;
  /** HMAC secret for signed URLs, at least 16 bytes, the same in every process. */
  secret: string;
  /** Lifetime of a signed URL when the caller names none. */
  ttlS: number;
  /** Free space (MB) kept in reserve: a write that would leave less fails with `SF_STORAGE_FULL`. @defaultValue 0 */
  minFreeMb?: number;
}

/** An S3-compatible bucket; see `S3StorageOptions` for what each field means on MinIO, OSS and COS. */
export type S3StorageConfig = { driver: 's3'; ttlS: number }
  & Pick<S3StorageOptions, 'bucket' | 'region' | 'endpoint' | 'publicEndpoint' | 'forcePathStyle' | 'accessKeyId' | 'secretAccessKey' | 'requestTimeoutMs'>;

/** What the config loader produces for storage; `driver` alone decides the implementation. */
export type StorageConfig = FolderStorageConfig | S3StorageConfig;

/**
 * The storage configuration names. It does not contact the store: call `ping()` for that (readiness
 * probes do), so a process can start while the bucket is briefly unreachable.
 */
export async function createStorage(config: StorageConfig): Promise<Storage> {
  switch (config.driver) {
    case 'folder':
      return new FolderStorage({
        root: config.root,
        publicBaseUrl: config.publicBaseUrl,
        signer: new UrlSigner(config.secret),
        defaultTtlS: config.ttlS,
        minFreeMb: config.minFreeMb,
      });
    case 's3':
      return new S3Storage({
        bucket: config.bucket,
        region: config.region,
        endpoint: config.endpoint,
        publicEndpoint: config.publicEndpoint,
        forcePathStyle: config.forcePathStyle,
        accessKeyId: config.accessKeyId,
        secretAccessKey: config.secretAccessKey,
        requestTimeoutMs: config.requestTimeoutMs,
        defaultTtlS: config.ttlS,
      });
    default: {
      const unknown: never = config;
      throw new RangeError(`unknown storage driver ${JSON.stringify((unknown as { driver: unknown }).driver)}`);
    }
  }
}
