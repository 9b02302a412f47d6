#!/usr/bin/env node
// `npm start` / `npm test` / `npm bench` on a fresh machine with only Node: get the pinned pnpm, the
// system programs (redis-server, ffmpeg), the packages and the web bundle, then run the real command.
// Each step leaves a stamp and is skipped when nothing it depends on changed, so a re-run costs
// milliseconds. Plain Node ESM, no dependencies (it runs before `pnpm install`).
//
//   node scripts/bootstrap.mjs <start|test|bench> [extra args passed to the command]
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  expandWorkspacePatterns, findProgram, hashFiles, installPlan, listFiles, missingPrograms, parsePackageManager,
  parseWorkspacePackages, pnpmVersionFromInstall, postgresBinDirs, searchDirs, versionAtLeast,
} from './bootstrap-lib.mjs';

const MIN_NODE = '20.19.0';
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const TOOLS_DIR = path.join(ROOT, '.shotfarm', 'tools');
const INSTALL_STAMP = path.join(ROOT, 'node_modules', '.shotfarm-install-stamp');
const WEB_DIR = 'studio/web';
const WEB_STAMP = path.join(ROOT, WEB_DIR, 'dist', '.build-stamp');
const STUDIO = '@shotfarm/studio';

const started = Date.now();
const log = (msg) => console.log(`[shotfarm] ${msg}`);
class Fatal extends Error {}
const fail = (msg) => {
  throw new Fatal(msg);
};

const COMMANDS = {
  // The studio runs as our direct child (no pnpm in between): it orchestrates Redis and the workers itself and
  // must be the one that hears SIGTERM, so it can stop them in order.
  start: { needsRedis: !process.env.REDIS_URL, web: true, node: (args) => ['--import', 'tsx', 'studio/server/src/main.ts', ...args] },
  test: { needsRedis: true, web: true, postgres: true, run: (args) => ['exec', 'vitest', 'run', ...args] },
  bench: { needsRedis: true, web: true, run: (args) => ['--filter', '@shotfarm/bench', 'bench', ...args] },
};

function checkNode() {
  if (!versionAtLeast(process.versions.node, MIN_NODE)) {
    fail(`Node ${process.versions.node} is too old: Shotfarm needs Node >= ${MIN_NODE.replace(/\.0$/, '')} (https://nodejs.org, or nvm install 20)`);
  }
}

/** Run a program to completion with inherited output; fail with `what` when it does not exit 0. */
function runOrFail(file, args, what, opts = {}) {
  const r = spawnSync(file, args, { stdio: 'inherit', cwd: ROOT, ...opts });
  if (r.error) fail(`${what}: could not run ${file}: ${r.error.message}`);
  if (r.status !== 0) fail(`${what} failed (${r.signal ? `signal ${r.signal}` : `exit code ${r.status}`})`);
}

// ── pnpm ────────────────────────────────────────────────────────────────────────────────────────

/** `{ file, prefix, binDir }`: how to launch the pinned pnpm; binDir goes first on the children's PATH. */
function ensurePnpm(pinned) {
  const onPath = findProgram('pnpm', searchDirs(process.env.PATH, []));
  if (onPath) {
    let version;
    try {
      version = pnpmVersionFromInstall(realpathSync(onPath));
    } catch {
      version = undefined;
    }
    if (version === undefined) {
      const r = spawnSync(onPath, ['--version'], { encoding: 'utf8', timeout: 30_000, stdio: ['ignore', 'pipe', 'ignore'] });
      version = r.status === 0 ? r.stdout.trim() : undefined;
    }
    if (version === pinned) {
      log(`pnpm ${pinned} (${onPath})`);
      return { file: onPath, prefix: [], binDir: undefined };
    }
    log(`pnpm on PATH is ${version ?? 'unusable'}, this repo pins ${pinned}: using a project-local copy`);
  }
  const pkgFile = path.join(TOOLS_DIR, 'node_modules', 'pnpm', 'package.json');
  const localVersion = () => {
    try {
      return JSON.parse(readFileSync(pkgFile, 'utf8')).version;
    } catch {
      return undefined;
    }
  };
  if (localVersion() !== pinned) {
    log(`installing pnpm ${pinned} into .shotfarm/tools (no root needed)`);
    mkdirSync(TOOLS_DIR, { recursive: true });
    // Under `npm test`, npm_execpath is npm's own CLI: use that npm with this Node.
    const npmCli = process.env.npm_execpath;
    const [file, prefix] = npmCli && /npm-cli\.c?js$/.test(npmCli) ? [process.execPath, [npmCli]] : ['npm', []];
    runOrFail(file, [...prefix, 'install', '--prefix', TOOLS_DIR, '--no-save', '--no-audit', '--no-fund', '--no-package-lock', '--loglevel=error', `pnpm@${pinned}`],
      `npm install pnpm@${pinned}`, { cwd: TOOLS_DIR, shell: file === 'npm' && process.platform === 'win32' });
    if (localVersion() !== pinned) fail(`npm installed pnpm ${localVersion() ?? '(nothing)'} into ${TOOLS_DIR}, expected ${pinned}`);
  }
  log(`pnpm ${pinned} (${path.relative(ROOT, TOOLS_DIR)})`);
  const binDir = path.join(TOOLS_DIR, 'node_modules', '.bin');
  const cjs = path.join(TOOLS_DIR, 'node_modules', 'pnpm', 'bin', 'pnpm.cjs');
  if (existsSync(cjs)) return { file: process.execPath, prefix: [cjs], binDir };
  return { file: path.join(binDir, 'pnpm'), prefix: [], binDir };
}

