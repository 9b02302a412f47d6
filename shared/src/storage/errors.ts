import { ErrorCodes } from '../errors/index.ts';

/**
 * The object is not in storage. `get` throws it; `head` answers `null` instead, so callers that only
 * want to know whether an output exists never need a try/catch.
 */
export class StorageObjectNotFoundError extends Error {
  readonly code = ErrorCodes.SF_OBJECT_NOT_FOUND;
  readonly key: string;
  constructor(key: string, opts: { cause?: unknown } = {}) {
    super(`storage object ${JSON.stringify(key)} does not exist`, { cause: opts.cause });
    this.name = 'StorageObjectNotFoundError';
    this.key = key;
  }
}

/**
 * A key (or prefix) that could escape the storage root, alias another key, or that the backing store
 * cannot hold. Thrown before anything is read or written, so a refused key never leaves a trace.
 */
export class StorageKeyInvalidError extends Error {
  readonly code = ErrorCodes.SF_STORAGE_KEY_INVALID;
  readonly key: string;
  constructor(key: string, reason: string, opts: { cause?: unknown } = {}) {
    // JSON.stringify escapes control characters and NUL, which are exactly what a hostile key carries.
    super(`storage key ${JSON.stringify(key.slice(0, 200))} is invalid: ${reason}`, { cause: opts.cause });
    this.name = 'StorageKeyInvalidError';
    this.key = key;
  }
}

/**
 * The local storage folder has less free space than its reserve (or the disk answered ENOSPC). Thrown by a folder
 * `put` before a byte of the object is written, so a full disk never leaves half an object; retrying later may work.
 */
export class StorageFullError extends Error {
  readonly code = ErrorCodes.SF_STORAGE_FULL;
  readonly freeMb: number | undefined;
  readonly reserveMb: number | undefined;
  constructor(message: string, opts: { freeMb?: number; reserveMb?: number; cause?: unknown } = {}) {
    super(message, { cause: opts.cause });
    this.name = 'StorageFullError';
    this.freeMb = opts.freeMb;
    this.reserveMb = opts.reserveMb;
  }
}

/** Network errors that mean the store could not be reached (as opposed to refusing a request). */
const unreachable = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);

/**
 * What a storage failure means for a task that met it, or `undefined` when it is not a storage failure: a full folder
 * (`SF_STORAGE_FULL`), or an S3 store that answered 5xx, throttled or timed out (`SF_DEPENDENCY_UNAVAILABLE`). Both are
 * worth retrying later; the message keeps what the store said.
 */
export function classifyStorageFault(err: unknown): { code: 'SF_STORAGE_FULL' | 'SF_DEPENDENCY_UNAVAILABLE'; message: string } | undefined {
  if (err instanceof StorageFullError) return { code: 'SF_STORAGE_FULL', message: err.message };
  if ((err as NodeJS.ErrnoException | undefined)?.code === 'ENOSPC') return { code: 'SF_STORAGE_FULL', message: `the storage disk is full: ${(err as Error).message}` };
  // AWS SDK v3 service errors carry `$metadata` (the HTTP status) and `$fault` ('client' | 'server').
  const sdk = err as { name?: string; message?: string; $fault?: string; $metadata?: { httpStatusCode?: number } } | undefined;
  const status = sdk?.$metadata?.httpStatusCode;
  // A socket that timed out, or a connection refused or reset, has no HTTP status: the store did not answer at all.
  const errno = (err as NodeJS.ErrnoException | undefined)?.code;
  if (sdk?.name === 'TimeoutError' || (errno !== undefined && unreachable.has(errno))) {
    return { code: 'SF_DEPENDENCY_UNAVAILABLE', message: `storage did not answer: ${sdk?.message ?? errno}`.replace(/\s+/g, ' ').trim() };
  }
  if (sdk?.$metadata && (sdk.$fault === 'server' || (status !== undefined && (status >= 500 || status === 429)))) {
    return { code: 'SF_DEPENDENCY_UNAVAILABLE', message: `storage answered ${status ?? 'nothing'} ${sdk.name ?? ''}: ${sdk.message ?? ''}`.replace(/\s+/g, ' ').trim() };
  }
  return undefined;
}
