import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { createRedis, EmbeddedRedis, freeLoopbackPort } from '@shotfarm/shared/queue';
import { Closers } from '../closers.ts';
import { formatRate, type Benchmark, type BenchmarkResult } from '../measure.ts';
import { makeProductPhoto } from '../product-photo.ts';

/** Options of {@link runLaunchScale}; the environment overrides the defaults (BENCH_LAUNCH_*). */
export interface LaunchScaleOptions {
  /** SKUs in the manifest. @defaultValue 2000 (BENCH_LAUNCH_SKUS) */
  skus?: number;
  /** Product-shot variants per SKU. @defaultValue 4 (BENCH_LAUNCH_VARIANTS) */
  variants?: number;
  /** Render worker processes. @defaultValue 1 (BENCH_LAUNCH_RENDER_WORKERS) */
  renderWorkers?: number;
  /** Scorer worker processes. @defaultValue 1 (BENCH_LAUNCH_SCORER_WORKERS) */
  scorerWorkers?: number;
  /** Cut-out of the product shots: `classic` (colour key, else GrabCut) or `colour-key` only. @defaultValue classic (BENCH_LAUNCH_SEGMENTER) */
  segmenter?: 'classic' | 'colour-key';
  /** Side of the generated product photos, px (each of the 8 is this + 16 × its index). @defaultValue 640 (BENCH_LAUNCH_PHOTO_PX) */
  photoPx?: number;
  /** Sampling period of progress and memory. @defaultValue 1000 */
  sampleMs?: number;
  /** The launch must finish by then. @defaultValue 4 h */
  timeoutMs?: number;
}

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const mainEntry = path.join(repoRoot, 'studio/server/src/main.ts');
const admin = { email: 'bench@localhost', password: 'bench-launch-password' };
/** Distinct generated photos the SKUs cycle through (the farm stores each once, content-addressed). */
const distinctPhotos = 8;
const mib = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
const envInt = (name: string): number | undefined => (process.env[name] ? Number.parseInt(process.env[name]!, 10) : undefined);

/** CPU time a process has used so far (user + system), seconds; 0 once it has gone. */
async function cpuSecondsOf(pid: number): Promise<number> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // Fields after `(comm)`: state is the 3rd field, utime the 14th and stime the 15th (clock ticks, 100 a second on Linux).
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

/** What a process of the farm is, from its command line: `render`, `scorer`, or `other` (a shell, a tsx loader). */
async function roleOf(pid: number): Promise<'render' | 'scorer' | 'other'> {
  const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
  return /render-worker/.test(cmdline) ? 'render' : /scorer/.test(cmdline) ? 'scorer' : 'other';
}

/**
 * Least-squares slope of y over x: how much y grows per unit of x (bytes per finished SKU). A ratio of two quarters'
 * means hides where a launch is in its run; a slope over the samples says what each finished SKU leaves behind.
 */
export function slope(points: readonly { x: number; y: number }[]): number {
  if (points.length < 2) return Number.NaN;
  const mx = points.reduce((a, p) => a + p.x, 0) / points.length;
  const my = points.reduce((a, p) => a + p.y, 0) / points.length;
  const sxx = points.reduce((a, p) => a + (p.x - mx) ** 2, 0);
  return sxx === 0 ? Number.NaN : points.reduce((a, p) => a + (p.x - mx) * (p.y - my), 0) / sxx;
}

/**
 * What Redis holds, by key pattern (ids replaced by `*`): count and bytes (MEMORY USAGE), biggest first, and the length
 * of each queue's events stream (BullMQ caps it, 10,000 entries by default): what is left once SKUs have finished.
 */
async function redisBreakdown(redis: ReturnType<typeof createRedis>): Promise<string> {
  const byPattern = new Map<string, { keys: number; bytes: number }>();
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'COUNT', 1000);
    cursor = next;
    for (const key of keys) {
      const pattern = key.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '*').replace(/:\d+$/, ':#');
      const bytes = Number(await redis.memory('USAGE', key)) || 0;
      const entry = byPattern.get(pattern) ?? { keys: 0, bytes: 0 };
      entry.keys++; entry.bytes += bytes;
      byPattern.set(pattern, entry);
    }
  } while (cursor !== '0');
  const top = [...byPattern].sort((a, b) => b[1].bytes - a[1].bytes).slice(0, 8)
    .map(([pattern, e]) => `${pattern} ×${e.keys} ${(e.bytes / 1024).toFixed(0)} KiB`);
  const streams = [...byPattern.keys()].filter((k) => k.endsWith(':events'));
  const lengths = await Promise.all(streams.map(async (k) => `${k} ${await redis.xlen(k)}`));
  return `top keys: ${top.join('; ')} | events streams (entries): ${lengths.join(', ')}`;
}