// ── system programs ─────────────────────────────────────────────────────────────────────────────

function canSudo() {
  if (!findProgram('sudo', searchDirs(process.env.PATH))) return false;
  return spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore', timeout: 10_000 }).status === 0;
}

/** Make sure `required` programs exist (installing them when we may); returns folders to add to PATH. */
function ensurePrograms(required) {
  const dirs = searchDirs(process.env.PATH);
  let missing = missingPrograms(required, dirs);
  if (missing.length > 0) {
    const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
    const aptGet = findProgram('apt-get', dirs);
    const hasApt = aptGet !== undefined;
    const plan = installPlan({ missing, platform: process.platform, isRoot, hasApt, canSudo: !isRoot && hasApt && canSudo() });
    if (plan.kind === 'manual') {
      fail(`missing ${missing.join(', ')}. Install with:\n\n    ${plan.command}\n\nthen run this command again.`);
    }
    // apt-get as root, or through password-less sudo (`sudo -n`: never a password prompt).
    const apt = (args) => (plan.sudo ? ['sudo', ['-n', 'env', 'DEBIAN_FRONTEND=noninteractive', 'apt-get', ...args]] : [aptGet, args]);
    const aptEnv = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    log(`missing ${missing.join(', ')}: ${plan.sudo ? 'sudo ' : ''}apt-get install ${plan.packages.join(' ')}`);
    runOrFail(...apt(['update']), 'apt-get update', { env: aptEnv, stdio: ['ignore', 'inherit', 'inherit'] });
    runOrFail(...apt(['install', '-y', '--no-install-recommends', ...plan.packages]), 'apt-get install',
      { env: aptEnv, stdio: ['ignore', 'inherit', 'inherit'] });
    missing = missingPrograms(required, dirs);
    if (missing.length > 0) fail(`still missing after apt-get install: ${missing.join(', ')}`);
  }
  const pathDirs = new Set(searchDirs(process.env.PATH, []));
  const extra = new Set();
  for (const name of required) {
    const dir = path.dirname(findProgram(name, dirs));
    if (!pathDirs.has(dir)) extra.add(dir);
  }
  if (required.length > 0) log(`system programs ok: ${required.join(', ')}`);
  return [...extra];
}

/** PostgreSQL is optional (its test suite skips without it): report it, and return its bin folder if off PATH. */
function findPostgres() {
  const onPath = searchDirs(process.env.PATH);
  if (missingPrograms(['initdb', 'pg_ctl'], onPath).length === 0) {
    log(`PostgreSQL found (${findProgram('initdb', onPath)})`);
    return [];
  }
  const dir = postgresBinDirs().find((d) => missingPrograms(['initdb', 'pg_ctl'], [d]).length === 0);
  if (dir) {
    log(`PostgreSQL found (${dir})`);
    return [dir];
  }
  log('PostgreSQL (initdb, pg_ctl) not found: its test suite will be skipped (apt-get install postgresql to run it)');
  return [];
}

// ── packages ────────────────────────────────────────────────────────────────────────────────────

function workspaceManifests() {
  const ws = readFileSync(path.join(ROOT, 'pnpm-workspace.yaml'), 'utf8');
  const dirs = expandWorkspacePatterns(ROOT, parseWorkspacePackages(ws));
  return { dirs, files: ['pnpm-lock.yaml', 'pnpm-workspace.yaml', 'package.json', ...dirs.map((d) => `${d}/package.json`)] };
}

function readStamp(file) {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    return undefined;
  }
}

/** node_modules looks installed: pnpm's state file, and a node_modules in every package that has dependencies. */
function looksInstalled(dirs) {
  if (!existsSync(path.join(ROOT, 'node_modules', '.modules.yaml'))) return false;
  return dirs.every((d) => {
    try {
      const pkg = JSON.parse(readFileSync(path.join(ROOT, d, 'package.json'), 'utf8'));
      const hasDeps = Object.keys({ ...pkg.dependencies, ...pkg.devDependencies }).length > 0;
      return !hasDeps || existsSync(path.join(ROOT, d, 'node_modules'));
    } catch {
      return false;
    }
  });
}

function ensurePackages(pnpm, env, pinned) {
  const { dirs, files } = workspaceManifests();
  const hash = hashFiles(ROOT, files, [`pnpm ${pinned}`, `${process.platform}-${process.arch}`]);
  if (readStamp(INSTALL_STAMP) === hash && looksInstalled(dirs)) {
    log('packages up to date');
    return hash;
  }
  log('installing packages (pnpm install --frozen-lockfile)');
  const installEnv = { ...env, ONNXRUNTIME_NODE_INSTALL: 'skip' };
  runOrFail(pnpm.file, [...pnpm.prefix, 'install', '--frozen-lockfile', '--config.confirm-modules-purge=false'], 'pnpm install',
    { env: installEnv, stdio: ['ignore', 'inherit', 'inherit'] });
  writeFileSync(INSTALL_STAMP, `${hash}\n`);
  return hash;
}

