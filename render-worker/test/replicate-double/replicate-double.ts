import { createHmac, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { once } from 'node:events';
import { makeMp4, makePng } from './media.ts';

// A test double of the Replicate HTTP API, following ../../../shared/protocols/replicate.md (section numbers below).
// Test-only: product code never imports it.

export type DoubleStatus = 'starting' | 'processing' | 'succeeded' | 'failed' | 'canceled' | 'aborted';
type FieldType = 'string' | 'integer' | 'number' | 'boolean';

export interface DoubleModel {
  /** `owner/name`. */
  ref: string;
  /** Official models run by `POST /v1/models/{owner}/{name}/predictions` (§2.2); others only by version (§2.1). */
  official: boolean;
  version: string;
  input: { required: string[]; properties: Record<string, { type: FieldType; enum?: unknown[]; minimum?: number; maximum?: number }> };
  output: 'image' | 'images' | 'video';
}

/** How the next created prediction behaves. */
export interface PredictionScript {
  outcome?: 'succeeded' | 'failed' | 'canceled' | 'aborted';
  /** Time in `starting`. @defaultValue 30 */
  startingMs?: number;
  /** Time in `processing`. @defaultValue 60 */
  processingMs?: number;
  error?: string;
  /** Files of an `images` model. @defaultValue 2 */
  outputCount?: number;
  /** Behave as if the server lost the `Cancel-After` deadline, so only the client's own limit ends it. */
  ignoreDeadline?: boolean;
}

export type DoubleRoute = 'create' | 'get' | 'list' | 'cancel' | 'files';
/** An HTTP error answer, a connection dropped before anything happens, or (create only) after the prediction was made. */
export type DoubleFault = { status: number; retryAfter?: string; detail?: string } | { drop: 'before' | 'after-create' };

export interface DoublePrediction {
  id: string; model: string; version: string; input: Record<string, unknown>; status: DoubleStatus;
  output: unknown; error: string | null; logs: string; created_at: string; started_at: string | null; completed_at: string | null;
  deadline?: string; webhook?: string; webhook_events_filter?: string[]; metrics: Record<string, number>;
  source: 'api'; data_removed: boolean; urls: Record<string, string>;
}

export interface RecordedRequest { method: string; path: string; atMs: number; headers: IncomingMessage['headers'] }

export interface DoubleOptions {
  token: string;
  models: DoubleModel[];
  /** `whsec_…`; webhooks are signed with it (§5.3). @defaultValue a random one */
  webhookSecret?: string;
  /** Results per list page (§2.7 says 100). @defaultValue 100 */
  pageSize?: number;
}

const allowedBody = { version: new Set(['version', 'input', 'webhook', 'webhook_events_filter', 'stream']), model: new Set(['input', 'webhook', 'webhook_events_filter', 'stream']) };

export class ReplicateDouble {
  readonly predictions = new Map<string, DoublePrediction>();
  readonly files = new Map<string, { name: string; type: string; bytes: Buffer; metadata: unknown }>();
  readonly requests: RecordedRequest[] = [];
  readonly webhookDeliveries: { id: string; status: number | 'error'; event: string }[] = [];
  readonly webhookSecret: string;
  readonly #server: Server;
  readonly #opts: DoubleOptions;
  readonly #scripts: PredictionScript[] = [];
  readonly #faults = new Map<DoubleRoute, DoubleFault[]>();
  readonly #outputs = new Map<string, () => Promise<Buffer>>();
  readonly #timers = new Set<NodeJS.Timeout>();
  #origin = '';
  #seq = 0;

  private constructor(opts: DoubleOptions) {
    this.#opts = opts;
    this.webhookSecret = opts.webhookSecret ?? `whsec_${randomBytes(24).toString('base64')}`;
    this.#server = createServer((req, res) => { void this.#handle(req, res).catch((e: unknown) => { if (!res.headersSent) this.#json(res, 500, { detail: String(e) }); }); });
  }

  static async start(opts: DoubleOptions): Promise<ReplicateDouble> {
    const d = new ReplicateDouble(opts);
    d.#server.listen(0, '127.0.0.1');
    await once(d.#server, 'listening');
    const addr = d.#server.address();
    if (!addr || typeof addr === 'string') throw new Error('no address');
    d.#origin = `http://127.0.0.1:${addr.port}`;
    return d;
  }

  /** `REPLICATE_API_BASE_URL` for the backend under test. */
  get baseUrl(): string { return `${this.#origin}/v1`; }
  get origin(): string { return this.#origin; }

  /** Queue the behaviour of the next created prediction(s). */
  script(...s: PredictionScript[]): void { this.#scripts.push(...s); }
  /** Inject `fault` into the next `times` calls of `route`. */
  fault(route: DoubleRoute, fault: DoubleFault, times = 1): void {
    const list = this.#faults.get(route) ?? [];
    for (let i = 0; i < times; i++) list.push(fault);
    this.#faults.set(route, list);
  }
  requestsTo(method: string, pathPattern: RegExp): RecordedRequest[] { return this.requests.filter((r) => r.method === method && pathPattern.test(r.path)); }

  async close(): Promise<void> {
    for (const t of this.#timers) clearTimeout(t);
    this.#server.closeAllConnections();
    this.#server.close();
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.#origin);
    this.requests.push({ method: req.method ?? 'GET', path: url.pathname, atMs: Date.now(), headers: req.headers });
    const body = await readBody(req);
    if (url.pathname.startsWith('/delivery/')) return this.#serveOutput(url.pathname, res); // unauthenticated (§3.2)
    const auth = req.headers.authorization ?? '';
    if (auth !== `Bearer ${this.#opts.token}` && auth !== `Token ${this.#opts.token}`) {
      return this.#json(res, 401, { title: 'Unauthenticated', detail: auth ? 'You did not pass a valid authentication token' : 'You did not pass an authentication token', status: 401 });
    }
    const m = req.method ?? 'GET';
    const p = url.pathname;
    let match: RegExpMatchArray | null;
    if (m === 'POST' && p === '/v1/predictions') return this.#create(req, res, body, 'version');
    if (m === 'POST' && (match = p.match(/^\/v1\/models\/([^/]+)\/([^/]+)\/predictions$/))) return this.#create(req, res, body, 'model', `${match[1]}/${match[2]}`);
    if (m === 'GET' && p === '/v1/predictions') { if (!this.#faulted('list', res)) await this.#list(url, res); return; }
    if (m === 'GET' && (match = p.match(/^\/v1\/predictions\/([^/]+)$/))) { if (!this.#faulted('get', res)) await this.#get(match[1]!, res); return; }
    if (m === 'POST' && (match = p.match(/^\/v1\/predictions\/([^/]+)\/cancel$/))) { if (!this.#faulted('cancel', res)) await this.#cancel(match[1]!, res); return; }
    if (m === 'POST' && p === '/v1/files') { if (!this.#faulted('files', res)) await this.#upload(req, body, res); return; }
    if ((match = p.match(/^\/v1\/files\/([^/]+)$/))) {
      const f = this.files.get(match[1]!);
      if (!f) return this.#json(res, 404, { title: 'Not Found', detail: 'File not found', status: 404 });
      if (m === 'DELETE') { this.files.delete(match[1]!); res.writeHead(204).end(); return; }
      return this.#json(res, 200, this.#fileView(match[1]!));
    }
    if (m === 'GET' && p === '/v1/webhooks/default/secret') return this.#json(res, 200, { key: this.webhookSecret });
    // §2.10: the token's account.
    if (m === 'GET' && p === '/v1/account') return this.#json(res, 200, { type: 'user', username: 'shotfarm-test', name: 'Shotfarm Test', github_url: null });
    return this.#json(res, 404, { title: 'Not Found', detail: `no route ${m} ${p}`, status: 404 });
  }

  /** Answers the next injected fault of `route`, if any; true when it did. `after-create` is left to the create. */
  #faulted(route: DoubleRoute, res: ServerResponse): boolean {
    const f = this.#faults.get(route)?.[0];
    if (!f || ('drop' in f && f.drop === 'after-create')) return false;
    this.#faults.get(route)!.shift();
    if ('drop' in f) { res.socket?.destroy(); return true; }
    const headers: Record<string, string> = f.retryAfter ? { 'retry-after': f.retryAfter } : {};
    this.#json(res, f.status, f.status === 429
      ? { detail: f.detail ?? 'Request was throttled. Your rate limit resets in ~30s.' }
      : { title: 'Error', detail: f.detail ?? `injected ${f.status}`, status: f.status }, headers);
    return true;
  }

  #create(req: IncomingMessage, res: ServerResponse, raw: Buffer, route: 'version' | 'model', modelRef?: string): void {
    if (this.#faulted('create', res)) return;
    let body: Record<string, unknown>;
    try { body = JSON.parse(raw.toString('utf8')) as Record<string, unknown>; } catch { return this.#json(res, 400, { title: 'Bad Request', detail: 'invalid JSON', status: 400 }); }
    const invalid: { type: string; field: string; description: string }[] = [];
    for (const k of Object.keys(body)) if (!allowedBody[route].has(k)) invalid.push({ type: 'additional_property_not_allowed', field: '', description: `Additional property ${k} is not allowed` });
    let model: DoubleModel | undefined;
    if (route === 'version') {
      model = this.#opts.models.find((x) => x.version === body.version);
      if (!model && invalid.length === 0) return this.#json(res, 422, { title: 'Invalid version or not permitted', detail: "The specified version does not exist (or perhaps you don't have permission to use it?)", status: 422 });
    } else {
      model = this.#opts.models.find((x) => x.ref === modelRef && x.official);
      if (!model) return this.#json(res, 404, { title: 'Not Found', detail: `Model not found: ${modelRef}`, status: 404 });
    }
    const input = (body.input ?? undefined) as Record<string, unknown> | undefined;
    if (!input || typeof input !== 'object') invalid.push({ type: 'required', field: '', description: 'input is required' });
    else if (model) invalid.push(...validateInput(model, input));
    if (invalid.length > 0) {
      return this.#json(res, 422, { detail: invalid.map((f) => `- ${f.field || '(root)'}: ${f.description}\n`).join(''), status: 422, title: 'Input validation failed', invalid_fields: invalid });
    }
    const p = this.#newPrediction(model!, input!, body, req.headers['cancel-after']);
    const fault = this.#faults.get('create')?.[0];
    if (fault && 'drop' in fault && fault.drop === 'after-create') {
      this.#faults.get('create')!.shift();
      res.socket?.destroy(); // the prediction exists; the client never hears of it
      return;
    }
    this.#json(res, 201, this.#view(p), { location: p.urls.get! });
  }

  #newPrediction(model: DoubleModel, input: Record<string, unknown>, body: Record<string, unknown>, cancelAfter: string | string[] | undefined): DoublePrediction {
    const id = `dbl${(++this.#seq).toString(36).padStart(4, '0')}${randomBytes(8).toString('hex')}`.slice(0, 26);
    const script = this.#scripts.shift() ?? {};
    const now = Date.now();
    const p: DoublePrediction = {
      id, model: model.ref, version: model.official ? 'hidden' : model.version, input, status: 'starting', output: null, error: null, logs: '',
      created_at: new Date(now).toISOString(), started_at: null, completed_at: null, metrics: {}, source: 'api', data_removed: false,
      urls: { get: `${this.baseUrl}/predictions/${id}`, cancel: `${this.baseUrl}/predictions/${id}/cancel`, web: `https://replicate.com/p/${id}` },
      ...(typeof body.webhook === 'string' ? { webhook: body.webhook, webhook_events_filter: (body.webhook_events_filter as string[] | undefined) ?? ['start', 'output', 'logs', 'completed'] } : {}),
    };
    if (!model.official) p.version = model.version;
    this.predictions.set(id, p);
    const deadlineMs = typeof cancelAfter === 'string' ? parseDuration(cancelAfter) : undefined;
    if (deadlineMs !== undefined && !script.ignoreDeadline) {
      p.deadline = new Date(now + deadlineMs).toISOString();
      this.#after(deadlineMs, () => {
        if (p.status === 'starting') this.#finish(p, 'aborted');
        else if (p.status === 'processing') this.#finish(p, 'canceled');
      });
    }
    const startingMs = script.startingMs ?? 30;
    const processingMs = script.processingMs ?? 60;
    this.#after(startingMs, () => {
      if (p.status !== 'starting') return;
      if (script.outcome === 'aborted') return this.#finish(p, 'aborted');
      p.status = 'processing';
      p.started_at = new Date().toISOString();
      p.logs = 'booting\n';
      this.#webhook(p, 'start');
      this.#after(processingMs, () => {
        if (p.status !== 'processing') return;
        const outcome = script.outcome ?? 'succeeded';
        if (outcome === 'failed') { p.error = script.error ?? 'CUDA out of memory'; return this.#finish(p, 'failed'); }
        if (outcome === 'canceled') return this.#finish(p, 'canceled');
        p.output = this.#makeOutput(model, p, script.outputCount ?? 2);
        this.#finish(p, 'succeeded');
      });
    });
    return p;
  }

  #makeOutput(model: DoubleModel, p: DoublePrediction, count: number): unknown {
    const file = (i: number, ext: string, make: () => Promise<Buffer>): string => {
      const path = `/delivery/${p.id}/out-${i}.${ext}`;
      this.#outputs.set(path, make);
      return `${this.#origin}${path}`;
    };
    const seed = Number(Object.values(p.input).find((v) => typeof v === 'number') ?? this.#seq);
    if (model.output === 'video') return file(0, 'mp4', makeMp4);
    if (model.output === 'image') return file(0, 'png', () => makePng(seed));
    return Array.from({ length: count }, (_, i) => file(i, 'png', () => makePng(seed * 10 + i + 1)));
  }

  #finish(p: DoublePrediction, status: 'succeeded' | 'failed' | 'canceled' | 'aborted'): void {
    p.status = status;
    p.completed_at = new Date().toISOString();
    const started = p.started_at ? Date.parse(p.started_at) : Date.now();
    p.metrics = status === 'aborted' ? {} : { predict_time: (Date.now() - started) / 1000, total_time: (Date.now() - Date.parse(p.created_at)) / 1000 };
    this.#webhook(p, 'completed');
  }

  /** Signed per §5.3; the terminal event is retried on failure with the same webhook-id (§5.2). */
  #webhook(p: DoublePrediction, event: 'start' | 'completed'): void {
    if (!p.webhook || !p.webhook_events_filter?.includes(event)) return;
    const id = `msg_${randomBytes(10).toString('hex')}`;
    const body = JSON.stringify(this.#view(p));
    const key = Buffer.from(this.webhookSecret.slice('whsec_'.length), 'base64');
    const send = async (attempt: number): Promise<void> => {
      const ts = String(Math.floor(Date.now() / 1000));
      const sig = createHmac('sha256', key).update(`${id}.${ts}.${body}`).digest('base64');
      try {
        const res = await fetch(p.webhook!, { method: 'POST', body, headers: { 'content-type': 'application/json', 'webhook-id': id, 'webhook-timestamp': ts, 'webhook-signature': `v1,${sig}` }, redirect: 'manual' });
        await res.arrayBuffer();
        this.webhookDeliveries.push({ id, status: res.status, event });
        if (!res.ok && event === 'completed' && attempt < 3) this.#after(100 * 2 ** attempt, () => void send(attempt + 1));
      } catch {
        this.webhookDeliveries.push({ id, status: 'error', event });
        if (event === 'completed' && attempt < 3) this.#after(100 * 2 ** attempt, () => void send(attempt + 1));
      }
    };
    void send(0);
  }

  #get(id: string, res: ServerResponse): void {
    const p = this.predictions.get(id);
    if (!p) return this.#json(res, 404, { title: 'Not Found', detail: 'Prediction not found', status: 404 });
    this.#json(res, 200, this.#view(p));
  }

  #cancel(id: string, res: ServerResponse): void {
    const p = this.predictions.get(id);
    if (!p) return this.#json(res, 404, { title: 'Not Found', detail: 'Prediction not found', status: 404 });
    if (p.status === 'starting' || p.status === 'processing') this.#finish(p, 'canceled');
    this.#json(res, 200, this.#view(p)); // a terminal prediction comes back unchanged (§2.6)
  }

  #list(url: URL, res: ServerResponse): void {
    const size = this.#opts.pageSize ?? 100;
    const offset = Number(url.searchParams.get('cursor') ?? '0');
    const after = url.searchParams.get('created_after');
    const before = url.searchParams.get('created_before');
    const all = [...this.predictions.values()].reverse()
      .filter((p) => (!after || p.created_at >= after) && (!before || p.created_at < before));
    const page = all.slice(offset, offset + size);
    const next = offset + size < all.length ? `${this.baseUrl}/predictions?cursor=${offset + size}` : null;
    this.#json(res, 200, { previous: offset > 0 ? `${this.baseUrl}/predictions?cursor=${Math.max(0, offset - size)}` : null, next, results: page.map((p) => this.#view(p)) });
  }

  async #upload(req: IncomingMessage, body: Buffer, res: ServerResponse): Promise<void> {
    const form = await new Request(`${this.#origin}/v1/files`, { method: 'POST', headers: req.headers as Record<string, string>, body }).formData();
    const content = form.get('content');
    if (!(content instanceof Blob)) return this.#json(res, 422, { title: 'Input validation failed', detail: '- content: is required\n', status: 422 });
    const metadata = form.get('metadata');
    const id = randomBytes(12).toString('hex');
    this.files.set(id, {
      name: (content as File).name ?? 'file', type: content.type, bytes: Buffer.from(await content.arrayBuffer()),
      metadata: metadata instanceof Blob ? JSON.parse(await metadata.text()) : {},
    });
    this.#json(res, 201, this.#fileView(id));
  }

  #fileView(id: string): unknown {
    const f = this.files.get(id)!;
    return { id, name: f.name, content_type: f.type, size: f.bytes.length, metadata: f.metadata, created_at: new Date().toISOString(), urls: { get: `${this.baseUrl}/files/${id}` } };
  }

  async #serveOutput(path: string, res: ServerResponse): Promise<void> {
    const make = this.#outputs.get(path);
    if (!make) return this.#json(res, 404, { detail: 'not found' });
    const bytes = await make();
    res.writeHead(200, { 'content-type': path.endsWith('.mp4') ? 'video/mp4' : 'image/png', 'content-length': bytes.length }).end(bytes);
  }

  #view(p: DoublePrediction): DoublePrediction { return structuredClone(p); }

  #json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    res.writeHead(status, { 'content-type': status >= 400 ? 'application/problem+json' : 'application/json', ...headers }).end(JSON.stringify(body));
  }

  #after(ms: number, fn: () => void): void {
    const t = setTimeout(() => { this.#timers.delete(t); fn(); }, ms);
    this.#timers.add(t);
  }
}

