import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { defaultQueuePrefix } from '../queue/names.ts';
import type { StorageConfig } from '../storage/index.ts';
import { ComfyServerList, formatComfyServerList, type ComfyServerSpec } from './comfyui-servers.ts';

const bool = z.enum(['true', 'false', '1', '0', 'yes', 'no']).transform((v) => v === 'true' || v === '1' || v === 'yes');
const port = z.coerce.number().int().min(0).max(65_535);
const positiveInt = z.coerce.number().int().positive();

/**
 * Every environment variable Shotfarm reads, its default and its meaning. The README's table is this
 * list; `describeConfig()` prints it. Unset and empty are the same.
 */
export const configVariables = {
  PORT: { schema: port, default: '3000', doc: 'HTTP port of the API and studio.' },
  HOST: { schema: z.string().min(1), default: '127.0.0.1', doc: 'Address the API listens on (0.0.0.0 in containers).' },
  PUBLIC_URL: { schema: z.url(), default: undefined, doc: 'Base URL that signed file URLs point to. Default: http://localhost:$PORT.' },
  DATA_DIR: { schema: z.string().min(1), default: '.shotfarm', doc: 'Folder for the embedded defaults: PGlite data, Redis AOF, local objects, the signing secret.' },
  DATABASE_URL: { schema: z.string().regex(/^postgres(ql)?:\/\//, 'expected postgres://…'), default: undefined, doc: 'PostgreSQL URL. Unset: embedded PGlite in $DATA_DIR/pglite.' },
  REDIS_URL: { schema: z.string().regex(/^rediss?:\/\//, 'expected redis:// or rediss://'), default: undefined, doc: 'Redis for BullMQ. Unset: `npm start` runs redis-server on a free loopback port (AOF in $DATA_DIR/redis).' },
  QUEUE_PREFIX: { schema: z.string().regex(/^[a-z0-9-]+$/), default: defaultQueuePrefix, doc: 'Prefix of every BullMQ key.' },
  S3_BUCKET: { schema: z.string().min(3), default: undefined, doc: 'S3 bucket. Set: objects go to S3 (AWS, MinIO, Aliyun OSS, Tencent COS). Unset: a local folder, $DATA_DIR/objects.' },
  S3_ENDPOINT: { schema: z.url(), default: undefined, doc: 'S3 endpoint for non-AWS services, e.g. http://minio:9000 or https://oss-cn-hangzhou.aliyuncs.com.' },
  S3_PUBLIC_ENDPOINT: { schema: z.url(), default: undefined, doc: 'S3 endpoint that browsers reach, when it differs from S3_ENDPOINT (signed URLs use it). Default: S3_ENDPOINT.' },
  S3_REGION: { schema: z.string().min(1), default: 'us-east-1', doc: 'S3 region.' },
  S3_FORCE_PATH_STYLE: { schema: bool, default: 'false', doc: 'Path-style addressing (MinIO needs true).' },
  S3_ACCESS_KEY_ID: { schema: z.string().min(1), default: undefined, doc: 'S3 access key. Unset: the AWS SDK default credential chain.' },
  S3_SECRET_ACCESS_KEY: { schema: z.string().min(1), default: undefined, doc: 'S3 secret key.' },
  URL_SIGNING_SECRET: { schema: z.string().min(32, 'at least 32 characters'), default: undefined, doc: 'HMAC secret of local-folder file URLs; every API replica needs the same. Unset: generated once into $DATA_DIR/url-signing-secret.' },
  SIGNED_URL_TTL_S: { schema: positiveInt, default: '3600', doc: 'Lifetime of signed object URLs, seconds.' },
  UPLOAD_MAX_BYTES: { schema: positiveInt, default: String(25 * 1024 * 1024), doc: 'Largest accepted upload, bytes.' },
  UPLOAD_MAX_PIXELS: { schema: positiveInt, default: String(40_000_000), doc: 'Largest accepted image, pixels (decompression-bomb guard, read from the header).' },
  RENDER_WORKERS: { schema: z.coerce.number().int().min(0).max(64), default: '1', doc: 'Render worker processes that `npm start` spawns (0: workers run elsewhere).' },
  RENDER_CONCURRENCY: { schema: z.coerce.number().int().min(1).max(64), default: '2', doc: 'Tasks one render worker process runs at once.' },
  RENDER_BACKENDS: { schema: z.string().regex(/^[a-z]+(,[a-z]+)*$/), default: 'local', doc: 'Backends a render worker offers, comma-separated.' },
  SCORER_WORKERS: { schema: z.coerce.number().int().min(0).max(64), default: '1', doc: 'Scorer worker processes that `npm start` spawns (0: they run elsewhere).' },
  SCORER_CONCURRENCY: { schema: z.coerce.number().int().min(1).max(64), default: '1', doc: 'Images one scorer worker process scores at once.' },
  TASK_ATTEMPTS: { schema: z.coerce.number().int().min(1).max(20), default: '3', doc: 'Tries per render task before it fails.' },
  TASK_BACKOFF_MS: { schema: positiveInt, default: '2000', doc: 'First retry delay; doubles each retry (exponential back-off).' },
  STALLED_INTERVAL_MS: { schema: positiveInt, default: '15000', doc: 'How often BullMQ looks for tasks whose worker died (lock lost).' },
  RECONCILE_INTERVAL_MS: { schema: positiveInt, default: '30000', doc: 'How often the manager re-enqueues tasks the database holds as queued but Redis does not.' },
  COMFYUI_URLS: { schema: ComfyServerList, default: undefined, doc: 'ComfyUI servers of the `comfyui` backend, comma-separated, each `URL[;name=…][;gpu=…][;fenPerHour=…]` (hourly GPU price in fen, for the cost ledger).' },
  COMFYUI_SLOTS_PER_SERVER: { schema: z.coerce.number().int().min(1).max(16), default: '1', doc: 'Prompts in flight on one ComfyUI server (one per GPU).' },
  COMFYUI_WATCHDOG_S: { schema: positiveInt, default: '300', doc: 'A ComfyUI prompt with no progress for this long is failed over to another server.' },
  COMFYUI_HEALTH_INTERVAL_MS: { schema: positiveInt, default: '10000', doc: 'How often each ComfyUI server is checked (`/system_stats`); a server that stops answering leaves rotation until it passes.' },
  COMFYUI_BLOCKLIST_S: { schema: positiveInt, default: '1800', doc: 'How long a ComfyUI server that failed one recipe 3 times in a row (a success resets the count) gets no more tasks of it, seconds; then it gets them again.' },
  REPLICATE_API_TOKEN: { schema: z.string().min(1), default: undefined, doc: 'Replicate API token of the `replicate` backend.' },
  REPLICATE_API_BASE_URL: { schema: z.url(), default: 'https://api.replicate.com/v1', doc: 'Replicate HTTP API base URL.' },
  REPLICATE_WEBHOOK_SECRET: { schema: z.string().regex(/^whsec_[A-Za-z0-9+/=]+$/, 'expected whsec_…'), default: undefined, doc: 'Signing secret of Replicate webhooks (`POST /api/webhooks/replicate`). Unset: predictions are followed by polling only.' },
  REPLICATE_FEN_PER_HOUR: { schema: z.coerce.number().int().min(0), default: undefined, doc: 'Price of an hour of Replicate hardware the recipes run on, integer fen, for the ¥ estimates the studio shows. Unset: Replicate recipes show no ¥ estimate.' },
  REPLICATE_DEADLINE_S: { schema: positiveInt, default: '900', doc: 'Longest a Replicate prediction may run before it is canceled (sent as `Cancel-After`).' },
  LOG_LEVEL: { schema: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']), default: 'info', doc: 'Log level.' },
} as const satisfies Record<string, { schema: z.ZodType; default: string | undefined; doc: string }>;

type Vars = typeof configVariables;
type VarName = keyof Vars;
type Parsed = { [K in VarName]: Vars[K]['default'] extends string ? z.output<Vars[K]['schema']> : z.output<Vars[K]['schema']> | undefined };

/** Everything a Shotfarm process needs to know, validated once at start-up. */
export interface Config {
  port: number;
  host: string;
  publicUrl: string;
  dataDir: string;
  /** `undefined`: embedded PGlite under `pgliteDir`. */
  databaseUrl: string | undefined;
  pgliteDir: string;
  /** `undefined`: the start command launches an embedded redis-server. */
  redisUrl: string | undefined;
  redisDataDir: string;
  queuePrefix: string;
  storage: StorageConfig;
  uploadMaxBytes: number;
  uploadMaxPixels: number;
  renderWorkers: number;
  renderConcurrency: number;
  renderBackends: string[];
  scorerWorkers: number;
  scorerConcurrency: number;
  taskAttempts: number;
  taskBackoffMs: number;
  stalledIntervalMs: number;
  reconcileIntervalMs: number;
  comfyui: { servers: ComfyServerSpec[]; slotsPerServer: number; watchdogS: number; healthIntervalMs: number; blocklistS: number };
  /** `token` undefined: the replicate backend is not configured. */
  replicate: { token: string | undefined; baseUrl: string; webhookSecret: string | undefined; deadlineS: number; fenPerHour: number | undefined };
  logLevel: Parsed['LOG_LEVEL'];
}

/** Thrown at start-up; the message names every bad variable and what was wrong with it. */
export class ConfigError extends Error {
  readonly code = 'SF_CONFIG_INVALID';
  constructor(readonly problems: { variable: string; message: string }[]) {
    super(`invalid configuration:\n${problems.map((p) => `  ${p.variable}: ${p.message}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Read the configuration from environment variables (all of them checked, every problem reported at once).
 * `cwd` anchors relative paths such as the default `DATA_DIR`.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): Config {
  const problems: { variable: string; message: string }[] = [];
  const parsed: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(configVariables) as [VarName, Vars[VarName]][]) {
    const raw = env[name] === '' ? undefined : (env[name] ?? spec.default);
    if (raw === undefined) continue;
    const result = (spec.schema as z.ZodType).safeParse(raw);
    if (result.success) parsed[name] = result.data;
    else problems.push({ variable: name, message: `${JSON.stringify(raw)} is not valid: ${result.error.issues.map((i) => i.message).join('; ')}` });
  }
  const v = parsed as Parsed;
  if (v.S3_BUCKET === undefined && (v.S3_ENDPOINT !== undefined || v.S3_ACCESS_KEY_ID !== undefined)) {
    problems.push({ variable: 'S3_BUCKET', message: 'S3_ENDPOINT or S3_ACCESS_KEY_ID is set but S3_BUCKET is not' });
  }
  if ((v.S3_ACCESS_KEY_ID === undefined) !== (v.S3_SECRET_ACCESS_KEY === undefined)) {
    problems.push({ variable: v.S3_ACCESS_KEY_ID === undefined ? 'S3_ACCESS_KEY_ID' : 'S3_SECRET_ACCESS_KEY', message: 'set both S3 keys or neither' });
  }
  if (problems.length > 0) throw new ConfigError(problems);

  const dataDir = path.resolve(cwd, v.DATA_DIR);
  const publicUrl = (v.PUBLIC_URL ?? `http://localhost:${v.PORT}`).replace(/\/+$/, '');
  const storage: StorageConfig = v.S3_BUCKET !== undefined
    ? {
        driver: 's3', bucket: v.S3_BUCKET, region: v.S3_REGION, endpoint: v.S3_ENDPOINT, publicEndpoint: v.S3_PUBLIC_ENDPOINT, forcePathStyle: v.S3_FORCE_PATH_STYLE,
        accessKeyId: v.S3_ACCESS_KEY_ID, secretAccessKey: v.S3_SECRET_ACCESS_KEY, ttlS: v.SIGNED_URL_TTL_S,
      }
    : {
        driver: 'folder', root: path.join(dataDir, 'objects'), publicBaseUrl: publicUrl,
        secret: v.URL_SIGNING_SECRET ?? persistentSecret(dataDir), ttlS: v.SIGNED_URL_TTL_S,
      };
  return {
    port: v.PORT, host: v.HOST, publicUrl, dataDir,
    databaseUrl: v.DATABASE_URL, pgliteDir: path.join(dataDir, 'pglite'),
    redisUrl: v.REDIS_URL, redisDataDir: path.join(dataDir, 'redis'), queuePrefix: v.QUEUE_PREFIX,
    storage,
    uploadMaxBytes: v.UPLOAD_MAX_BYTES, uploadMaxPixels: v.UPLOAD_MAX_PIXELS,
    renderWorkers: v.RENDER_WORKERS, renderConcurrency: v.RENDER_CONCURRENCY,
    renderBackends: v.RENDER_BACKENDS.split(','),
    scorerWorkers: v.SCORER_WORKERS, scorerConcurrency: v.SCORER_CONCURRENCY,
    taskAttempts: v.TASK_ATTEMPTS, taskBackoffMs: v.TASK_BACKOFF_MS, stalledIntervalMs: v.STALLED_INTERVAL_MS,
    reconcileIntervalMs: v.RECONCILE_INTERVAL_MS,
    comfyui: {
      servers: v.COMFYUI_URLS ?? [], slotsPerServer: v.COMFYUI_SLOTS_PER_SERVER, watchdogS: v.COMFYUI_WATCHDOG_S,
      healthIntervalMs: v.COMFYUI_HEALTH_INTERVAL_MS, blocklistS: v.COMFYUI_BLOCKLIST_S,
    },
    replicate: {
      token: v.REPLICATE_API_TOKEN, baseUrl: v.REPLICATE_API_BASE_URL.replace(/\/+$/, ''), webhookSecret: v.REPLICATE_WEBHOOK_SECRET,
      deadlineS: v.REPLICATE_DEADLINE_S, fenPerHour: v.REPLICATE_FEN_PER_HOUR,
    },
    logLevel: v.LOG_LEVEL,
  };
}

/** The local-folder signing secret survives restarts, so URLs handed out before a restart keep working. */
function persistentSecret(dataDir: string): string {
  const file = path.join(dataDir, 'url-signing-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32).toString('hex');
  writeFileSync(file, secret, { mode: 0o600, flag: 'wx' });
  return secret;
}

/** The environment a child process (a render worker) needs to join the same farm. */
export function configToEnv(config: Config, redisUrl: string): Record<string, string> {
  const env: Record<string, string> = {
    REDIS_URL: redisUrl, QUEUE_PREFIX: config.queuePrefix, DATA_DIR: config.dataDir, PUBLIC_URL: config.publicUrl,
    RENDER_CONCURRENCY: String(config.renderConcurrency), RENDER_BACKENDS: config.renderBackends.join(','),
    SCORER_CONCURRENCY: String(config.scorerConcurrency),
    STALLED_INTERVAL_MS: String(config.stalledIntervalMs), LOG_LEVEL: config.logLevel, SIGNED_URL_TTL_S: String(config.storage.ttlS),
  };
  const { comfyui, replicate } = config;
  if (comfyui.servers.length > 0) env.COMFYUI_URLS = formatComfyServerList(comfyui.servers);
  Object.assign(env, {
    COMFYUI_SLOTS_PER_SERVER: String(comfyui.slotsPerServer), COMFYUI_WATCHDOG_S: String(comfyui.watchdogS),
    COMFYUI_HEALTH_INTERVAL_MS: String(comfyui.healthIntervalMs), COMFYUI_BLOCKLIST_S: String(comfyui.blocklistS),
    REPLICATE_API_BASE_URL: replicate.baseUrl, REPLICATE_DEADLINE_S: String(replicate.deadlineS),
  });
  if (replicate.token) env.REPLICATE_API_TOKEN = replicate.token;
  if (replicate.fenPerHour !== undefined) env.REPLICATE_FEN_PER_HOUR = String(replicate.fenPerHour);
  const s = config.storage;
  if (s.driver === 's3') {
    Object.assign(env, { S3_BUCKET: s.bucket, S3_REGION: s.region, S3_FORCE_PATH_STYLE: String(s.forcePathStyle) });
    if (s.endpoint) env.S3_ENDPOINT = s.endpoint;
    if (s.publicEndpoint) env.S3_PUBLIC_ENDPOINT = s.publicEndpoint;
    if (s.accessKeyId && s.secretAccessKey) Object.assign(env, { S3_ACCESS_KEY_ID: s.accessKeyId, S3_SECRET_ACCESS_KEY: s.secretAccessKey });
  } else {
    env.URL_SIGNING_SECRET = s.secret;
  }
  return env;
}
