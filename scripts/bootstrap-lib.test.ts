import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  expandWorkspacePatterns, findProgram, hashFiles, installPlan, listFiles, missingPrograms, parsePackageManager,
  parseWorkspacePackages, pnpmVersionFromInstall, postgresBinDirs, searchDirs, versionAtLeast,
} from './bootstrap-lib.mjs';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'shotfarm-bootstrap-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function write(rel: string, content: string, mode?: number): string {
  const file = path.join(dir, rel);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, content);
  if (mode !== undefined) chmodSync(file, mode);
  return file;
}

describe('parsePackageManager', () => {
  it('reads name and version, with or without a hash suffix', () => {
    expect(parsePackageManager('pnpm@10.34.9')).toEqual({ name: 'pnpm', version: '10.34.9' });
    expect(parsePackageManager('pnpm@10.34.9+sha512.abcdef')).toEqual({ name: 'pnpm', version: '10.34.9' });
    expect(parsePackageManager('yarn@4.0.0-rc.1')).toEqual({ name: 'yarn', version: '4.0.0-rc.1' });
  });
  it('refuses ranges, missing versions and non-strings', () => {
    expect(() => parsePackageManager('pnpm@^10')).toThrow(/packageManager/);
    expect(() => parsePackageManager('pnpm')).toThrow(/packageManager/);
    expect(() => parsePackageManager(undefined)).toThrow(/packageManager/);
  });
});

describe('versionAtLeast', () => {
  it('compares numerically, part by part', () => {
    expect(versionAtLeast('20.19.0', '20.19.0')).toBe(true);
    expect(versionAtLeast('v20.20.2', '20.19')).toBe(true);
    expect(versionAtLeast('20.9.0', '20.19.0')).toBe(false);
    expect(versionAtLeast('22.0.0', '20.19.0')).toBe(true);
    expect(versionAtLeast('18.20.4', '20.19.0')).toBe(false);
  });
});

describe('missingPrograms', () => {
  it('finds executables in the given folders only', () => {
    write('a/redis-server', '#!/bin/sh\n', 0o755);
    write('b/ffmpeg', '#!/bin/sh\n', 0o755);
    write('b/initdb', 'not executable', 0o644);
    mkdirSync(path.join(dir, 'b', 'pg_ctl')); // a folder is not a program
    const dirs = [path.join(dir, 'a'), path.join(dir, 'nope'), path.join(dir, 'b')];
    expect(missingPrograms(['redis-server', 'ffmpeg', 'initdb', 'pg_ctl'], dirs)).toEqual(['initdb', 'pg_ctl']);
    expect(missingPrograms(['redis-server'], [path.join(dir, 'b')])).toEqual(['redis-server']);
    expect(findProgram('ffmpeg', dirs)).toBe(path.join(dir, 'b', 'ffmpeg'));
    expect(missingPrograms([], dirs)).toEqual([]);
  });
});

describe('searchDirs', () => {
  it('appends /usr/sbin and /usr/bin once, dropping empty entries', () => {
    expect(searchDirs('/x::/usr/bin', undefined, ':')).toEqual(['/x', '/usr/bin', '/usr/sbin']);
    expect(searchDirs(undefined, [], ':')).toEqual([]);
  });
});

describe('postgresBinDirs', () => {
  it('lists version folders newest first', () => {
    for (const v of ['9.6', '15', '13', 'common']) mkdirSync(path.join(dir, v, 'bin'), { recursive: true });
    expect(postgresBinDirs(dir)).toEqual(['15', '13', '9.6'].map((v) => path.join(dir, v, 'bin')));
    expect(postgresBinDirs(path.join(dir, 'absent'))).toEqual([]);
  });
});

