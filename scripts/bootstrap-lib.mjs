// Pure helpers of scripts/bootstrap.mjs. Plain Node ESM with no dependencies: this runs before
// `pnpm install`. Everything here takes its inputs as arguments (no process.env, no cwd), so
// scripts/bootstrap-lib.test.ts can check it against temp folders.
import { createHash } from 'node:crypto';
import { accessSync, constants, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

/** `"pnpm@10.34.9"` or `"pnpm@10.34.9+sha512.…"` → `{ name: 'pnpm', version: '10.34.9' }`. */
export function parsePackageManager(field) {
  const m = typeof field === 'string' ? /^(@?[a-z0-9][\w.-]*)@(\d+\.\d+\.\d+(?:-[\w.]+)?)(?:\+.*)?$/.exec(field.trim()) : null;
  if (!m) throw new Error(`package.json "packageManager" must look like "pnpm@1.2.3", got ${JSON.stringify(field)}`);
  return { name: m[1], version: m[2] };
}

/** `"20.19.1"` or `"v20.19.1"` → `[20, 19, 1]`; missing parts are 0. */
export function parseVersion(v) {
  const parts = String(v).trim().replace(/^v/, '').split(/[.+-]/).slice(0, 3).map((p) => Number.parseInt(p, 10));
  while (parts.length < 3) parts.push(0);
  return parts.map((p) => (Number.isFinite(p) ? p : 0));
}

/** Is version `v` at least `min`? Compares major.minor.patch numerically. */
export function versionAtLeast(v, min) {
  const a = parseVersion(v);
  const b = parseVersion(min);
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i] > b[i];
  return true;
}

/** PATH entries plus `extra`, without empties or repeats, order kept. */
export function searchDirs(pathEnv, extra = ['/usr/sbin', '/usr/bin'], delimiter = path.delimiter) {
  const dirs = [...String(pathEnv ?? '').split(delimiter), ...extra].filter((d) => d !== '');
  return [...new Set(dirs)];
}

