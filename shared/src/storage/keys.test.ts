import { describe, expect, it } from 'vitest';
import { StorageKeyInvalidError } from './errors.ts';
import { assertValidKey, assertValidPrefix, compareKeys, maxKeyBytes, storageKeys } from './keys.ts';

const sha = 'ab'.padEnd(64, '0123456789abcdef');

describe('storageKeys', () => {
  it('makes upload keys fanned out by the first two hex characters', () => {
    expect(storageKeys.upload(sha, 'png')).toBe(`uploads/ab/${sha}.png`);
  });

  it('makes output keys nested under job and task', () => {
    expect(storageKeys.output({ jobId: 'job_1', taskId: 'task-2' }, sha, 'webp')).toBe(`outputs/job_1/task-2/${sha}.webp`);
  });

  it('makes the same key for the same bytes, so a retried task overwrites instead of duplicating', () => {
    const task = { jobId: 'j', taskId: 't' };
    expect(storageKeys.output({ ...task }, sha, 'png')).toBe(storageKeys.output({ ...task }, sha, 'png'));
  });

  it('makes thumbnail keys from the key without its extension', () => {
    expect(storageKeys.thumbnail(`outputs/j/t/${sha}.png`)).toBe(`thumbs/outputs/j/t/${sha}.webp`);
    expect(storageKeys.thumbnail('models/v1.2/readme')).toBe('thumbs/models/v1.2/readme.webp');
    expect(storageKeys.thumbnail('a/.hidden')).toBe('thumbs/a/.hidden.webp');
    expect(storageKeys.thumbnail('a/b.tar.gz')).toBe('thumbs/a/b.tar.webp');
  });

  it.each([
    ['a short hash', () => storageKeys.upload('abc', 'png')],
    ['an uppercase hash', () => storageKeys.upload(sha.toUpperCase(), 'png')],
    ['an extension with a dot', () => storageKeys.upload(sha, 'png/../x')],
    ['an empty extension', () => storageKeys.upload(sha, '')],
    ['a job id with a slash', () => storageKeys.output({ jobId: 'a/b', taskId: 't' }, sha, 'png')],
    ['a task id of ..', () => storageKeys.output({ jobId: 'j', taskId: '..' }, sha, 'png')],
    ['a thumbnail of an invalid key', () => storageKeys.thumbnail('../etc/passwd')],
  ])('refuses %s', (_name, make) => {
    expect(make).toThrow(StorageKeyInvalidError);
  });

  it('only makes keys that pass assertValidKey', () => {
    for (const key of [storageKeys.upload(sha, 'jpg'), storageKeys.output({ jobId: 'j', taskId: 't' }, sha, 'mp4')]) {
      expect(() => assertValidKey(key)).not.toThrow();
    }
  });
});

describe('assertValidKey', () => {
  it.each(['a', 'uploads/ab/x.png', 'a/b/c.d.e', '图片/照片 1.png', 'with space/and+plus', '.a/..b/c..', 'x'.repeat(maxKeyBytes)])(
    'accepts %j',
    (key) => {
      expect(() => assertValidKey(key)).not.toThrow();
    },
  );

  it.each([
    '',
    '/abs',
    '../x',
    'a/../../b',
    'a/..',
    '..',
    'a\\b',
    'a/./b',
    './a',
    'a//b',
    'a/',
    'a\u0000b',
    'a\nb',
    'a\u007fb',
    'a\u0085b',
    'x'.repeat(maxKeyBytes + 1),
    // 342 characters, but 1026 bytes: the limit is on bytes, as in S3.
    '图'.repeat(342),
  ])('refuses %j with SF_STORAGE_KEY_INVALID', (key) => {
    let caught: unknown;
    try {
      assertValidKey(key);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(StorageKeyInvalidError);
    expect(caught).toMatchObject({ code: 'SF_STORAGE_KEY_INVALID', key });
  });
});

describe('assertValidPrefix', () => {
  it.each(['', 'a', 'a/', 'outputs/job/'])('accepts %j', (prefix) => {
    expect(() => assertValidPrefix(prefix)).not.toThrow();
  });

  it.each(['/', '/a', '../', 'a//', 'a/../', 'a\\'])('refuses %j', (prefix) => {
    expect(() => assertValidPrefix(prefix)).toThrow(StorageKeyInvalidError);
  });
});

describe('compareKeys', () => {
  it('orders by UTF-8 bytes as S3 does, not by UTF-16 code units', () => {
    // In UTF-16, U+FF5E sorts after U+1F600's surrogate pair; in UTF-8 (and in S3) it sorts before it.
    expect(['a/\u{1F600}', 'a/\uFF5E', 'a/b'].sort(compareKeys)).toEqual(['a/b', 'a/\uFF5E', 'a/\u{1F600}']);
    expect(['a/\u{1F600}', 'a/\uFF5E'].sort()).toEqual(['a/\u{1F600}', 'a/\uFF5E']);
  });
});
