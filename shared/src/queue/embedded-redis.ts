import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { once } from 'node:events';
import path from 'node:path';
import { createRedis } from './connection.ts';

export interface EmbeddedRedisOptions {
  /** Folder for the AOF files; created if missing. */
  dataDir: string;
  /** @defaultValue a free loopback port */
  port?: number;
  /** @defaultValue 'redis-server' on PATH */
  binary?: string;
}

/**
 * A `redis-server` child process on loopback, for `npm start` without `REDIS_URL` and for tests.
 * AOF is on (`appendfsync everysec`) so queued tasks survive a restart of the studio.
 */
export class EmbeddedRedis {
  readonly url: string;
  readonly port: number;
  readonly #child: ChildProcess;
  readonly #dataDir: string;

  private constructor(child: ChildProcess, port: number, dataDir: string) {
    this.#child = child;
    this.#dataDir = dataDir;
    this.port = port;
    this.url = `redis://127.0.0.1:${port}`;
  }

  static async start(opts: EmbeddedRedisOptions): Promise<EmbeddedRedis> {
    await mkdir(opts.dataDir, { recursive: true });
    await stopStale(opts.dataDir);
    const port = opts.port ?? (await freeLoopbackPort());
    const child = spawn(opts.binary ?? 'redis-server', [
      '--port', String(port), '--bind', '127.0.0.1', '--dir', opts.dataDir,
      '--appendonly', 'yes', '--appendfsync', 'everysec', '--save', '',
      // BullMQ needs keys never evicted (its docs: maxmemory-policy noeviction).
      '--maxmemory-policy', 'noeviction', '--protected-mode', 'yes', '--daemonize', 'no',
    ], {
      stdio: ['ignore', 'ignore', 'pipe'],
      // Its own process group: a Ctrl-C on the terminal must not stop Redis before the API and workers
      // have drained; `stop()` ends it last. A pidfile lets the next start clear one left by a killed studio.
      detached: true,
    });
    if (child.pid) await writeFile(pidFile(opts.dataDir), String(child.pid));
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => { stderr += d.toString(); });
    const spawnError = once(child, 'error').then(([e]) => { throw e as Error; });
    const exited = once(child, 'exit').then(([code]) => { throw new Error(`redis-server exited with ${String(code)}: ${stderr.trim()}`); });
    const redis = new EmbeddedRedis(child, port, opts.dataDir);
    await Promise.race([redis.#waitUntilReady(), spawnError, exited]);
    return redis;
  }

  async #waitUntilReady(timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const client = createRedis(this.url, { lazyConnect: true, retryStrategy: () => null });
      client.on('error', () => undefined); // refusals are expected until the server listens; connect() rejects too
      try {
        await client.connect();
        if ((await client.ping()) === 'PONG') return;
      } catch (e) {
        if (Date.now() > deadline) throw new Error(`redis-server on port ${this.port} did not answer`, { cause: e });
      } finally {
        client.disconnect();
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** The process, for tests that need to kill it outright. */
  get pid(): number | undefined { return this.#child.pid; }

  /** Resolves when the server process exits, for whatever reason (the launcher restarts it unless it was stopped). */
  get exited(): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    if (this.#child.exitCode !== null || this.#child.signalCode !== null) {
      return Promise.resolve({ code: this.#child.exitCode, signal: this.#child.signalCode });
    }
    return once(this.#child, 'exit').then(([code, signal]) => ({ code: code as number | null, signal: signal as NodeJS.Signals | null }));
  }

  /**
   * The forced exit: SIGTERM the server's own process group now, synchronously (it sits outside the terminal's group,
   * so nothing else will stop it), without waiting. Redis still writes its AOF on SIGTERM.
   */
  killNow(): void {
    if (this.#child.exitCode !== null || this.#child.signalCode !== null || !this.#child.pid) return;
    try { process.kill(-this.#child.pid, 'SIGTERM'); } catch { try { this.#child.kill('SIGTERM'); } catch { /* gone */ } }
  }

  async stop(): Promise<void> {
    if (this.#child.exitCode !== null || this.#child.signalCode !== null) return;
    const exited = once(this.#child, 'exit');
    this.#child.kill('SIGTERM'); // redis flushes the AOF on SIGTERM
    await exited;
    await rm(pidFile(this.#dataDir), { force: true });
  }
}

const pidFile = (dataDir: string): string => path.join(dataDir, 'redis-server.pid');

/** A redis-server left running on this data folder by a studio that was killed outright: two on one AOF would corrupt it. */
async function stopStale(dataDir: string): Promise<void> {
  const pid = Number(await readFile(pidFile(dataDir), 'utf8').catch(() => ''));
  if (!Number.isInteger(pid) || pid <= 0) return;
  const command = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
  if (command.includes('redis-server')) {
    process.kill(pid, 'SIGTERM');
    for (let i = 0; i < 100 && (await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).includes('redis-server'); i++) {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  await rm(pidFile(dataDir), { force: true });
}

/** Ask the kernel for a free port on 127.0.0.1. */
export async function freeLoopbackPort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}
