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
  S3_TIMEOUT_S: { schema: positiveInt, default: '30', doc: 'How long an S3 request may wait with no answer before it is retried (then the task is, by the queue).' },
  URL_SIGNING_SECRET: { schema: z.string().min(32, 'at least 32 characters'), default: undefined, doc: 'HMAC secret of local-folder file URLs; every API replica needs the same. Unset: generated once into $DATA_DIR/url-signing-secret.' },
  SIGNED_URL_TTL_S: { schema: positiveInt, default: '3600', doc: 'Lifetime of signed object URLs, seconds.' },
  UPLOAD_MAX_BYTES: { schema: positiveInt, default: String(25 * 1024 * 1024), doc: 'Largest accepted upload, bytes.' },
  UPLOAD_MAX_PIXELS: { schema: positiveInt, default: String(40_000_000), doc: 'Largest accepted image, pixels (decompression-bomb guard, read from the header).' },
  UPLOAD_DECODE_MAX_BYTES: { schema: positiveInt, default: String(256 * 1024 * 1024), doc: 'Most memory one image decode may take, bytes (width × height × bytes per pixel, from the header); larger images are refused before decoding.' },
  UPLOAD_DECODE_CONCURRENCY: { schema: z.coerce.number().int().min(1).max(64), default: '2', doc: 'Uploaded images the API decodes at once; further uploads wait in a queue (spooled to disk, not memory).' },
  WORKFLOW_IMPORT_MAX_BYTES: { schema: positiveInt, default: String(4 * 1024 * 1024), doc: 'Largest workflow import (JSON file or body, or the text a PNG/WebP embeds once inflated), bytes.' },
  WORKFLOW_IMPORT_MAX_NODES: { schema: positiveInt, default: '1000', doc: 'Most nodes an imported workflow may have.' },
  WORKFLOW_IMPORT_TIME_BUDGET_MS: { schema: positiveInt, default: '10000', doc: 'Longest a workflow import may take (it runs off the API\'s event loop); slower imports are refused.' },
  RECIPE_DRAFT_TTL_S: { schema: positiveInt, default: String(7 * 24 * 3600), doc: 'Imported recipe drafts older than this are deleted by the storage sweep, seconds.' },
  STORAGE_SWEEP_INTERVAL_MS: { schema: positiveInt, default: String(6 * 3600 * 1000), doc: 'How often the manager deletes stored objects no database row points to (and expired drafts).' },
  STORAGE_SWEEP_GRACE_S: { schema: positiveInt, default: '86400', doc: 'Objects younger than this are never swept (a render may have written them and not yet reported), seconds.' },
  ALLOWED_HOSTS: { schema: z.string().transform((v) => v.split(',').map((h) => h.trim().toLowerCase()).filter(Boolean)), default: undefined, doc: 'Host names (comma-separated) the API answers besides PUBLIC_URL\'s host and loopback names; requests for any other `Host` get 421 (DNS-rebinding guard).' },
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
  COMFYUI_WAIT_S: { schema: positiveInt, default: '60', doc: 'How long a task waits for a ComfyUI server that can run it to be free and healthy (every server out of rotation, or all busy) before it fails `SF_RENDER_COMFY_NO_SERVER` (retried by the queue).' },
  COMFYUI_BLOCKLIST_S: { schema: positiveInt, default: '1800', doc: 'How long a ComfyUI server that failed one recipe 3 times in a row (a success resets the count) gets no more tasks of it, seconds; then it gets them again.' },
  REPLICATE_API_TOKEN: { schema: z.string().min(1), default: undefined, doc: 'Replicate API token of the `replicate` backend.' },
  REPLICATE_API_BASE_URL: { schema: z.url(), default: 'https://api.replicate.com/v1', doc: 'Replicate HTTP API base URL.' },
  REPLICATE_WEBHOOK_SECRET: { schema: z.string().regex(/^whsec_[A-Za-z0-9+/=]+$/, 'expected whsec_…'), default: undefined, doc: 'Signing secret of Replicate webhooks (`POST /api/webhooks/replicate`). Unset: predictions are followed by polling only.' },
  REPLICATE_FEN_PER_HOUR: { schema: z.coerce.number().int().min(0), default: undefined, doc: 'Price of an hour of Replicate hardware, integer fen: overrides the price book\'s hardware prices for models it does not bill per output (estimates and the ledger). Unset: the price book\'s.' },
  DAILY_BUDGET_FEN: { schema: z.coerce.number().int().positive(), default: undefined, doc: 'Organisation-wide spend cap per UTC day, integer fen (¥1 = 100): jobs whose estimate exceeds what is left are refused (402), queued tasks are skipped once the day\'s measured spend reaches it. Overrides the price book\'s daily cap. Unset: the price book\'s (none as shipped).' },
  REPLICATE_DEADLINE_S: { schema: positiveInt, default: '900', doc: 'Longest a Replicate prediction may run before it is canceled (sent as `Cancel-After`).' },
  SHOTFARM_ADMIN_EMAIL: { schema: z.string().trim().toLowerCase().regex(/^[^\s@]+@[^\s@]+$/, 'expected an email address').max(254), default: undefined, doc: 'Email of the first admin, created on the first start with an empty database. Unset: admin@localhost.' },
  SHOTFARM_ADMIN_PASSWORD: { schema: z.string().min(10, 'at least 10 characters').max(256), default: undefined, doc: 'Password of that first admin. Unset: one is generated, printed once on the console and written to $DATA_DIR/initial-admin-password (mode 0600).' },
  SESSION_TTL_S: { schema: positiveInt, default: '604800', doc: 'Lifetime of a login session (the studio\'s cookie), seconds.' },
  SESSION_SECRET: { schema: z.string().min(32, 'at least 32 characters'), default: undefined, doc: 'HMAC key of CSRF tokens; every API replica needs the same. Unset: generated once into $DATA_DIR/session-secret.' },
  CORS_ORIGINS: { schema: z.string().transform((v) => v.split(',').map((o) => o.trim()).filter(Boolean)).pipe(z.array(z.url().transform((u) => new URL(u).origin))), default: undefined, doc: 'Origins (comma-separated, e.g. https://admin.example.com) whose pages may call the API from a browser. Unset: none (CORS closed; the studio is served from the same origin).' },
  RATE_LIMIT_LOGIN: { schema: positiveInt, default: '20', doc: 'Login attempts (`POST /api/session`) per minute from one address.' },
  RATE_LIMIT_UPLOADS: { schema: positiveInt, default: '120', doc: 'Uploads (`POST /api/assets`, recipe imports) per minute per key, user or address.' },
  RATE_LIMIT_JOBS: { schema: positiveInt, default: '600', doc: 'Job submissions, cancels and retries per minute per key, user or address.' },
  RATE_LIMIT_STOREFRONT: { schema: positiveInt, default: '6000', doc: 'Storefront requests (routes that storefront keys call) per minute per key or address.' },
  EXPERIMENT_UPDATE_S: { schema: positiveInt, default: '60', doc: 'How often running experiments flush their counters from Redis to the database and recompute their traffic weights, P(best) and decision, seconds.' },
  EXPERIMENT_STICKY_TTL_S: { schema: positiveInt, default: '2592000', doc: 'How long a storefront visitor keeps the image first served to them in an experiment (sticky assignment in Redis), seconds.' },
  MODEL_RETRAIN_CRON: { schema: z.string().trim().regex(/^(\S+\s+){4,5}\S+$/, 'expected a cron pattern of 5 or 6 fields'), default: undefined, doc: 'When set (a cron pattern, e.g. `0 3 * * *`), the CTR model is retrained on the farm\'s clicks on that schedule and promoted only when measurably better (issue 17). Unset: off; `POST /api/models/train` retrains on demand.' },
  QUALITY_HEAD_MIN_LABELS: { schema: z.coerce.number().int().min(20).max(1_000_000), default: '200', doc: 'Designers\' approvals and rejections (of scored outputs) needed before a learned quality head is trained on them (issue 17); with fewer, `POST /api/models/train` for `quality` is refused and the transparent composite stays.' },
  EXPERIMENT_LATE_WINDOW_S: { schema: positiveInt, default: '86400', doc: 'Storefront events older than this are rejected (SF_EVENT_TOO_LATE); newer late or out-of-order events count, seconds.' },
  LAUNCH_URL_HOSTS: { schema: z.string().transform((v) => v.split(',').map((h) => h.trim().toLowerCase()).filter(Boolean)), default: undefined, doc: 'Hosts (comma-separated; `*.example.com` for its subdomains) that launch manifests may fetch photos from over https. Unset: none (photos come as asset ids or in a ZIP). Private, loopback, link-local and metadata addresses are refused whatever the host, after DNS and on every redirect.' },
  LAUNCH_URL_MAX_BYTES: { schema: positiveInt, default: String(20 * 1024 * 1024), doc: 'Largest photo a launch fetches from a URL, bytes.' },
  LAUNCH_URL_TIMEOUT_MS: { schema: positiveInt, default: '15000', doc: 'Longest a launch photo download may take (all redirects included), milliseconds.' },
  LAUNCH_MAX_IN_FLIGHT: { schema: z.coerce.number().int().min(1).max(10_000), default: '32', doc: 'SKUs of one launch in the farm at once (back-pressure: the rest wait in the database, not in Redis).' },
  LAUNCH_POLL_MS: { schema: positiveInt, default: '1000', doc: 'How often the manager advances running launches (submits waiting SKUs, picks finished ones).' },
  LAUNCH_LEASE_MS: { schema: z.coerce.number().int().min(1000), default: '30000', doc: 'Lease an API replica holds in Redis on a launch it advances (renewed every third of it): only the holder fans the launch out; a replica that dies frees its launches when the lease expires, milliseconds.' },
  REQUEST_DEADLINE_MS: { schema: positiveInt, default: '10000', doc: 'Longest an API request may wait on Redis, the database or storage before it is answered 503 SF_DEPENDENCY_UNAVAILABLE naming the one that is down (uploads and event streams excepted), milliseconds.' },
  DEPENDENCY_TIMEOUT_MS: { schema: positiveInt, default: '2000', doc: 'How long one health probe of Redis, the database or storage may take before that dependency counts as down (`/readyz`, fail-fast 503s), milliseconds.' },
  READY_MAX_RENDER_QUEUE: { schema: z.coerce.number().int().min(0), default: undefined, doc: '`/readyz` answers 503 while more render tasks than this wait in the queue, so a load balancer sends new work elsewhere. Unset: no bound.' },
  STORAGE_MIN_FREE_MB: { schema: z.coerce.number().int().min(0), default: '512', doc: 'Free space the local storage folder keeps in reserve, MB: below it uploads are refused (507 SF_STORAGE_FULL) before anything is written, a render task that would write an output fails with SF_STORAGE_FULL (retried), and `/readyz` says not ready. Ignored with S3.' },
  METRICS_TOKEN: { schema: z.string().min(16, 'at least 16 characters'), default: undefined, doc: 'Bearer token a Prometheus scraper sends to `GET /metrics` (admins may read it with their own credentials). Unset: admins only.' },
  WEBHOOK_ALLOW_HOSTS: { schema: z.string().transform((v) => v.split(',').map((h) => h.trim().toLowerCase()).filter(Boolean)), default: undefined, doc: 'Internal host names (comma-separated) outbound webhooks may target although they resolve to private or loopback addresses. Unset: none (only public addresses).' },
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
  /** Bounds on what one upload may cost the API: decode memory per image and images decoded at once. */
  uploadDecode: { maxBytes: number; concurrency: number };
  workflowImport: { maxBytes: number; maxNodes: number; timeBudgetMs: number };
  /** Scheduled storage sweep: unreferenced objects older than `graceS` and drafts older than `draftTtlS` are deleted. */
  storageSweep: { intervalMs: number; graceS: number; draftTtlS: number };
  /** Host names the API answers (PUBLIC_URL's and ALLOWED_HOSTS, lower case, without port); loopback names are always allowed. */
  allowedHosts: string[];
  renderWorkers: number;
  renderConcurrency: number;
  renderBackends: string[];
  scorerWorkers: number;
  scorerConcurrency: number;
  taskAttempts: number;
  taskBackoffMs: number;
  stalledIntervalMs: number;
  reconcileIntervalMs: number;
  comfyui: { servers: ComfyServerSpec[]; slotsPerServer: number; watchdogS: number; healthIntervalMs: number; blocklistS: number; waitForServerMs: number };
  /** `token` undefined: the replicate backend is not configured. */
  replicate: { token: string | undefined; baseUrl: string; webhookSecret: string | undefined; deadlineS: number; fenPerHour: number | undefined };
  /** Spend limits: the daily cap override in fen (undefined: the price book's). */
  costs: { dailyBudgetFen: number | undefined };
  /** Accounts and the edge: the first admin, sessions, CORS and rate limits. */
  auth: {
    /** The first admin, created on a fresh database; `password` undefined: generated and printed once. */
    firstAdmin: { email: string; password: string | undefined };
    sessionTtlS: number;
    /** HMAC key of CSRF tokens. */
    sessionSecret: string;
    /** Browser origins allowed to call the API cross-origin; empty: none. */
    corsOrigins: string[];
    /** Requests per minute for each limited route class. */
    rateLimits: { login: number; uploads: number; jobs: number; storefront: number };
  };
  /** The A/B rollout: allocation cadence, sticky-assignment lifetime and the late-event window, seconds. */
  /** The learning loop (issue 17): retraining schedule, off when undefined; labels a learned quality head needs. */
  learning: { retrainCron: string | undefined; qualityHeadMinLabels: number };
  experiments: { updateS: number; stickyTtlS: number; lateWindowS: number };
  /** Batch launches: the photo-URL allow-list and limits, SKUs in flight per launch, the runner's cadence. */
  launches: { urlHosts: string[]; urlMaxBytes: number; urlTimeoutMs: number; maxInFlight: number; pollMs: number; leaseMs: number };
  /** Operations (issue 19): request deadline, dependency probes, readiness bounds, metrics access, webhook allow-list. */
  operations: {
    requestDeadlineMs: number; dependencyTimeoutMs: number; readyMaxRenderQueue: number | undefined; storageMinFreeMb: number;
    metricsToken: string | undefined; webhookAllowHosts: string[];
  };
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
    else problems.push({ variable: name, message: `${/PASSWORD|SECRET|TOKEN|KEY/.test(name) ? '(value hidden)' : JSON.stringify(raw)} is not valid: ${result.error.issues.map((i) => i.message).join('; ')}` });
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
        accessKeyId: v.S3_ACCESS_KEY_ID, secretAccessKey: v.S3_SECRET_ACCESS_KEY, ttlS: v.SIGNED_URL_TTL_S, requestTimeoutMs: v.S3_TIMEOUT_S * 1000,
      }
    : {
        driver: 'folder', root: path.join(dataDir, 'objects'), publicBaseUrl: publicUrl,
        secret: v.URL_SIGNING_SECRET ?? persistentSecret(dataDir, 'url-signing-secret'), ttlS: v.SIGNED_URL_TTL_S,
        minFreeMb: v.STORAGE_MIN_FREE_MB,
      };
  return {
    port: v.PORT, host: v.HOST, publicUrl, dataDir,
    databaseUrl: v.DATABASE_URL, pgliteDir: path.join(dataDir, 'pglite'),
    redisUrl: v.REDIS_URL, redisDataDir: path.join(dataDir, 'redis'), queuePrefix: v.QUEUE_PREFIX,
    storage,
    uploadMaxBytes: v.UPLOAD_MAX_BYTES, uploadMaxPixels: v.UPLOAD_MAX_PIXELS,
    uploadDecode: { maxBytes: v.UPLOAD_DECODE_MAX_BYTES, concurrency: v.UPLOAD_DECODE_CONCURRENCY },
    workflowImport: { maxBytes: v.WORKFLOW_IMPORT_MAX_BYTES, maxNodes: v.WORKFLOW_IMPORT_MAX_NODES, timeBudgetMs: v.WORKFLOW_IMPORT_TIME_BUDGET_MS },
    storageSweep: { intervalMs: v.STORAGE_SWEEP_INTERVAL_MS, graceS: v.STORAGE_SWEEP_GRACE_S, draftTtlS: v.RECIPE_DRAFT_TTL_S },
    allowedHosts: [...new Set([new URL(publicUrl).hostname.toLowerCase(), ...(v.ALLOWED_HOSTS ?? [])])],
    renderWorkers: v.RENDER_WORKERS, renderConcurrency: v.RENDER_CONCURRENCY,
    renderBackends: v.RENDER_BACKENDS.split(','),
    scorerWorkers: v.SCORER_WORKERS, scorerConcurrency: v.SCORER_CONCURRENCY,
    taskAttempts: v.TASK_ATTEMPTS, taskBackoffMs: v.TASK_BACKOFF_MS, stalledIntervalMs: v.STALLED_INTERVAL_MS,
    reconcileIntervalMs: v.RECONCILE_INTERVAL_MS,
    comfyui: {
      servers: v.COMFYUI_URLS ?? [], slotsPerServer: v.COMFYUI_SLOTS_PER_SERVER, watchdogS: v.COMFYUI_WATCHDOG_S,
      healthIntervalMs: v.COMFYUI_HEALTH_INTERVAL_MS, blocklistS: v.COMFYUI_BLOCKLIST_S, waitForServerMs: v.COMFYUI_WAIT_S * 1000,
    },
    replicate: {
      token: v.REPLICATE_API_TOKEN, baseUrl: v.REPLICATE_API_BASE_URL.replace(/\/+$/, ''), webhookSecret: v.REPLICATE_WEBHOOK_SECRET,
      deadlineS: v.REPLICATE_DEADLINE_S, fenPerHour: v.REPLICATE_FEN_PER_HOUR,
    },
    costs: { dailyBudgetFen: v.DAILY_BUDGET_FEN },
    auth: {
      firstAdmin: { email: v.SHOTFARM_ADMIN_EMAIL ?? 'admin@localhost', password: v.SHOTFARM_ADMIN_PASSWORD },
      sessionTtlS: v.SESSION_TTL_S,
      sessionSecret: v.SESSION_SECRET ?? persistentSecret(dataDir, 'session-secret'),
      corsOrigins: v.CORS_ORIGINS ?? [],
      rateLimits: { login: v.RATE_LIMIT_LOGIN, uploads: v.RATE_LIMIT_UPLOADS, jobs: v.RATE_LIMIT_JOBS, storefront: v.RATE_LIMIT_STOREFRONT },
    },
    learning: { retrainCron: v.MODEL_RETRAIN_CRON, qualityHeadMinLabels: v.QUALITY_HEAD_MIN_LABELS },
    experiments: { updateS: v.EXPERIMENT_UPDATE_S, stickyTtlS: v.EXPERIMENT_STICKY_TTL_S, lateWindowS: v.EXPERIMENT_LATE_WINDOW_S },
    launches: { urlHosts: v.LAUNCH_URL_HOSTS ?? [], urlMaxBytes: v.LAUNCH_URL_MAX_BYTES, urlTimeoutMs: v.LAUNCH_URL_TIMEOUT_MS, maxInFlight: v.LAUNCH_MAX_IN_FLIGHT, pollMs: v.LAUNCH_POLL_MS, leaseMs: v.LAUNCH_LEASE_MS },
    operations: {
      requestDeadlineMs: v.REQUEST_DEADLINE_MS, dependencyTimeoutMs: v.DEPENDENCY_TIMEOUT_MS, readyMaxRenderQueue: v.READY_MAX_RENDER_QUEUE,
      storageMinFreeMb: v.STORAGE_MIN_FREE_MB, metricsToken: v.METRICS_TOKEN, webhookAllowHosts: v.WEBHOOK_ALLOW_HOSTS ?? [],
    },
    logLevel: v.LOG_LEVEL,
  };
}