// ── web bundle ──────────────────────────────────────────────────────────────────────────────────

function ensureWebBuild(pnpm, env, lockHash) {
  if (!existsSync(path.join(ROOT, WEB_DIR, 'index.html'))) {
    log(`${WEB_DIR}/index.html does not exist yet: skipping the web build`);
    return;
  }
  let scripts = {};
  try {
    scripts = JSON.parse(readFileSync(path.join(ROOT, 'studio', 'package.json'), 'utf8')).scripts ?? {};
  } catch {
    // handled below
  }
  if (!scripts['build:web']) {
    log('studio/package.json has no "build:web" script yet: skipping the web build');
    return;
  }
  const files = listFiles(ROOT, WEB_DIR);
  const hash = hashFiles(ROOT, files, [`lock ${lockHash}`, `script ${scripts['build:web']}`]);
  if (readStamp(WEB_STAMP) === hash) {
    log('web bundle up to date');
    return;
  }
  log(`building the web bundle (${WEB_DIR}/dist)`);
  runOrFail(pnpm.file, [...pnpm.prefix, '--filter', STUDIO, 'build:web'], 'web build', { env, stdio: ['ignore', 'inherit', 'inherit'] });
  if (!existsSync(path.dirname(WEB_STAMP))) fail(`the web build finished but ${WEB_DIR}/dist does not exist`);
  writeFileSync(WEB_STAMP, `${hash}\n`);
}

// ── run ─────────────────────────────────────────────────────────────────────────────────────────

/**
 * Run the real command in the foreground and exit the way it exits. With a terminal, the child stays in
 * our process group so Ctrl-C reaches every process (and nothing reading the terminal gets stopped);
 * without one (CI, a process manager, `docker stop`), it gets its own group and we pass SIGINT/SIGTERM
 * to that whole group, so pnpm's script shells and the studio behind them all hear it, once.
 */
function runForeground(file, args, env, { signalGroup = true } = {}) {
  const ownGroup = signalGroup && !process.stdin.isTTY && process.platform !== 'win32';
  const child = spawn(file, args, { stdio: 'inherit', cwd: ROOT, env, detached: ownGroup });
  const forward = (sig) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    try {
      if (ownGroup) process.kill(-child.pid, sig);
      else child.kill(sig);
    } catch {
      // already gone
    }
  };
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  child.on('error', (e) => {
    console.error(`[shotfarm] could not start ${file}: ${e.message}`);
    process.exit(1);
  });
  child.on('exit', (code, signal) => {
    if (signal) {
      // Die of the same signal, so whoever started us sees what happened.
      process.removeAllListeners(signal);
      process.kill(process.pid, signal);
      return;
    }
    process.exit(code ?? 1);
  });
}

function main() {
  const [command, ...extra] = process.argv.slice(2);
  const spec = COMMANDS[command];
  if (!spec) fail(`usage: node scripts/bootstrap.mjs <${Object.keys(COMMANDS).join('|')}> [args…]`);
  checkNode();

  const manifest = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  const pm = parsePackageManager(manifest.packageManager);
  if (pm.name !== 'pnpm') fail(`package.json "packageManager" names ${pm.name}; this bootstrap knows pnpm only`);

  const pnpm = ensurePnpm(pm.version);
  const required = spec.needsRedis ? ['redis-server', 'ffmpeg'] : ['ffmpeg'];
  const extraDirs = ensurePrograms(required);
  const pgDirs = spec.postgres ? findPostgres() : [];

  const basePath = searchDirs(process.env.PATH, []);
  const childPath = [...new Set([...(pnpm.binDir ? [pnpm.binDir] : []), ...basePath, ...extraDirs, ...pgDirs])].join(path.delimiter);
  // MALLOC_ARENA_MAX=2: glibc gives each libvips (sharp) thread its own malloc arena, and fragmented arenas kept
  // the API near 950 MB under a burst of uploads that needs about 650 (measured in upload-bounds.e2e.test.ts).
  const env = { MALLOC_ARENA_MAX: '2', ...process.env, PATH: childPath, npm_config_update_notifier: 'false' };

  const lockHash = ensurePackages(pnpm, env, pm.version);
  if (spec.web) ensureWebBuild(pnpm, env, lockHash);

  if (spec.node) {
    const args = spec.node(extra);
    log(`ready in ${Date.now() - started} ms: node ${args.join(' ')}`);
    runForeground(process.execPath, args, env, { signalGroup: false });
    return;
  }
  const args = spec.run(extra);
  log(`ready in ${Date.now() - started} ms: pnpm ${args.join(' ')}`);
  runForeground(pnpm.file, [...pnpm.prefix, ...args], env);
}

try {
  main();
} catch (e) {
  if (e instanceof Fatal) {
    console.error(`[shotfarm] ${e.message}`);
    process.exit(1);
  }
  throw e;
}