describe('installPlan', () => {
  const base = { missing: ['redis-server', 'ffmpeg'], platform: 'linux', isRoot: false, hasApt: true, canSudo: false };
  it('does nothing when nothing is missing', () => {
    expect(installPlan({ ...base, missing: [] })).toEqual({ kind: 'none' });
  });
  it('runs apt-get as root, or through password-less sudo', () => {
    expect(installPlan({ ...base, isRoot: true })).toEqual({ kind: 'apt', sudo: false, packages: ['redis-server', 'ffmpeg'] });
    expect(installPlan({ ...base, canSudo: true })).toEqual({ kind: 'apt', sudo: true, packages: ['redis-server', 'ffmpeg'] });
  });
  it('prints the exact command otherwise', () => {
    expect(installPlan(base)).toEqual({ kind: 'manual', command: 'sudo apt-get install -y redis-server ffmpeg' });
    expect(installPlan({ ...base, missing: ['ffmpeg'] })).toEqual({ kind: 'manual', command: 'sudo apt-get install -y ffmpeg' });
    expect(installPlan({ ...base, platform: 'darwin', isRoot: true })).toEqual({ kind: 'manual', command: 'brew install redis ffmpeg' });
    expect(installPlan({ ...base, hasApt: false, isRoot: true })).toMatchObject({ kind: 'manual' });
  });
  it('names one Debian package for initdb and pg_ctl', () => {
    expect(installPlan({ ...base, isRoot: true, missing: ['initdb', 'pg_ctl'] })).toEqual({ kind: 'apt', sudo: false, packages: ['postgresql'] });
  });
});

describe('workspace manifests', () => {
  it('reads the packages list of pnpm-workspace.yaml', () => {
    const yaml = 'packages:\n  - shared\n  # comment\n  - "apps/*"\n  - \'!apps/old\' # gone\nonlyBuiltDependencies:\n  - esbuild\n';
    expect(parseWorkspacePackages(yaml)).toEqual(['shared', 'apps/*', '!apps/old']);
    expect(parseWorkspacePackages('onlyBuiltDependencies:\n  - esbuild\n')).toEqual([]);
    expect(() => parseWorkspacePackages('packages: [a, b]\n')).toThrow(/block list/);
  });
  it('expands folders, /* and exclusions to folders that hold a package.json', () => {
    write('shared/package.json', '{}');
    write('apps/web/package.json', '{}');
    write('apps/old/package.json', '{}');
    write('apps/notes/readme.md', '');
    write('apps/web/node_modules/x/package.json', '{}');
    expect(expandWorkspacePatterns(dir, ['shared', 'absent', 'apps/*', '!apps/old'])).toEqual(['apps/web', 'shared']);
  });
});

describe('hashFiles and listFiles', () => {
  it('changes when a file, its name or an extra string changes, and not otherwise', () => {
    write('web/index.html', '<html>');
    write('web/src/main.tsx', 'x');
    write('web/dist/app.js', 'built');
    write('web/node_modules/.vite/dep.js', 'cache');
    const files = listFiles(dir, 'web');
    expect(files).toEqual(['web/index.html', 'web/src/main.tsx']);
    const h = hashFiles(dir, files, ['lock 1']);
    expect(hashFiles(dir, files, ['lock 1'])).toBe(h);
    expect(hashFiles(dir, files, ['lock 2'])).not.toBe(h);
    write('web/src/main.tsx', 'y');
    expect(hashFiles(dir, files, ['lock 1'])).not.toBe(h);
    expect(hashFiles(dir, [...files, 'web/new.ts'], ['lock 1'])).not.toBe(hashFiles(dir, files, ['lock 1']));
  });
});

describe('pnpmVersionFromInstall', () => {
  it('reads the version of an npm-installed pnpm, and nothing from other layouts', () => {
    write('lib/node_modules/pnpm/package.json', JSON.stringify({ name: 'pnpm', version: '10.34.9' }));
    const bin = write('lib/node_modules/pnpm/bin/pnpm.cjs', '', 0o755);
    expect(pnpmVersionFromInstall(bin)).toBe('10.34.9');
    write('corepack/package.json', JSON.stringify({ name: 'corepack', version: '0.34.0' }));
    expect(pnpmVersionFromInstall(write('corepack/shims/pnpm', '', 0o755))).toBeUndefined();
  });
});
