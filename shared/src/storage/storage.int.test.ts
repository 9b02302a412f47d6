import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { s3rverCredentials, startS3rver } from '../../test/s3rver-server.ts';
import { StorageKeyInvalidError, StorageObjectNotFoundError } from './errors.ts';
import { FolderStorage } from './folder-storage.ts';
import { compareKeys, storageKeys } from './keys.ts';
import { S3Storage } from './s3-storage.ts';
import type { Storage } from './storage.ts';
import { UrlSigner } from './url-signer.ts';

/** One backing store, started fresh for a suite, and what the shared tests need to know about it. */
interface Harness {
  storage: Storage;
  /** Another client of the same store whose clock runs `offsetMs` off the real one. */
  withClockOffset(offsetMs: number): Storage;
  /** A client whose store cannot be used, so `ping` must reject. */
  broken(): Storage;
  /** Every file the backing store keeps on disk, to prove a refused call wrote nothing. */
  snapshot(): Promise<string[]>;
  close(): Promise<void>;
}

interface Driver {
  name: 'FolderStorage' | 'S3Storage';
  start(): Promise<Harness>;
}

const secret = 'storage-int-test-secret-0123456789';
const twoHoursMs = 2 * 3600_000;

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => !e.isDirectory()).map((e) => join(e.parentPath, e.name)).sort();
}

/**
 * What the API's `/files` route will do, in a dozen lines: decode the key, check the signature, stream.
 * It is here so FolderStorage's signed URLs are proven by a real HTTP round-trip, like S3's.
 */
async function serveFiles(storage: FolderStorage, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  if (!url.pathname.startsWith('/files/')) return void res.writeHead(404).end();
  let key: string;
  try {
    key = url.pathname.slice('/files/'.length).split('/').map(decodeURIComponent).join('/');
  } catch {
    return void res.writeHead(400).end();
  }
  if (!storage.verifySignedRequest(key, url.searchParams.get('exp') ?? '', url.searchParams.get('sig') ?? '')) {
    return void res.writeHead(403).end('SF_URL_SIGNATURE_INVALID');
  }
  try {
    const { stream, info } = await storage.openRead(key);
    res.writeHead(200, { 'content-type': info.contentType, 'content-length': info.bytes });
    await pipeline(stream, res);
  } catch (err) {
    const status = err instanceof StorageObjectNotFoundError ? 404 : err instanceof StorageKeyInvalidError ? 400 : 500;
    res.writeHead(status).end();
  }
}

interface FolderHarness extends Harness {
  storage: FolderStorage;
  /** The temp folder holding `root`; `../x` from the root would land here. */
  base: string;
  root: string;
}

async function startFolder(): Promise<FolderHarness> {
  const base = await mkdtemp(join(tmpdir(), 'shotfarm-folder-'));
  const root = join(base, 'root');
  await writeFile(join(base, 'not-a-folder'), '');
  // The handler only runs once a request arrives, after `serving` below exists.
  const server = createServer((req, res) => void serveFiles(serving, req, res));
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const publicBaseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const make = (nowMs?: () => number, at = root) =>
    new FolderStorage({ root: at, publicBaseUrl, signer: new UrlSigner(secret), defaultTtlS: 300, nowMs });
  const serving = make();
  return {
    storage: serving,
    withClockOffset: (offsetMs) => make(() => Date.now() + offsetMs),
    // A root below a plain file can never be created.
    broken: () => make(undefined, join(base, 'not-a-folder', 'root')),
    snapshot: () => listFiles(base),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
      await rm(base, { recursive: true, force: true });
    },
    base,
    root,
  };
}

const folderDriver: Driver = { name: 'FolderStorage', start: startFolder };

const s3Driver: Driver = {
  name: 'S3Storage',
  async start() {
    const s3 = await startS3rver();
    const clients: S3Storage[] = [];
    const make = (nowMs?: () => number, bucket = s3.bucket) => {
      const client = new S3Storage({
        bucket,
        region: 'us-east-1',
        endpoint: s3.endpoint,
        forcePathStyle: true,
        ...s3rverCredentials,
        defaultTtlS: 300,
        // Small pages so listing 30 keys takes five ListObjectsV2 calls and follows ContinuationToken.
        listPageSize: 7,
        nowMs,
      });
      clients.push(client);
      return client;
    };
    return {
      storage: make(),
      withClockOffset: (offsetMs) => make(() => Date.now() + offsetMs),
      broken: () => make(undefined, 'no-such-bucket'),
      snapshot: () => listFiles(s3.directory),
      close: async () => {
        await Promise.all(clients.map((c) => c.close()));
        await s3.close();
      },
    };
  },
};

