import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { createStorage } from './create-storage.ts';
import { FolderStorage } from './folder-storage.ts';
import { S3Storage } from './s3-storage.ts';

describe('createStorage', () => {
  it('makes a FolderStorage for driver folder, signing with the configured secret and TTL', async () => {
    const root = await mkdtemp(join(tmpdir(), 'shotfarm-create-'));
    onTestFinished(() => rm(root, { recursive: true, force: true }));
    const storage = await createStorage({ driver: 'folder', root, publicBaseUrl: 'https://studio.test/', secret: 's'.repeat(32), ttlS: 600 });
    expect(storage).toBeInstanceOf(FolderStorage);
    expect(storage.kind).toBe('folder');
    const url = new URL(await storage.signedUrl('a/b.png'));
    expect(`${url.origin}${url.pathname}`).toBe('https://studio.test/files/a/b.png');
    const expS = Number(url.searchParams.get('exp'));
    // At least the TTL, rounded up to a quarter of it so the URL stays one string for a while (browser cache).
    expect(expS - Date.now() / 1000).toBeGreaterThan(590);
    expect(expS - Date.now() / 1000).toBeLessThanOrEqual(750);
    expect(await storage.signedUrl('a/b.png')).toBe(url.href);
    await storage.close();
  });

  it('refuses a folder secret too short to sign with', async () => {
    await expect(createStorage({ driver: 'folder', root: '/unused', publicBaseUrl: 'http://x', secret: 'dev', ttlS: 60 })).rejects.toThrow(RangeError);
  });

  it('makes an S3Storage for driver s3 without contacting the bucket', async () => {
    const storage = await createStorage({
      driver: 's3',
      bucket: 'b',
      region: 'cn-hangzhou',
      endpoint: 'http://127.0.0.1:9',
      forcePathStyle: true,
      accessKeyId: 'AK',
      secretAccessKey: 'SK',
      ttlS: 60,
    });
    expect(storage).toBeInstanceOf(S3Storage);
    expect(storage.kind).toBe('s3');
    // Presigning is local: the URL names the endpoint, bucket (path style) and expiry.
    const url = new URL(await storage.signedUrl('a/b.png'));
    expect(`${url.origin}${url.pathname}`).toBe('http://127.0.0.1:9/b/a/b.png');
    // Signed as of the current quarter-TTL: X-Amz-Expires covers the TTL from now plus up to a quarter.
    const expiresS = Number(url.searchParams.get('X-Amz-Expires'));
    expect(expiresS).toBeGreaterThanOrEqual(60);
    expect(expiresS).toBeLessThanOrEqual(75);
    expect(await storage.signedUrl('a/b.png')).toBe(url.href);
    // No checksum mode in the signed URL: several S3-compatible stores refuse it.
    expect([...url.searchParams.keys()].some((k) => k.toLowerCase().includes('checksum'))).toBe(false);
    await storage.close();
  });

  it('signs browser URLs for S3_PUBLIC_ENDPOINT while talking to the internal endpoint', async () => {
    const storage = await createStorage({
      driver: 's3', bucket: 'b', region: 'us-east-1', endpoint: 'http://minio:9000', publicEndpoint: 'https://oss.shop.example',
      forcePathStyle: true, accessKeyId: 'AK', secretAccessKey: 'SK', ttlS: 60,
    });
    const url = new URL(await storage.signedUrl('a/b.png'));
    expect(`${url.origin}${url.pathname}`).toBe('https://oss.shop.example/b/a/b.png');
    await storage.close();
  });

  it('refuses half a pair of S3 credentials', async () => {
    await expect(
      createStorage({ driver: 's3', bucket: 'b', region: 'us-east-1', forcePathStyle: false, accessKeyId: 'AK', ttlS: 60 }),
    ).rejects.toThrow(RangeError);
  });
});
