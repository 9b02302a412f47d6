import { StorageKeyInvalidError } from './errors.ts';

/** The most UTF-8 bytes a key may have: S3's own limit, which every backend we run can also hold. */
export const maxKeyBytes = 1024;

/** Which task an output belongs to; the key nests outputs under it so a job's files list together. */
export interface TaskRef {
  jobId: string;
  taskId: string;
}

const sha256Pattern = /^[0-9a-f]{64}$/;
const extPattern = /^[a-z0-9]{1,10}$/;
// Ids become whole path segments, so they may not carry `/`, `.` or anything a shell or URL would mangle.
const idPattern = /^[A-Za-z0-9_-]{1,128}$/;
// C0 controls, DEL and C1 controls: invisible in logs, and NUL truncates paths in some C libraries.
// eslint-disable-next-line no-control-regex
const controlChars = /[\u0000-\u001f\u007f-\u009f]/;

function checkPart(kind: string, value: string, pattern: RegExp, shape: string): string {
  if (!pattern.test(value)) throw new StorageKeyInvalidError(value, `${kind} must be ${shape}`);
  return value;
}

/**
 * Throws `StorageKeyInvalidError` unless `key` is safe for every backend: not empty, at most
 * {@link maxKeyBytes} UTF-8 bytes, no leading `/`, no empty, `.` or `..` segment, no backslash and no
 * control character.
 *
 * Empty and `.` segments are refused as well as `..` because a folder would resolve `a//b` and `a/./b`
 * to the same file as `a/b` while S3 keeps three objects; refusing them keeps the two drivers identical.
 */
export function assertValidKey(key: string): void {
  if (key.length === 0) throw new StorageKeyInvalidError(key, 'it is empty');
  if (key.endsWith('/')) throw new StorageKeyInvalidError(key, 'it ends with "/"');
  assertValidPrefix(key);
}

/**
 * Like {@link assertValidKey}, for the argument of `list`: the empty prefix (everything) and a trailing
 * `/` are allowed, because a prefix names a group of keys rather than one object.
 */
export function assertValidPrefix(prefix: string): void {
  if (Buffer.byteLength(prefix, 'utf8') > maxKeyBytes) {
    throw new StorageKeyInvalidError(prefix, `it is longer than ${maxKeyBytes} bytes`);
  }
  if (prefix.startsWith('/')) throw new StorageKeyInvalidError(prefix, 'it starts with "/"');
  if (prefix.includes('\\')) throw new StorageKeyInvalidError(prefix, 'it contains a backslash');
  if (controlChars.test(prefix)) throw new StorageKeyInvalidError(prefix, 'it contains a control character');
  const segments = prefix.split('/');
  // A trailing `/` leaves one empty last segment, which is the only empty segment a prefix may have.
  if (prefix.endsWith('/')) segments.pop();
  for (const segment of segments) {
    if (segment === '..') throw new StorageKeyInvalidError(prefix, 'it has a ".." segment');
    if (segment === '.') throw new StorageKeyInvalidError(prefix, 'it has a "." segment');
    if (segment === '' && prefix !== '') throw new StorageKeyInvalidError(prefix, 'it has an empty segment');
  }
}

/**
 * Orders keys the way S3 lists them (by UTF-8 bytes), which differs from JavaScript's UTF-16 order
 * for characters above U+FFFF; both drivers sort with it so `list` answers the same everywhere.
 */
export function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/**
 * The only place object keys are made, the way BullMQ's QueueKeys makes every Redis key.
 *
 * Keys are content-addressed: a retried task computes the same key for the same bytes, so a retry
 * never duplicates an output, and writing it twice is harmless. Every part is checked, so a key made
 * here always passes {@link assertValidKey}.
 */
export const storageKeys = {
  /** `uploads/ab/<sha256>.<ext>`: the two-character fan-out keeps any one folder small on disk. */
  upload: (sha256: string, ext: string): string => {
    checkPart('sha256', sha256, sha256Pattern, '64 lowercase hex characters');
    checkPart('ext', ext, extPattern, '1 to 10 lowercase letters or digits');
    return `uploads/${sha256.slice(0, 2)}/${sha256}.${ext}`;
  },
  /** `outputs/<jobId>/<taskId>/<sha256>.<ext>`. */
  output: (task: TaskRef, sha256: string, ext: string): string => {
    checkPart('jobId', task.jobId, idPattern, '1 to 128 of A-Z a-z 0-9 _ -');
    checkPart('taskId', task.taskId, idPattern, '1 to 128 of A-Z a-z 0-9 _ -');
    checkPart('sha256', sha256, sha256Pattern, '64 lowercase hex characters');
    checkPart('ext', ext, extPattern, '1 to 10 lowercase letters or digits');
    return `outputs/${task.jobId}/${task.taskId}/${sha256}.${ext}`;
  },
  /** `thumbs/<ofKey without its extension>.webp`: one thumbnail per object, found from its key alone. */
  thumbnail: (ofKey: string): string => {
    assertValidKey(ofKey);
    const slash = ofKey.lastIndexOf('/');
    const dot = ofKey.lastIndexOf('.');
    // A dot that starts the last segment (`.env`) is a name, not an extension.
    const stem = dot > slash + 1 ? ofKey.slice(0, dot) : ofKey;
    const key = `thumbs/${stem}.webp`;
    assertValidKey(key); // a key near the byte limit can outgrow it by the prefix
    return key;
  },
  /** `models/<name>/v<version>.onnx`: model files, versioned, never overwritten by a new version. */
  model: (name: string, version: number): string => {
    checkPart('name', name, idPattern, '1 to 128 of A-Z a-z 0-9 _ -');
    if (!Number.isInteger(version) || version < 1) throw new StorageKeyInvalidError(`models/${name}/v${version}`, 'version must be a positive integer');
    return `models/${name}/v${version}.onnx`;
  },
} as const;