/** The error `call` rejects with; fails the test when it resolves. */
async function rejection(call: () => Promise<unknown>): Promise<unknown> {
  try {
    await call();
  } catch (err) {
    return err;
  }
  throw new Error('expected the call to reject');
}

describe.each([folderDriver, s3Driver])('$name', ({ name, start }) => {
  let h: Harness;
  let storage: Storage;
  beforeAll(async () => {
    h = await start();
    storage = h.storage;
  });
  afterAll(() => h?.close());

  it('answers ping', async () => {
    await expect(storage.ping()).resolves.toBeUndefined();
  });

  it('fails ping when the store cannot be used', async () => {
    await expect(h.broken().ping()).rejects.toThrow();
  });

  it('returns the exact bytes it was given', async () => {
    const bytes = Buffer.concat([Buffer.from(Array.from({ length: 256 }, (_, i) => i)), randomBytes(300_000)]);
    await storage.put('rt/blob.bin', bytes, { contentType: 'application/octet-stream' });
    const back = await storage.get('rt/blob.bin');
    expect(back.equals(bytes)).toBe(true);
  });

  it('stores empty objects', async () => {
    await storage.put('rt/empty.txt', Buffer.alloc(0), { contentType: 'text/plain' });
    expect((await storage.get('rt/empty.txt')).length).toBe(0);
    expect(await storage.head('rt/empty.txt')).toMatchObject({ bytes: 0, contentType: 'text/plain' });
  });

  it('round-trips keys made by storageKeys', async () => {
    const bytes = randomBytes(1000);
    const sha = 'ab'.padEnd(64, 'c');
    const key = storageKeys.output({ jobId: 'job1', taskId: 'task1' }, sha, 'png');
    await storage.put(key, bytes, { contentType: 'image/png' });
    expect((await storage.get(key)).equals(bytes)).toBe(true);
    expect(await storage.list('outputs/job1/')).toEqual([key]);
  });

  it('heads size and content type, and answers null for a missing key', async () => {
    await storage.put('hd/a.webp', Buffer.alloc(1234, 7), { contentType: 'image/webp' });
    expect(await storage.head('hd/a.webp')).toMatchObject({ bytes: 1234, contentType: 'image/webp' });
    expect(await storage.head('hd/missing.webp')).toBeNull();
  });

  it('throws StorageObjectNotFoundError for a missing key', async () => {
    const err = await rejection(() => storage.get('gm/missing.png'));
    expect(err).toBeInstanceOf(StorageObjectNotFoundError);
    expect(err).toMatchObject({ code: 'SF_OBJECT_NOT_FOUND', key: 'gm/missing.png' });
  });

  it('treats a key that is only a folder of other keys as missing', async () => {
    await storage.put('nest/a/b.bin', Buffer.from('b'), { contentType: 'text/plain' });
    expect(await storage.head('nest/a')).toBeNull();
    await expect(storage.get('nest/a')).rejects.toBeInstanceOf(StorageObjectNotFoundError);
  });

  it('overwrites a key in place: the same bytes twice leave one object', async () => {
    const bytes = randomBytes(5000);
    await storage.put('ow/out.png', bytes, { contentType: 'image/png' });
    await storage.put('ow/out.png', bytes, { contentType: 'image/png' });
    expect((await storage.get('ow/out.png')).equals(bytes)).toBe(true);
    expect(await storage.list('ow/')).toEqual(['ow/out.png']);

    const other = randomBytes(10);
    await storage.put('ow/out.png', other, { contentType: 'image/jpeg' });
    expect((await storage.get('ow/out.png')).equals(other)).toBe(true);
    expect(await storage.head('ow/out.png')).toMatchObject({ bytes: 10, contentType: 'image/jpeg' });
  });

  // s3rver writes an object in place with a plain write stream, so racing or reading during a PUT can see
  // a torn file there; AWS S3, MinIO, OSS and COS replace objects atomically. These two run on the folder
  // driver, whose atomicity is ours to prove.
  it.skipIf(name === 'S3Storage')('keeps one whole version when writers race on one key', async () => {
    const payloads = Array.from({ length: 8 }, (_, i) => Buffer.alloc(200_000 + i, i + 1));
    await Promise.all(payloads.map((p) => storage.put('race/k.bin', p, { contentType: 'application/octet-stream' })));
    const back = await storage.get('race/k.bin');
    expect(payloads.some((p) => p.equals(back))).toBe(true);
    expect((await storage.head('race/k.bin'))?.bytes).toBe(back.length);
    expect(await storage.list('race/')).toEqual(['race/k.bin']);
    // No temp file may outlive its rename.
    expect((await h.snapshot()).filter((f) => f.includes('.sf-tmp'))).toEqual([]);
  });

  it.skipIf(name === 'S3Storage')('never lets a reader see half an object while it is overwritten', async () => {
    const versions = [Buffer.alloc(2_000_000, 0xaa), Buffer.alloc(2_000_000, 0xbb)] as const;
    await storage.put('half/k.bin', versions[0], { contentType: 'application/octet-stream' });
    let writing = true;
    const writer = (async () => {
      for (let i = 1; i <= 10; i++) await storage.put('half/k.bin', versions[i % 2] ?? versions[0], { contentType: 'application/octet-stream' });
      writing = false;
    })();
    let reads = 0;
    while (writing) {
      const seen = await storage.get('half/k.bin');
      expect(versions.some((v) => v.equals(seen)), `read ${reads} saw ${seen.length} bytes`).toBe(true);
      reads++;
    }
    await writer;
    expect(reads).toBeGreaterThan(0);
  });

  it('lists every key under a prefix, sorted, across pages', async () => {
    const keys = Array.from({ length: 30 }, (_, i) => `ls/many/k${String(i).padStart(2, '0')}/${i % 3}.png`);
    const shuffled = [...keys].sort(() => Math.random() - 0.5);
    await Promise.all(
      [...shuffled, 'ls/many2/x.png', 'ls/other/y.png'].map((k) => storage.put(k, Buffer.from(k), { contentType: 'image/png' })),
    );
    expect(await storage.list('ls/many/')).toEqual([...keys].sort(compareKeys));
    expect(await storage.list('ls/nothing/')).toEqual([]);
    const everything = await storage.list('');
    expect(everything).toEqual([...everything].sort(compareKeys));
    expect(everything).toEqual(expect.arrayContaining([...keys, 'ls/many2/x.png', 'ls/other/y.png']));
    // Only keys that were put come back: no sidecars, temp files or folders.
    expect(everything.filter((k) => k.includes('.sf-') || k.endsWith('/'))).toEqual([]);
  });

  it('treats the prefix as a string prefix, as S3 does, not as a folder', async () => {
    for (const k of ['lp/ab/1.bin', 'lp/abc.bin', 'lp/b/2.bin', 'lp/a.bin']) {
      await storage.put(k, Buffer.from(k), { contentType: 'text/plain' });
    }
    expect(await storage.list('lp/ab')).toEqual(['lp/ab/1.bin', 'lp/abc.bin']);
    expect(await storage.list('lp/a')).toEqual(['lp/a.bin', 'lp/ab/1.bin', 'lp/abc.bin']);
    expect(await storage.list('lp/ab/')).toEqual(['lp/ab/1.bin']);
  });

  it('deletes, and deleting a missing key is a no-op', async () => {
    await storage.put('del/a.png', Buffer.from('a'), { contentType: 'image/png' });
    await storage.delete('del/a.png');
    expect(await storage.head('del/a.png')).toBeNull();
    await expect(storage.get('del/a.png')).rejects.toBeInstanceOf(StorageObjectNotFoundError);
    expect(await storage.list('del/')).toEqual([]);
    await expect(storage.delete('del/a.png')).resolves.toBeUndefined();
  });

  it('serves a signed URL with the same bytes and content type', async () => {
    const bytes = randomBytes(70_000);
    // Space, `+`, `#`, `?`, `%` and non-ASCII all need encoding in a URL path.
    const key = 'su/图 片+#1?%.png';
    await storage.put(key, bytes, { contentType: 'image/png' });
    const res = await fetch(await storage.signedUrl(key, { expiresInS: 60 }));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await res.arrayBuffer()).equals(bytes)).toBe(true);
  });

  it('refuses an expired signed URL', async () => {
    await storage.put('exp/a.png', Buffer.from('secret bytes'), { contentType: 'image/png' });
    // Signed two hours ago for one minute: expired now, without waiting.
    const url = await h.withClockOffset(-twoHoursMs).signedUrl('exp/a.png', { expiresInS: 60 });
    const res = await fetch(url);
    expect(res.status).toBe(403);
    expect(await res.text()).not.toContain('secret bytes');
    // The same call with the real clock works, so the 403 above is the expiry and nothing else.
    expect((await fetch(await h.withClockOffset(0).signedUrl('exp/a.png', { expiresInS: 60 }))).status).toBe(200);
  });

  // s3rver does not verify SigV4 signatures (only their expiry), so a tampered S3 URL would be served
  // there; AWS, MinIO, OSS and COS do verify them. The folder driver's checks are ours, so they are tested.
  it.skipIf(name === 'S3Storage')('refuses a signed URL whose signature, key or expiry was changed', async () => {
    await storage.put('tamper/a.png', Buffer.from('a'), { contentType: 'image/png' });
    await storage.put('tamper/b.png', Buffer.from('b'), { contentType: 'image/png' });
    const url = new URL(await storage.signedUrl('tamper/a.png', { expiresInS: 60 }));
    expect((await fetch(url)).status).toBe(200);

    const sig = url.searchParams.get('sig') ?? '';
    const badSig = new URL(url);
    badSig.searchParams.set('sig', (sig[0] === 'a' ? 'b' : 'a') + sig.slice(1));
    const otherKey = new URL(url);
    otherKey.pathname = url.pathname.replace('a.png', 'b.png');
    const laterExp = new URL(url);
    laterExp.searchParams.set('exp', String(Number(url.searchParams.get('exp')) + 3600));
    const noSig = new URL(url);
    noSig.searchParams.delete('sig');
    for (const tampered of [badSig, otherKey, laterExp, noSig]) {
      expect((await fetch(tampered)).status, tampered.href).toBe(403);
    }
  });

  it.each(['../x', '/abs', 'a/../../b', 'a\\b', '', 'a/./b', 'a//b', 'a\u0000b', 'a\nb'])(
    'refuses the key %j everywhere and writes nothing',
    async (key) => {
      const before = await h.snapshot();
      const calls: (() => Promise<unknown>)[] = [
        () => storage.put(key, Buffer.from('x'), { contentType: 'text/plain' }),
        () => storage.get(key),
        () => storage.head(key),
        () => storage.delete(key),
        () => storage.signedUrl(key),
      ];
      for (const call of calls) {
        const err = await rejection(call);
        expect(err).toBeInstanceOf(StorageKeyInvalidError);
        expect(err).toMatchObject({ code: 'SF_STORAGE_KEY_INVALID' });
      }
      expect(await h.snapshot()).toEqual(before);
      expect(existsSync('/abs')).toBe(false);
    },
  );

  it.each(['../', '/', 'a//', 'a\\'])('refuses to list the prefix %j', async (prefix) => {
    await expect(storage.list(prefix)).rejects.toBeInstanceOf(StorageKeyInvalidError);
  });
});

