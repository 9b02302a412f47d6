import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freeLoopbackPort } from '../src/queue/index.ts';

/** Debian's PostgreSQL binaries, if installed (`.ci/run` installs them; a laptop may not have them). */
export function findPostgresBin(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root).filter((v) => existsSync(path.join(root, v, 'bin', 'initdb'))).sort((a, b) => Number(b) - Number(a));
  return versions[0] ? path.join(root, versions[0], 'bin') : undefined;
}

/** A throwaway PostgreSQL cluster on a free loopback port; as root it runs as the `postgres` user. */
export class PostgresServer {
  private constructor(readonly url: string, private readonly child: ChildProcess, private readonly dir: string,
    private readonly stopCommand: [string, string[]]) {}

  static async start(bin: string): Promise<PostgresServer> {
    const dir = mkdtempSync(path.join(tmpdir(), 'shotfarm-pg-'));
    chmodSync(dir, 0o777);
    const asRoot = process.getuid?.() === 0;
    const run = (cmd: string, args: string[]) => (asRoot ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args]) as [string, string[]];
    const dataDir = path.join(dir, 'data');
    execFileSync(...run(path.join(bin, 'initdb'), ['-D', dataDir, '-U', 'shotfarm', '--auth=trust', '-E', 'UTF8', '--no-sync']), { stdio: 'ignore' });
    const port = await freeLoopbackPort();
    const child = spawn(...run(path.join(bin, 'postgres'), ['-D', dataDir, '-p', String(port), '-k', dir, '-h', '127.0.0.1', '-c', 'fsync=off']), { stdio: 'ignore' });
    const server = new PostgresServer(`postgres://shotfarm@127.0.0.1:${port}/postgres`, child, dir,
      run(path.join(bin, 'pg_ctl'), ['-D', dataDir, '-m', 'immediate', '-w', 'stop']));
    const deadline = Date.now() + 20_000;
    for (;;) {
      try {
        execFileSync(path.join(bin, 'pg_isready'), ['-h', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
        return server;
      } catch {
        if (Date.now() > deadline) throw new Error('postgres did not start');
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null) {
      const exited = once(this.child, 'exit');
      // runuser does not pass signals on to postgres, so ask pg_ctl (a throwaway cluster needs no clean shutdown).
      execFileSync(...this.stopCommand, { stdio: 'ignore' });
      await exited;
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
