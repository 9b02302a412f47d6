import { mkdtemp, rm, statfs } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { S3ServiceException } from '@aws-sdk/client-s3';
import { describe, expect, it, onTestFinished } from 'vitest';
import { classifyStorageFault, StorageFullError, StorageObjectNotFoundError } from './errors.ts';
import { FolderStorage } from './folder-storage.ts';
import { UrlSigner } from './url-signer.ts';

async function folder(minFreeMb: number): Promise<{ storage: FolderStorage; root: string }> {
  const root = await mkdtemp(join(tmpdir(), 'shotfarm-full-'));
  onTestFinished(() => rm(root, { recursive: true, force: true }));
  return { root, storage: new FolderStorage({ root, publicBaseUrl: 'http://x', signer: new UrlSigner('s'.repeat(32)), defaultTtlS: 60, minFreeMb }) };
}

const freeMbOf = async (dir: string) => { const s = await statfs(dir); return Math.floor((s.bavail * s.bsize) / (1024 * 1024)); };

describe('folder storage free-space reserve', () => {
  it('refuses a put below the reserve before anything is written', async () => {
    const { storage } = await folder(Number.MAX_SAFE_INTEGER);
    const err = await storage.put('outputs/j/t/a.png', Buffer.from('x'), { contentType: 'image/png' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StorageFullError);
    expect(err).toMatchObject({ code: 'SF_STORAGE_FULL', reserveMb: Number.MAX_SAFE_INTEGER, freeMb: expect.any(Number) });
    expect(await storage.list('')).toEqual([]);
    expect(await storage.head('outputs/j/t/a.png')).toBeNull();
  });

  it('counts the object itself: a put that would cross the reserve is refused, a smaller one is not', async () => {
    const { storage, root } = await folder(1);
    const reserve = (await freeMbOf(root)) - 2; // room for about 2 MB
    const tight = new FolderStorage({ root, publicBaseUrl: 'http://x', signer: new UrlSigner('s'.repeat(32)), defaultTtlS: 60, minFreeMb: reserve });
    await tight.put('small.bin', Buffer.alloc(1024), { contentType: 'application/octet-stream' });
    await expect(tight.put('big.bin', Buffer.alloc(64 * 1024 * 1024), { contentType: 'application/octet-stream' })).rejects.toBeInstanceOf(StorageFullError);
    expect(await storage.list('')).toEqual(['small.bin']);
  });

  it('without a reserve it writes as before', async () => {
    const { storage } = await folder(0);
    await storage.put('a.txt', Buffer.from('a'), { contentType: 'text/plain' });
    expect((await storage.get('a.txt')).toString()).toBe('a');
  });
});

describe('classifyStorageFault', () => {
  const s3Error = (name: string, status: number, fault: 'client' | 'server') =>
    new S3ServiceException({ name, $fault: fault, $metadata: { httpStatusCode: status }, message: `${name} happened` });

  it('names S3 5xx and throttling as the storage dependency being unavailable', () => {
    expect(classifyStorageFault(s3Error('ServiceUnavailable', 503, 'server'))).toEqual({ code: 'SF_DEPENDENCY_UNAVAILABLE', message: 'storage answered 503 ServiceUnavailable: ServiceUnavailable happened' });
    expect(classifyStorageFault(s3Error('SlowDown', 429, 'client'))?.code).toBe('SF_DEPENDENCY_UNAVAILABLE');
    expect(classifyStorageFault(s3Error('InternalError', 500, 'server'))?.code).toBe('SF_DEPENDENCY_UNAVAILABLE');
  });

  it('names a store that does not answer (socket timeout, refused or reset connection) unavailable too', () => {
    const timedOut = Object.assign(new Error('Connection timed out after 1000 ms'), { name: 'TimeoutError' });
    expect(classifyStorageFault(timedOut)).toEqual({ code: 'SF_DEPENDENCY_UNAVAILABLE', message: 'storage did not answer: Connection timed out after 1000 ms' });
    expect(classifyStorageFault(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9000'), { code: 'ECONNREFUSED' }))?.code).toBe('SF_DEPENDENCY_UNAVAILABLE');
    expect(classifyStorageFault(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }))?.code).toBe('SF_DEPENDENCY_UNAVAILABLE');
    // A file-system error of the folder store is not a network fault.
    expect(classifyStorageFault(Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' }))).toBeUndefined();
  });

  it('names a full folder (reserve or ENOSPC) SF_STORAGE_FULL', () => {
    expect(classifyStorageFault(new StorageFullError('full'))).toEqual({ code: 'SF_STORAGE_FULL', message: 'full' });
    expect(classifyStorageFault(Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' }))?.code).toBe('SF_STORAGE_FULL');
  });

  it('leaves everything else alone: S3 4xx (a configuration fault), a missing object, plain errors', () => {
    expect(classifyStorageFault(s3Error('AccessDenied', 403, 'client'))).toBeUndefined();
    expect(classifyStorageFault(new StorageObjectNotFoundError('a'))).toBeUndefined();
    expect(classifyStorageFault(new Error('boom'))).toBeUndefined();
    expect(classifyStorageFault(undefined)).toBeUndefined();
  });
});