function validateInput(model: DoubleModel, input: Record<string, unknown>): { type: string; field: string; description: string }[] {
  const out: { type: string; field: string; description: string }[] = [];
  for (const r of model.input.required) if (input[r] === undefined) out.push({ type: 'required', field: 'input', description: `${r} is required` });
  for (const [k, v] of Object.entries(input)) {
    const spec = model.input.properties[k];
    if (!spec) continue;
    const field = `input.${k}`;
    const ok = spec.type === 'integer' ? Number.isInteger(v) : spec.type === 'number' ? typeof v === 'number' : typeof v === spec.type;
    if (!ok) { out.push({ type: 'invalid_type', field, description: `Invalid type. Expected: ${spec.type}, given: ${v === null ? 'null' : typeof v}` }); continue; }
    if (spec.enum && !spec.enum.includes(v)) out.push({ type: 'enum', field, description: `${k} must be one of the following: ${spec.enum.map((e) => JSON.stringify(e)).join(', ')}` });
    if (spec.maximum !== undefined && (v as number) > spec.maximum) out.push({ type: 'number_lte', field, description: `Must be less than or equal to ${spec.maximum}` });
    if (spec.minimum !== undefined && (v as number) < spec.minimum) out.push({ type: 'number_gte', field, description: `Must be greater than or equal to ${spec.minimum}` });
  }
  return out;
}

/** `Cancel-After` durations like `30s`, `5m`, `1h30m45s` (§2.4); `ms` too, so tests can stay short. */
export function parseDuration(text: string): number | undefined {
  const m = text.trim().match(/^(?:(\d+)h)?(?:(\d+)m(?!s))?(?:(\d+)s)?(?:(\d+)ms)?$/);
  if (!m || !text.trim()) return undefined;
  return ((Number(m[1] ?? 0) * 60 + Number(m[2] ?? 0)) * 60 + Number(m[3] ?? 0)) * 1000 + Number(m[4] ?? 0);
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}
