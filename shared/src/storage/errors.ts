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