/** One sample of the launch as it runs. */
interface Sample {
  atMs: number;
  ended: number;
  apiRss: number;
  workersRss: number;
  redisUsed: number;
}

/** Resident set size of a process, bytes (0 once it has gone). */
async function rssOf(pid: number): Promise<number> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const kb = /^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1];
    return kb ? Number(kb) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** Every process below `root` (the worker processes the studio's launcher spawned), from /proc. */
async function descendantsOf(root: number): Promise<number[]> {
  const parentOf = new Map<number, number>();
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = await readFile(`/proc/${name}/stat`, 'utf8');
      // pid (comm) state ppid …: comm may hold spaces, so read after its closing parenthesis.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parentOf.set(Number(name), ppid);
    } catch { /* gone */ }
  }
  const out: number[] = [];
  const walk = (pid: number) => { for (const [child, parent] of parentOf) if (parent === pid) { out.push(child); walk(child); } };
  walk(root);
  return out;
}

async function signIn(base: string): Promise<Record<string, string>> {
  const login = await fetch(`${base}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(admin) });
  if (login.status !== 200) throw new Error(`sign-in answered ${login.status}: ${await login.text()}`);
  const { csrfToken } = await login.json() as { csrfToken: string };
  const cookie = login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const created = await fetch(`${base}/api/api-keys`, {
    method: 'POST', headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': csrfToken }, body: JSON.stringify({ name: 'bench', roles: ['admin'] }),
  });
  if (created.status !== 201) throw new Error(`creating a key answered ${created.status}: ${await created.text()}`);
  return { authorization: `Bearer ${(await created.json() as { key: string }).key}` };
}

/** Mean of the samples whose progress lies in [from, to) of the launch (fractions of the SKUs ended). */
function meanOver(samples: readonly Sample[], total: number, from: number, to: number, pick: (s: Sample) => number): number {
  const inside = samples.filter((s) => s.ended / total >= from && s.ended / total < to);
  return inside.length === 0 ? Number.NaN : inside.reduce((a, s) => a + pick(s), 0) / inside.length;
}

/** The time the launch reached a fraction of its SKUs ended, interpolated between samples. */
function timeAt(samples: readonly Sample[], total: number, fraction: number): number {
  const target = fraction * total;
  for (let i = 1; i < samples.length; i++) {
    const a = samples[i - 1]!;
    const b = samples[i]!;
    if (b.ended >= target) return b.ended === a.ended ? b.atMs : a.atMs + ((target - a.ended) / (b.ended - a.ended)) * (b.atMs - a.atMs);
  }
  return samples.at(-1)!.atMs;
}

const verdict = (ratio: number): string => (!Number.isFinite(ratio) ? 'too few samples' : ratio <= 1.15 ? 'flat' : 'grows');

/**
 * A launch at scale through the studio as `npm start` runs it (the API in its own process, render and scorer workers
 * as the launcher's child processes, Redis apart): N SKUs × 4 product-shot variants at the small `taobao-800` preset
 * on the local backend. Sampled once a second as it progresses: SKUs ended, resident memory of the API and of the
 * worker processes, Redis `used_memory`. Prints SKUs/s, the peaks, and a flatness verdict (mean memory over the last
 * quarter of the SKUs against the second quarter), the growth per finished SKU (a least-squares slope, the number that
 * says whether finished SKUs leave anything behind), the CPU seconds each process spent per SKU (where a SKU's time
 * goes), and what Redis holds by key pattern once the launch is done; then streams the report ZIP of every SKU,
 * sampling the API's memory while it streams. Nothing is asserted; the ratio line compares each quarter's pace with
 * the second's. `launch-scale --skus 2000 --variants 4 --segmenter colour-key --scorer-workers 2` sets the scale.
 * (The report ZIP of thousands of SKUs without rendering them first: the `launch-report-zip` benchmark.)
 */
export async function runLaunchScale(opts: LaunchScaleOptions = {}): Promise<BenchmarkResult> {
  const skus = opts.skus ?? envInt('BENCH_LAUNCH_SKUS') ?? 2000;
  const variants = opts.variants ?? envInt('BENCH_LAUNCH_VARIANTS') ?? 4;
  const renderWorkers = opts.renderWorkers ?? envInt('BENCH_LAUNCH_RENDER_WORKERS') ?? 1;
  const scorerWorkers = opts.scorerWorkers ?? envInt('BENCH_LAUNCH_SCORER_WORKERS') ?? 1;
  const segmenter = opts.segmenter ?? (process.env.BENCH_LAUNCH_SEGMENTER === 'colour-key' ? 'colour-key' : 'classic');
  const photoPx = opts.photoPx ?? envInt('BENCH_LAUNCH_PHOTO_PX') ?? 640;
  const sampleMs = opts.sampleMs ?? 1000;
  const timeoutMs = opts.timeoutMs ?? 4 * 3600_000;
  const notes: string[] = [];
  const closers = new Closers();
  try {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'shotfarm-bench-launch-'));
    closers.add(() => rm(dataDir, { recursive: true, force: true }));
    const redisServer = await EmbeddedRedis.start({ dataDir: path.join(dataDir, 'redis') });
    closers.add(() => redisServer.stop());
    const redis = createRedis(redisServer.url);
    closers.add(() => redis.quit());
    const port = await freeLoopbackPort();
    const base = `http://127.0.0.1:${port}`;

    const studio: ChildProcess = spawn(process.execPath, ['--import', 'tsx', mainEntry], {
      cwd: repoRoot,
      env: {
        ...process.env, REDIS_URL: redisServer.url, DATA_DIR: path.join(dataDir, 'studio'), PORT: String(port), PUBLIC_URL: base, LOG_LEVEL: 'warn',
        RENDER_WORKERS: String(renderWorkers), SCORER_WORKERS: String(scorerWorkers), SHOTFARM_ADMIN_EMAIL: admin.email, SHOTFARM_ADMIN_PASSWORD: admin.password,
        LAUNCH_POLL_MS: '250', RECONCILE_INTERVAL_MS: '600000', RATE_LIMIT_UPLOADS: '1000',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    studio.stdout!.on('data', (d: Buffer) => { output = (output + d.toString()).slice(-20_000); });
    studio.stderr!.on('data', (d: Buffer) => { output = (output + d.toString()).slice(-20_000); });
    const exited = once(studio, 'exit');
    closers.add(async () => { if (studio.exitCode === null && studio.signalCode === null) { studio.kill('SIGTERM'); await exited; } });
    const readyBy = Date.now() + 120_000;
    while (!output.includes('[studio] ready')) {
      if (studio.exitCode !== null || Date.now() > readyBy) throw new Error(`the studio did not start:\n${output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const headers = await signIn(base);

    // Photos: a few generated product photos uploaded once; the manifest names them by asset id.
    const assetIds: string[] = [];
    for (let i = 0; i < distinctPhotos; i++) {
      const photo = await sharp(await makeProductPhoto(photoPx + 16 * i)).jpeg({ quality: 90 }).toBuffer();
      const form = new FormData();
      form.append('file', new Blob([photo], { type: 'image/jpeg' }), `product-${i}.jpg`);
      const res = await fetch(`${base}/api/assets`, { method: 'POST', headers, body: form });
      if (res.status !== 201) throw new Error(`upload answered ${res.status}: ${await res.text()}`);
      assetIds.push((await res.json() as { id: string }).id);
    }
    const manifest = `sku,title,category,photos\n${Array.from({ length: skus }, (_, i) => `BENCH-${String(i + 1).padStart(5, '0')},商品 ${i + 1},home,${assetIds[i % distinctPhotos]}`).join('\n')}\n`;
    const plan = { recipes: [{ recipe: 'product-shot/studio-local', variants, params: { preset: 'taobao-800', segmenter } }], pick: 2 };
    // CPU used by each process from here to the launch's end: where a SKU's time goes (2 cores give 2 CPU-s a second).
    const farmPids = async () => [studio.pid!, ...(await descendantsOf(studio.pid!)), ...(redisServer.pid ? [redisServer.pid] : [])];
    const cpuAtStart = new Map<number, number>();
    for (const pid of await farmPids()) cpuAtStart.set(pid, await cpuSecondsOf(pid));
    const form = new FormData();
    form.append('manifest', new Blob([manifest], { type: 'text/csv' }), 'bench.csv');
    form.append('plan', JSON.stringify(plan));
    const created = await fetch(`${base}/api/launches`, { method: 'POST', headers, body: form });
    if (created.status !== 201) throw new Error(`POST /api/launches answered ${created.status}: ${await created.text()}`);
    const launchId = (await created.json() as { id: string }).id;
    const started = performance.now();

    const samples: Sample[] = [];
    let workerPids: number[] = [];
    let status = 'queued';
    for (;;) {
      const view = await (await fetch(`${base}/api/launches/${launchId}`, { headers })).json() as { status: string; skus: Record<string, number> };
      status = view.status;
      const s = view.skus;
      if (samples.length % 10 === 0) workerPids = await descendantsOf(studio.pid!);
      const workersRss = (await Promise.all(workerPids.map(rssOf))).reduce((a, b) => a + b, 0);
      const redisUsed = Number(/used_memory:(\d+)/.exec(await redis.info('memory'))?.[1] ?? 0);
      samples.push({ atMs: performance.now() - started, ended: s.total! - s.pending! - s.rendering!, apiRss: await rssOf(studio.pid!), workersRss, redisUsed });
      if (status === 'finished' || status === 'canceled') break;
      if (performance.now() - started > timeoutMs) throw new Error(`the launch did not finish in ${timeoutMs} ms (${JSON.stringify(s)})`);
      await new Promise((r) => setTimeout(r, sampleMs));
    }
    const elapsedS = (performance.now() - started) / 1000;
    const cpuByRole = new Map<string, number>();
    for (const pid of await farmPids()) {
      const role = pid === studio.pid ? 'API' : pid === redisServer.pid ? 'Redis' : await roleOf(pid);
      const used = (await cpuSecondsOf(pid)) - (cpuAtStart.get(pid) ?? 0);
      cpuByRole.set(role, (cpuByRole.get(role) ?? 0) + used);
    }
    const final = await (await fetch(`${base}/api/launches/${launchId}`, { headers })).json() as { skus: Record<string, number>; spend: number };

    const quarterTimes = [0, 0.25, 0.5, 0.75, 1].map((f) => (f === 0 ? 0 : timeAt(samples, skus, f)));
    const quarterRates = [1, 2, 3, 4].map((q) => (skus / 4) / Math.max(0.001, (quarterTimes[q]! - quarterTimes[q - 1]!) / 1000));
    const peak = (pick: (s: Sample) => number) => Math.max(...samples.map(pick));
    const flat = (label: string, pick: (s: Sample) => number) => {
      const q2 = meanOver(samples, skus, 0.25, 0.5, pick);
      const q4 = meanOver(samples, skus, 0.75, 1.01, pick);
      return `${label} ${mib(q2)} → ${mib(q4)} (×${(q4 / q2).toFixed(2)}, ${verdict(q4 / q2)})`;
    };
    // Slopes over the samples past the first tenth of the SKUs (start-up, first queue fills): bytes each finished SKU adds.
    const steady = samples.filter((s) => s.ended >= skus / 10);
    const perSku = (label: string, pick: (s: Sample) => number) => {
      const b = slope(steady.map((s) => ({ x: s.ended, y: pick(s) })));
      return `${label} ${Number.isFinite(b) ? `${(b / 1024).toFixed(2)} KiB` : 'n/a'}`;
    };
    const totalCpu = [...cpuByRole.values()].reduce((a, b) => a + b, 0);
    notes.push(
      `  launch: ${skus} SKUs × ${variants} variants (taobao-800, segmenter ${segmenter}, photos ${photoPx} px, local backend, ${renderWorkers} render + ${scorerWorkers} scorer worker processes) in ${elapsedS.toFixed(1)} s`
        + ` → ${formatRate(skus / elapsedS)} SKUs/s; done ${final.skus.done}, needs review ${final.skus.needsReview}, failed ${final.skus.failed}, spend ${final.spend} milli-fen; ${samples.length} samples`,
      `  SKUs/s by quarter: ${quarterRates.map(formatRate).join(', ')}`,
      `  peak RSS: API ${mib(peak((s) => s.apiRss))}, workers ${mib(peak((s) => s.workersRss))} (${workerPids.length} processes); peak Redis used_memory ${mib(peak((s) => s.redisUsed))}`,
      `  memory, mean over the 2nd quarter of SKUs → the last quarter: ${flat('API', (s) => s.apiRss)}; ${flat('workers', (s) => s.workersRss)}; ${flat('Redis', (s) => s.redisUsed)}`,
      `  memory growth per finished SKU (least-squares slope over ${steady.length} samples past the first 10% of SKUs): ${perSku('Redis used_memory', (s) => s.redisUsed)}; ${perSku('API RSS', (s) => s.apiRss)}; ${perSku('workers RSS', (s) => s.workersRss)}`,
      `  CPU per SKU (${elapsedS > 0 ? (totalCpu / elapsedS).toFixed(2) : '?'} of ${availableParallelism()} cores busy): ${[...cpuByRole].sort((a, b) => b[1] - a[1]).map(([role, s]) => `${role} ${(s / skus).toFixed(2)} s (${((100 * s) / totalCpu).toFixed(0)}%)`).join(', ')}; wall ${(elapsedS / skus).toFixed(2)} s`,
    );

    notes.push(`  Redis after the launch: ${await redisBreakdown(redis)}`);

    // The report ZIP of every SKU, streamed: bytes counted and dropped as they come, the API's memory sampled meanwhile.
    const zipStarted = performance.now();
    const zipRss: { atMs: number; rss: number }[] = [{ atMs: 0, rss: await rssOf(studio.pid!) }];
    const sampler = setInterval(() => { void rssOf(studio.pid!).then((rss) => zipRss.push({ atMs: performance.now() - zipStarted, rss })); }, 250);
    let zipBytes = 0;
    try {
      const zip = await fetch(`${base}/api/launches/${launchId}/report.zip`, { headers });
      if (zip.status !== 200 || !zip.body) throw new Error(`report.zip answered ${zip.status}`);
      for await (const chunk of zip.body as unknown as AsyncIterable<Uint8Array>) zipBytes += chunk.length;
    } finally {
      clearInterval(sampler);
    }
    const zipS = (performance.now() - zipStarted) / 1000;
    const half = zipRss.filter((r) => r.atMs <= (zipS * 1000) / 2);
    const rest = zipRss.filter((r) => r.atMs > (zipS * 1000) / 2);
    const meanRss = (xs: { rss: number }[]) => (xs.length === 0 ? Number.NaN : xs.reduce((a, r) => a + r.rss, 0) / xs.length);
    const zipRatio = meanRss(rest) / meanRss(half);
    notes.push(
      `  report.zip: ${mib(zipBytes)} for ${skus} SKUs in ${zipS.toFixed(1)} s; API RSS before ${mib(zipRss[0]!.rss)}, peak ${mib(Math.max(...zipRss.map((r) => r.rss)))},`
        + ` mean 1st half → 2nd half ${mib(meanRss(half))} → ${mib(meanRss(rest))} (×${zipRatio.toFixed(2)}, ${verdict(zipRatio)}; ${zipRss.length} samples)`,
    );

    return {
      name: launchScale.name, itemNoun: 'SKUs', itemsPerRound: Math.round(skus / 4), baselineLabel: 'its own 2nd quarter',
      comparison: { subjectPerS: quarterRates, baselinePerS: quarterRates.map(() => quarterRates[1]!) },
      notes,
    };
  } finally {
    await closers.closeAll();
  }
}

const flagInt = (value: string | undefined): number | undefined => (value === undefined ? undefined : Number.parseInt(value, 10));

/** `launch-scale --skus 2000 --variants 4 --render-workers 1 --scorer-workers 1 --segmenter colour-key --photo-px 480`. */
export const launchScale: Benchmark = {
  name: 'launch-scale',
  run: (flags = {}) => runLaunchScale({
    skus: flagInt(flags.skus), variants: flagInt(flags.variants), renderWorkers: flagInt(flags['render-workers']), scorerWorkers: flagInt(flags['scorer-workers']), photoPx: flagInt(flags['photo-px']),
    segmenter: flags.segmenter === undefined ? undefined : flags.segmenter === 'colour-key' ? 'colour-key' : 'classic',
  }),
};