/**
 * A generated secret that survives restarts (the local-folder URL signing secret, the CSRF HMAC key), so URLs and
 * tokens handed out before a restart keep working.
 */
function persistentSecret(dataDir: string, name: string): string {
  const file = path.join(dataDir, name);
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
    COMFYUI_WAIT_S: String(comfyui.waitForServerMs / 1000),
    REPLICATE_API_BASE_URL: replicate.baseUrl, REPLICATE_DEADLINE_S: String(replicate.deadlineS),
  });
  if (replicate.token) env.REPLICATE_API_TOKEN = replicate.token;
  if (replicate.fenPerHour !== undefined) env.REPLICATE_FEN_PER_HOUR = String(replicate.fenPerHour);
  const s = config.storage;
  if (s.driver === 's3') {
    Object.assign(env, { S3_BUCKET: s.bucket, S3_REGION: s.region, S3_FORCE_PATH_STYLE: String(s.forcePathStyle) });
    if (s.requestTimeoutMs !== undefined) env.S3_TIMEOUT_S = String(s.requestTimeoutMs / 1000);
    if (s.endpoint) env.S3_ENDPOINT = s.endpoint;
    if (s.publicEndpoint) env.S3_PUBLIC_ENDPOINT = s.publicEndpoint;
    if (s.accessKeyId && s.secretAccessKey) Object.assign(env, { S3_ACCESS_KEY_ID: s.accessKeyId, S3_SECRET_ACCESS_KEY: s.secretAccessKey });
  } else {
    env.URL_SIGNING_SECRET = s.secret;
  }
  return env;
}