describe('FolderStorage only', () => {
  let h: FolderHarness;
  let storage: FolderStorage;
  let outside: string;
  beforeAll(async () => {
    h = await startFolder();
    storage = h.storage;
    outside = await mkdtemp(join(tmpdir(), 'shotfarm-outside-'));
    await writeFile(join(outside, 'secret.png'), 'outside bytes');
    await storage.put('real/inside.png', Buffer.from('inside bytes'), { contentType: 'image/png' });
    await symlink(outside, join(h.root, 'escape'));
    await symlink(join(outside, 'secret.png'), join(h.root, 'direct.png'));
    await symlink(join(h.root, 'real'), join(h.root, 'alias'));
  });
  afterAll(async () => {
    await h?.close();
    if (outside) await rm(outside, { recursive: true, force: true });
  });

  it('keeps each object as a plain file at <root>/<key>', async () => {
    expect(await readFile(join(h.root, 'real', 'inside.png'), 'utf8')).toBe('inside bytes');
  });

  it('refuses to read, write or delete through a symlink that leaves the root', async () => {
    const attempts: (() => Promise<unknown>)[] = [
      () => storage.get('escape/secret.png'),
      () => storage.head('escape/secret.png'),
      () => storage.openRead('escape/secret.png'),
      () => storage.delete('escape/secret.png'),
      () => storage.put('escape/new.png', Buffer.from('x'), { contentType: 'image/png' }),
      () => storage.put('escape/deeper/new.png', Buffer.from('x'), { contentType: 'image/png' }),
      () => storage.get('direct.png'),
      () => storage.put('direct.png', Buffer.from('x'), { contentType: 'image/png' }),
      () => storage.list('escape/'),
    ];
    for (const attempt of attempts) {
      expect(await rejection(attempt)).toBeInstanceOf(StorageKeyInvalidError);
    }
    expect(await readdir(outside)).toEqual(['secret.png']);
    expect(await readFile(join(outside, 'secret.png'), 'utf8')).toBe('outside bytes');
    expect(await storage.list('')).not.toContain('escape/secret.png');
  });

  it('serves nothing through a signed URL for a key behind an escaping symlink', async () => {
    // Signing never touches the disk, so the URL is made; serving it is what must be refused.
    const res = await fetch(await storage.signedUrl('escape/secret.png'));
    expect(res.status).toBe(400);
    expect(await res.text()).not.toContain('outside bytes');
  });

  it('follows a symlink that stays inside the root', async () => {
    expect((await storage.get('alias/inside.png')).toString()).toBe('inside bytes');
  });

  it('refuses keys that would collide with its own bookkeeping files', async () => {
    await expect(storage.put('real/.sf-meta.inside.png.json', Buffer.from('{}'), { contentType: 'application/json' })).rejects.toBeInstanceOf(
      StorageKeyInvalidError,
    );
    await expect(storage.get('real/.sf-meta.inside.png.json')).rejects.toBeInstanceOf(StorageKeyInvalidError);
    expect(await storage.head('real/inside.png')).toMatchObject({ bytes: 12, contentType: 'image/png' });
  });

  it('streams with openRead', async () => {
    const { stream, info } = await storage.openRead('real/inside.png');
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).toString()).toBe('inside bytes');
    expect(info).toMatchObject({ bytes: 12, contentType: 'image/png' });
    await expect(storage.openRead('real/missing.png')).rejects.toBeInstanceOf(StorageObjectNotFoundError);
  });

  it('verifies signed requests from their raw query values and never throws', async () => {
    const url = new URL(await storage.signedUrl('real/inside.png', { expiresInS: 60 }));
    const exp = url.searchParams.get('exp') ?? '';
    const sig = url.searchParams.get('sig') ?? '';
    expect(storage.verifySignedRequest('real/inside.png', exp, sig)).toBe(true);
    for (const badExp of ['', '12a', '-1', '1e10', ` ${exp}`, `${exp}.0`]) {
      expect(storage.verifySignedRequest('real/inside.png', badExp, sig)).toBe(false);
    }
    expect(storage.verifySignedRequest('../real/inside.png', exp, sig)).toBe(false);
    expect(storage.verifySignedRequest('real/inside.png', exp, 'not hex')).toBe(false);
  });

  it('encodes each path segment but keeps the slashes', async () => {
    const url = await storage.signedUrl('a b/c#d/e.png', { expiresInS: 5 });
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/files\/a%20b\/c%23d\/e\.png\?exp=\d+&sig=[0-9a-f]{64}$/);
  });

  it('creates its root on first use', async () => {
    const fresh = new FolderStorage({
      root: join(h.base, 'fresh', 'nested'),
      publicBaseUrl: 'http://x',
      signer: new UrlSigner(secret),
      defaultTtlS: 1,
    });
    expect(existsSync(join(h.base, 'fresh'))).toBe(false);
    await fresh.ping();
    expect(existsSync(join(h.base, 'fresh', 'nested'))).toBe(true);
    expect(await readdir(join(h.base, 'fresh', 'nested'))).toEqual([]);
  });
});