function isExecutableFile(file) {
  try {
    if (!statSync(file).isFile()) return false;
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Full path of the first executable `name` in `dirs`, or undefined. */
export function findProgram(name, dirs) {
  for (const dir of dirs) {
    const file = path.join(dir, name);
    if (isExecutableFile(file)) return file;
  }
  return undefined;
}

/** The names in `names` that no folder of `dirs` holds as an executable file. */
export function missingPrograms(names, dirs) {
  return names.filter((name) => findProgram(name, dirs) === undefined);
}

/**
 * Debian puts PostgreSQL's server programs (initdb, pg_ctl) in /usr/lib/postgresql/<major>/bin, off PATH.
 * Returns those bin folders under `root`, newest major first.
 */
export function postgresBinDirs(root = '/usr/lib/postgresql') {
  let entries;
  try {
    entries = readdirSync(root);
  } catch {
    return [];
  }
  return entries
    .filter((e) => /^\d+(\.\d+)?$/.test(e))
    .sort((a, b) => Number.parseFloat(b) - Number.parseFloat(a))
    .map((e) => path.join(root, e, 'bin'));
}

/** Debian package and Homebrew formula for each system program Shotfarm uses. */
export const SYSTEM_PACKAGES = {
  'redis-server': { apt: 'redis-server', brew: 'redis' },
  ffmpeg: { apt: 'ffmpeg', brew: 'ffmpeg' },
  initdb: { apt: 'postgresql', brew: 'postgresql@16' },
  pg_ctl: { apt: 'postgresql', brew: 'postgresql@16' },
  chromium: { apt: 'chromium', brew: 'chromium' },
};

function packagesFor(missing, manager) {
  return [...new Set(missing.map((name) => SYSTEM_PACKAGES[name]?.[manager] ?? name))];
}

/**
 * How to get the `missing` programs:
 *   { kind: 'none' }
 *   { kind: 'apt', sudo: boolean, packages }   we run apt-get ourselves (root, or password-less sudo)
 *   { kind: 'manual', command }                 the person has to run `command`
 */
export function installPlan({ missing, platform, isRoot, hasApt, canSudo }) {
  if (missing.length === 0) return { kind: 'none' };
  if (platform === 'darwin') return { kind: 'manual', command: `brew install ${packagesFor(missing, 'brew').join(' ')}` };
  const apt = packagesFor(missing, 'apt');
  if (platform === 'linux' && hasApt) {
    if (isRoot) return { kind: 'apt', sudo: false, packages: apt };
    if (canSudo) return { kind: 'apt', sudo: true, packages: apt };
    return { kind: 'manual', command: `sudo apt-get install -y ${apt.join(' ')}` };
  }
  return { kind: 'manual', command: `install ${missing.join(' and ')} with your system's package manager, then run this again` };
}

/**
 * The `packages:` list of pnpm-workspace.yaml. A deliberately small reader: it understands the block
 * list form (`packages:` then `  - item` lines, quotes optional, comments ignored), which is what
 * this repo uses; anything else throws rather than guessing.
 */
export function parseWorkspacePackages(yamlText) {
  const lines = yamlText.split(/\r?\n/);
  const start = lines.findIndex((l) => /^packages:\s*(#.*)?$/.test(l));
  if (start === -1) {
    if (/^packages:/m.test(yamlText)) throw new Error('pnpm-workspace.yaml: write "packages:" as a block list (one "- dir" per line)');
    return [];
  }
  const out = [];
  for (const line of lines.slice(start + 1)) {
    if (/^\s*(#.*)?$/.test(line)) continue;
    const m = /^\s+-\s+(?:'([^']*)'|"([^"]*)"|([^\s#]+))\s*(#.*)?$/.exec(line);
    if (!m) break; // next top-level key
    out.push(m[1] ?? m[2] ?? m[3]);
  }
  return out;
}

/**
 * Package folders (relative to `root`, holding a package.json) matched by pnpm workspace patterns.
 * Supports plain folders, a trailing `/*` or `/**`, and `!` exclusions.
 */
export function expandWorkspacePatterns(root, patterns) {
  const include = new Set();
  const excluded = patterns.filter((p) => p.startsWith('!')).map((p) => p.slice(1).replace(/\/+$/, ''));
  const hasManifest = (rel) => {
    try {
      return statSync(path.join(root, rel, 'package.json')).isFile();
    } catch {
      return false;
    }
  };
  const walk = (rel, deep) => {
    let entries;
    try {
      entries = readdirSync(path.join(root, rel), { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (!e.isDirectory() || e.name === 'node_modules' || e.name.startsWith('.')) continue;
      const child = path.posix.join(rel, e.name);
      if (hasManifest(child)) include.add(child);
      if (deep) walk(child, true);
    }
  };
  for (const raw of patterns) {
    if (raw.startsWith('!')) continue;
    const p = raw.replace(/^\.\//, '').replace(/\/+$/, '');
    if (p.endsWith('/**')) walk(p.slice(0, -3), true);
    else if (p.endsWith('/*')) walk(p.slice(0, -2), false);
    else if (p.includes('*')) throw new Error(`pnpm-workspace.yaml: pattern ${JSON.stringify(raw)} is not supported by scripts/bootstrap.mjs`);
    else if (hasManifest(p)) include.add(p);
  }
  const isExcluded = (dir) => excluded.some((x) => {
    if (x.endsWith('/**')) return dir.startsWith(x.slice(0, -2));
    if (x.endsWith('/*')) return path.posix.dirname(dir) === x.slice(0, -2);
    return dir === x;
  });
  return [...include].filter((d) => !isExcluded(d)).sort();
}

/**
 * Every file under `dir` (relative to `root`, '/'-separated, sorted), skipping folders and files whose
 * name is in `skipNames`.
 */
export function listFiles(root, dir, skipNames = new Set(['node_modules', 'dist', '.git'])) {
  const out = [];
  const walk = (rel) => {
    let entries;
    try {
      entries = readdirSync(path.join(root, rel), { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (skipNames.has(e.name)) continue;
      const child = rel === '' ? e.name : `${rel}/${e.name}`;
      if (e.isDirectory()) walk(child);
      else if (e.isFile()) out.push(child);
    }
  };
  walk(dir);
  return out.sort();
}

/**
 * sha256 over the names and contents of `relPaths` under `root` (in the given order), plus `extra`
 * strings. A missing file counts as "missing", so creating it changes the hash.
 */
export function hashFiles(root, relPaths, extra = []) {
  const h = createHash('sha256');
  for (const rel of relPaths) {
    let content;
    try {
      content = readFileSync(path.join(root, rel));
    } catch {
      content = null;
    }
    h.update(`${rel}\0`);
    if (content === null) h.update('missing\0');
    else {
      h.update(`${content.length}\0`);
      h.update(content);
    }
  }
  for (const s of extra) h.update(`extra\0${s}\0`);
  return h.digest('hex');
}

/**
 * Version of a pnpm launched through `binPath`, read from the package.json above the file it links to
 * (the npm-installed layout: bin/pnpm → lib/node_modules/pnpm/bin/pnpm.cjs). Undefined when that is not
 * how it is installed (e.g. a corepack shim); the caller then asks `pnpm --version`.
 */
export function pnpmVersionFromInstall(realBinPath) {
  let dir = path.dirname(realBinPath);
  for (let i = 0; i < 4; i++) {
    try {
      const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));
      if (pkg.name === 'pnpm' || pkg.name === '@pnpm/exe') return typeof pkg.version === 'string' ? pkg.version : undefined;
      return undefined;
    } catch {
      dir = path.dirname(dir);
    }
  }
  return undefined;
}
