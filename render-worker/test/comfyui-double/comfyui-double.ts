import { execFile } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { WebSocketServer, type WebSocket } from 'ws';
import { encodeBinaryFrame } from '../../src/backends/comfyui/binary-frame.ts';
import { testObjectInfo } from '../../../workflows/test/import-fixtures.ts';

// A fake ComfyUI server (v0.3.64 behaviour) per ../shared/protocols/comfyui.md, for tests only.
// Scriptable: render time, models, classes, VRAM, and failures (die mid-prompt, OOM, node error, hang,
// history written late). Section numbers below are the protocol file's.

/** What the next executed prompt does instead of finishing normally. */
export type DoubleFailure =
  /** Halfway through the sampler: close every socket and stop answering, all state lost (a crash). */
  | 'die'
  /** Like `die`, then up again at once with empty state: the prompt is in neither queue nor history (§5). */
  | 'restart'
  /** `execution_error` with torch.OutOfMemoryError at the sampler (§5). */
  | 'oom'
  /** `execution_error` with a RuntimeError at the sampler. */
  | 'error'
  /** The sampler never finishes (only an interrupt ends it). */
  | 'hang';

export interface ComfyDoubleOptions {
  /** Time the sampler node takes. @defaultValue 200 */
  renderMs?: number;
  /** Sampler steps (progress messages and previews). @defaultValue 4 */
  steps?: number;
  /** Installed node classes. @defaultValue {@link defaultNodeClasses} */
  nodeClasses?: readonly string[];
  /** Model folder → files. @defaultValue `{ checkpoints: ['sdxl.safetensors'] }` */
  models?: Record<string, readonly string[]>;
  /** @defaultValue 24 GiB */
  vramTotalBytes?: number;
  /** @defaultValue 20 GiB */
  vramFreeBytes?: number;
  /** Send sampler previews (as if started with `--preview-method auto`). @defaultValue true */
  previews?: boolean;
  /** History is written this long after `execution_success` (§2.4 lag). @defaultValue 0 */
  historyDelayMs?: number;
  /** Side of the PNGs SaveImage writes. @defaultValue 64 */
  outputSidePx?: number;
}

export const defaultNodeClasses: readonly string[] = [
  'CheckpointLoaderSimple', 'EmptyLatentImage', 'CLIPTextEncode', 'KSampler', 'VAEDecode', 'VAEEncode',
  'SaveImage', 'PreviewImage', 'LoadImage', 'UNETLoader', 'CLIPLoader', 'VAELoader', 'LoraLoader', 'SaveVideo', 'VHS_VideoCombine',
];
const videoClasses = new Set(['SaveVideo', 'VHS_VideoCombine']);
const outputClasses = new Set(['SaveImage', 'PreviewImage', 'SaveAnimatedWEBP', 'SaveAnimatedPNG', 'SaveVideo', 'SaveWEBM', 'VHS_VideoCombine']);
const samplerClasses = new Set(['KSampler', 'KSamplerAdvanced', 'SamplerCustom', 'SamplerCustomAdvanced']);
/** Combo inputs that list model files, by input name → folder. */
const modelInputs: Record<string, string> = {
  ckpt_name: 'checkpoints', unet_name: 'diffusion_models', clip_name: 'text_encoders', vae_name: 'vae', lora_name: 'loras',
};

type Graph = Record<string, { class_type?: string; inputs?: Record<string, unknown>; _meta?: { title?: string } }>;
interface QueueItem { number: number; id: string; prompt: Graph; extra: Record<string, unknown>; outputs: string[] }
interface NodeError { type: string; message: string; details: string; extra_info: Record<string, unknown> }
interface Client { ws: WebSocket; previewMetadata: boolean; negotiated: boolean }
type Ui = Record<string, unknown>;

/** One prompt's run, for assertions about timing and concurrency. */
export interface DoubleExecution { promptId: string; startedAt: number; endedAt: number | undefined; outcome: string | undefined }

const isLink = (v: unknown): v is [string, number] => Array.isArray(v) && v.length === 2 && typeof v[0] === 'string' && typeof v[1] === 'number';
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export class ComfyUIDouble {
  /** Mutable between (and during) tests. */
  readonly script: Required<ComfyDoubleOptions>;
  /** Accepted POST /prompt calls, in order. */
  readonly received: string[] = [];
  /** The graph of each accepted prompt, by prompt id, for assertions about binding. */
  readonly graphs = new Map<string, Graph>();
  readonly executions: DoubleExecution[] = [];
  /** POST /interrupt and POST /queue delete calls, for cancel tests. */
  readonly interrupts: (string | null)[] = [];
  readonly deletes: string[] = [];
  #failures: DoubleFailure[] = [];
  #failAlways: DoubleFailure | undefined;
  #failEvery: { n: number; mode: DoubleFailure } | undefined;
  #executedCount = 0;
  #httpFailure: { status: number; routes: RegExp } | undefined;
  /** Requests answered with the scripted HTTP error ({@link answerHttpError}), as `METHOD /path`. */
  readonly httpErrors: string[] = [];
  #port = 0;
  #server: Server | undefined;
  #wss = new WebSocketServer({ noServer: true });
  #sockets = new Set<Socket>();
  #clients = new Map<string, Client>();
  #generation = 0;
  // Server state, all in memory and lost on a restart (§5).
  #counter = 0;
  #queue: QueueItem[] = [];
  #running: QueueItem | undefined;
  #runningNode: string | undefined;
  #interrupt = false;
  #history = new Map<string, Record<string, unknown>>();
  #files = new Map<string, Buffer>();
  #cache = new Map<string, Ui | null>();
  #outputCounter = 0;

  private constructor(opts: ComfyDoubleOptions) {
    this.script = {
      renderMs: opts.renderMs ?? 200, steps: opts.steps ?? 4, nodeClasses: opts.nodeClasses ?? defaultNodeClasses,
      models: opts.models ?? { checkpoints: ['sdxl.safetensors'] }, vramTotalBytes: opts.vramTotalBytes ?? 24 * 2 ** 30,
      vramFreeBytes: opts.vramFreeBytes ?? 20 * 2 ** 30, previews: opts.previews ?? true, historyDelayMs: opts.historyDelayMs ?? 0,
      outputSidePx: opts.outputSidePx ?? 64,
    };
  }

  /** Listen on 127.0.0.1, a free port. */
  static async start(opts: ComfyDoubleOptions = {}): Promise<ComfyUIDouble> {
    const d = new ComfyUIDouble(opts);
    await d.#listen();
    return d;
  }

  get url(): string {
    return `http://127.0.0.1:${this.#port}`;
  }

  /** Whether a prompt is executing now. */
  get busy(): boolean {
    return this.#running !== undefined;
  }

  /** The next `count` executed prompts fail this way. */
  failNext(mode: DoubleFailure, count = 1): void {
    for (let i = 0; i < count; i++) this.#failures.push(mode);
  }

  /** Every `n`-th executed prompt (the n-th, 2n-th, …) fails this way until set back to `undefined`: a flaky server. */
  failEvery(n: number, mode: DoubleFailure | undefined): void {
    this.#failEvery = mode === undefined ? undefined : { n, mode };
    this.#executedCount = 0;
  }

  /**
   * Answer `status` (a bare `500: error`, as aiohttp does when a handler raises) to every HTTP request whose
   * `METHOD /path` (without the `/api` prefix) matches `routes`, until set back to `undefined`. The websocket and
   * the running prompt are untouched. @defaultValue routes: every request
   */
  answerHttpError(status: number | undefined, routes = /.*/): void {
    this.#httpFailure = status === undefined ? undefined : { status, routes };
  }

  /** Every executed prompt fails this way until set back to `undefined`. */
  failAlways(mode: DoubleFailure | undefined): void {
    this.#failAlways = mode;
  }

  /** Crash now: sockets closed, nothing answers, all state gone. */
  async die(): Promise<void> {
    this.#generation++;
    this.#queue = [];
    this.#running = undefined;
    this.#runningNode = undefined;
    this.#history.clear();
    this.#cache.clear();
    this.#counter = 0;
    for (const c of this.#clients.values()) c.ws.terminate();
    this.#clients.clear();
    const server = this.#server;
    this.#server = undefined;
    for (const s of this.#sockets) s.destroy();
    this.#sockets.clear();
    if (server) await new Promise<void>((r) => server.close(() => r()));
  }

  /** Close every websocket, nothing else: events go nowhere until clients reconnect (§5 WebSocket drop). */
  dropSockets(): void {
    for (const c of this.#clients.values()) c.ws.terminate();
    this.#clients.clear();
  }

  /** Start again on the same port, as a supervisor restarting it would. */
  async revive(): Promise<void> {
    if (!this.#server) await this.#listen(this.#port);
  }

  async close(): Promise<void> {
    await this.die();
    this.#wss.close();
  }

  async #listen(port = 0): Promise<void> {
    const server = createServer((req, res) => { void this.#handle(req, res); });
    server.on('connection', (s) => { this.#sockets.add(s); s.on('close', () => this.#sockets.delete(s)); });
    server.on('upgrade', (req, socket, head) => {
      const url = new URL(req.url ?? '/', 'http://x');
      if (url.pathname !== '/ws' && url.pathname !== '/api/ws') return socket.destroy();
      this.#wss.handleUpgrade(req, socket, head, (ws) => this.#onSocket(ws, url.searchParams.get('clientId')));
    });
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    const address = server.address();
    this.#port = typeof address === 'object' && address ? address.port : port;
    this.#server = server;
  }

  // — websocket (§2) —

  #onSocket(ws: WebSocket, clientId: string | null): void {
    const sid = clientId ?? randomUUID().replaceAll('-', '');
    const client: Client = { ws, previewMetadata: false, negotiated: false };
    this.#clients.set(sid, client);
    ws.send(JSON.stringify({ type: 'status', data: { status: { exec_info: { queue_remaining: this.#remaining() } }, sid } }));
    // §2.1 reconnect replay: the bare node id, no prompt_id.
    if (this.#running?.extra.client_id === sid && this.#runningNode) ws.send(JSON.stringify({ type: 'executing', data: { node: this.#runningNode } }));
    ws.on('message', (raw, isBinary) => {
      if (isBinary || client.negotiated) return;
      client.negotiated = true;
      try {
        const m = JSON.parse(String(raw)) as { type?: string; data?: { supports_preview_metadata?: boolean } };
        if (m.type !== 'feature_flags') return;
        client.previewMetadata = m.data?.supports_preview_metadata === true;
        ws.send(JSON.stringify({ type: 'feature_flags', data: { supports_preview_metadata: true, max_upload_size: 104857600 } }));
      } catch { /* ignored, like the server */ }
    });
    ws.on('close', () => { if (this.#clients.get(sid) === client) this.#clients.delete(sid); });
  }

  #send(type: string, data: Record<string, unknown>, sid: string | undefined): void {
    const text = JSON.stringify({ type, data });
    if (sid === undefined) for (const c of this.#clients.values()) c.ws.send(text);
    else this.#clients.get(sid)?.ws.send(text);
  }

  #remaining(): number {
    return this.#queue.length + (this.#running ? 1 : 0);
  }

  #broadcastStatus(): void {
    this.#send('status', { status: { exec_info: { queue_remaining: this.#remaining() } } }, undefined);
  }

  // — HTTP (§1) —

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    const path = url.pathname.startsWith('/api/') ? url.pathname.slice(4) : url.pathname;
    const body = await readBody(req);
    const json = (status: number, value: unknown) => { res.writeHead(status, { 'content-type': 'application/json' }); res.end(JSON.stringify(value)); };
    const bare = (status: number) => { res.writeHead(status); res.end(status === 200 ? '' : `${status}: error`); };
    const parse = (): Record<string, unknown> | undefined => { try { return JSON.parse(body.toString('utf8') || 'null') as Record<string, unknown>; } catch { return undefined; } };
    const route = `${req.method} ${path}`;
    if (this.#httpFailure?.routes.test(route)) { this.httpErrors.push(route); return bare(this.#httpFailure.status); }
    if (route === 'GET /system_stats') return json(200, this.#systemStats());
    if (route === 'GET /features') return json(200, { supports_preview_metadata: true, max_upload_size: 104857600 });
    if (route === 'GET /object_info') return json(200, Object.fromEntries(this.script.nodeClasses.map((c) => [c, nodeInfo(c)])));
    if (route === 'GET /models') return json(200, Object.keys(this.script.models));
    if (req.method === 'GET' && path.startsWith('/models/')) {
      const files = this.script.models[decodeURIComponent(path.slice('/models/'.length))];
      return files ? json(200, files) : bare(404);
    }
    if (route === 'POST /upload/image') return this.#upload(req, body, json, bare);
    if (route === 'GET /prompt') return json(200, { exec_info: { queue_remaining: this.#remaining() } });
    if (route === 'POST /prompt') {
      const b = parse();
      if (!b) return bare(500);
      const [status, answer] = this.#queuePrompt(b);
      return json(status, answer);
    }
    if (route === 'GET /queue') {
      const tuple = (i: QueueItem) => [i.number, i.id, i.prompt, i.extra, i.outputs];
      return json(200, { queue_running: this.#running ? [tuple(this.#running)] : [], queue_pending: this.#queue.map(tuple) });
    }
    if (route === 'POST /queue') {
      const b = parse();
      if (!b) return bare(500);
      if (b.clear === true) this.#queue = [];
      if (Array.isArray(b.delete)) {
        for (const id of b.delete) this.deletes.push(String(id));
        this.#queue = this.#queue.filter((i) => !(b.delete as unknown[]).includes(i.id));
      }
      this.#broadcastStatus();
      return bare(200);
    }
    if (route === 'POST /interrupt') {
      const b = parse();
      const target = typeof b?.prompt_id === 'string' ? b.prompt_id : null;
      this.interrupts.push(target);
      if (this.#running && (target === null || target === this.#running.id)) this.#interrupt = true;
      return bare(200);
    }
    if (route === 'GET /history') return json(200, Object.fromEntries(this.#history));
    if (req.method === 'GET' && path.startsWith('/history/')) {
      const id = decodeURIComponent(path.slice('/history/'.length));
      const entry = this.#history.get(id);
      return json(200, entry ? { [id]: entry } : {});
    }
    if (route === 'GET /view') {
      const filename = url.searchParams.get('filename');
      const type = url.searchParams.get('type') ?? 'output';
      if (!filename) return bare(404);
      if (filename.startsWith('/') || filename.includes('..')) return bare(400);
      if (!['output', 'input', 'temp'].includes(type)) return bare(400);
      const file = this.#files.get(fileKey(type, url.searchParams.get('subfolder') ?? '', filename));
      if (!file) return bare(404);
      res.writeHead(200, { 'content-type': filename.endsWith('.mp4') ? 'video/mp4' : 'image/png', 'content-disposition': `filename="${filename}"` });
      return void res.end(file);
    }
    return bare(404);
  }

  #systemStats(): Record<string, unknown> {
    return {
      system: { os: 'posix', ram_total: 64 * 2 ** 30, ram_free: 48 * 2 ** 30, comfyui_version: '0.3.64', python_version: '3.12.3', pytorch_version: '2.8.0+cu128', embedded_python: false, argv: ['main.py'] },
      devices: [{ name: 'cuda:0 NVIDIA Fake 24GB : cudaMallocAsync', type: 'cuda', index: 0, vram_total: this.script.vramTotalBytes, vram_free: this.script.vramFreeBytes, torch_vram_total: 0, torch_vram_free: 0 }],
    };
  }

  /** §1.7: same name + same content → the existing name; same name, other content → `name (n).ext`. */
  async #upload(req: IncomingMessage, body: Buffer, json: (s: number, v: unknown) => void, bare: (s: number) => void): Promise<void> {
    let form: FormData;
    try {
      form = await new Request('http://x/', { method: 'POST', headers: { 'content-type': req.headers['content-type'] ?? '' }, body: new Uint8Array(body) }).formData();
    } catch {
      return bare(400);
    }
    const image = form.get('image');
    if (!(image instanceof Blob) || !('name' in image) || !image.name) return bare(400);
    const type = String(form.get('type') ?? 'input') || 'input';
    if (!['input', 'temp', 'output'].includes(type)) return bare(500);
    const subfolder = String(form.get('subfolder') ?? '');
    if (subfolder.includes('..') || subfolder.startsWith('/')) return bare(400);
    const bytes = Buffer.from(await image.arrayBuffer());
    const overwrite = ['true', '1'].includes(String(form.get('overwrite') ?? ''));
    const dot = image.name.lastIndexOf('.');
    const [stem, ext] = dot > 0 ? [image.name.slice(0, dot), image.name.slice(dot)] : [image.name, ''];
    let name = image.name;
    for (let n = 1; !overwrite; n++) {
      const existing = this.#files.get(fileKey(type, subfolder, name));
      if (!existing || hash(existing) === hash(bytes)) break;
      name = `${stem} (${n})${ext}`;
    }
    this.#files.set(fileKey(type, subfolder, name), bytes);
    json(200, { name, subfolder, type });
  }

  // — POST /prompt and validation (§1.1) —

  #queuePrompt(b: Record<string, unknown>): [number, unknown] {
    const prompt = b.prompt as Graph | undefined;
    const fail = (type: string, message: string, details: string, nodeErrors: Record<string, unknown> = {}): [number, unknown] =>
      [400, { error: { type, message, details, extra_info: {} }, node_errors: nodeErrors }];
    if (!prompt || typeof prompt !== 'object') return fail('no_prompt', 'No prompt provided', 'No prompt provided');
    for (const [id, node] of Object.entries(prompt)) {
      if (!node.class_type) return fail('invalid_prompt', 'Cannot execute because a node is missing the class_type property.', `Node ID '#${id}'`);
      if (!this.script.nodeClasses.includes(node.class_type)) return fail('invalid_prompt', `Cannot execute because node ${node.class_type} does not exist.`, `Node ID '#${id}'`);
    }
    const outputs = Object.keys(prompt).filter((id) => outputClasses.has(prompt[id]!.class_type!));
    if (outputs.length === 0) return fail('prompt_no_outputs', 'Prompt has no outputs', '');
    const nodeErrors: Record<string, { errors: NodeError[]; dependent_outputs: string[]; class_type: string }> = {};
    const valid: string[] = [];
    for (const out of outputs) {
      const bad = ancestors(prompt, out).filter((id) => {
        const errors = this.#validateNode(prompt, id);
        if (errors.length === 0) return false;
        const entry = nodeErrors[id] ??= { errors, dependent_outputs: [], class_type: prompt[id]?.class_type ?? '' };
        entry.dependent_outputs.push(out);
        return true;
      });
      if (bad.length === 0) valid.push(out);
    }
    if (valid.length === 0) {
      const details = Object.values(nodeErrors).flatMap((e) => e.errors.map((r) => `${r.message}: ${r.details}`)).join('\n');
      return fail('prompt_outputs_failed_validation', 'Prompt outputs failed validation', details, nodeErrors);
    }
    const id = typeof b.prompt_id === 'string' ? b.prompt_id : randomUUID();
    const number = typeof b.number === 'number' ? b.number : b.front === true ? -this.#counter : this.#counter;
    if (typeof b.number !== 'number') this.#counter++;
    const extra = { ...(b.extra_data as Record<string, unknown> | undefined), ...(typeof b.client_id === 'string' && { client_id: b.client_id }) };
    this.#queue.push({ number, id, prompt, extra, outputs: valid });
    this.received.push(id);
    this.graphs.set(id, prompt);
    this.#broadcastStatus();
    queueMicrotask(() => void this.#work());
    return [200, { prompt_id: id, number, node_errors: nodeErrors }];
  }

  #validateNode(prompt: Graph, id: string): NodeError[] {
    const node = prompt[id];
    if (!node) return [];
    const errors: NodeError[] = [];
    for (const [input, value] of Object.entries(node.inputs ?? {})) {
      if (isLink(value)) {
        if (!prompt[value[0]]) errors.push({ type: 'exception_during_validation', message: 'Exception when validating node', details: `'${value[0]}'`, extra_info: { exception_type: 'KeyError', traceback: [] } });
        continue;
      }
      const folder = modelInputs[input];
      if (folder && typeof value === 'string' && !(this.script.models[folder] ?? []).includes(value)) {
        const list = this.script.models[folder] ?? [];
        errors.push({ type: 'value_not_in_list', message: 'Value not in list', details: `${input}: '${value}' not in (list of length ${list.length})`, extra_info: { input_name: input, input_config: null, received_value: value } });
      }
      if (node.class_type === 'LoadImage' && input === 'image' && typeof value === 'string') {
        const slash = value.lastIndexOf('/');
        if (!this.#files.has(fileKey('input', slash < 0 ? '' : value.slice(0, slash), value.slice(slash + 1)))) {
          errors.push({ type: 'custom_validation_failed', message: 'Failed to validate prompt for output', details: `image - Invalid image file: ${value}`, extra_info: {} });
        }
      }
    }
    return errors;
  }

  // — the worker thread (§2.5) —

  async #work(): Promise<void> {
    if (this.#running || this.#queue.length === 0) return;
    this.#queue.sort((a, b) => a.number - b.number || (a.id < b.id ? -1 : 1));
    const item = this.#queue.shift()!;
    this.#running = item;
    this.#interrupt = false;
    const gen = this.#generation;
    const execution: DoubleExecution = { promptId: item.id, startedAt: performance.now(), endedAt: undefined, outcome: undefined };
    this.executions.push(execution);
    this.#broadcastStatus();
    try {
      execution.outcome = await this.#execute(item, gen);
    } finally {
      execution.endedAt = performance.now();
      if (gen === this.#generation) {
        this.#running = undefined;
        this.#runningNode = undefined;
        queueMicrotask(() => void this.#work());
      }
    }
  }

  async #execute(item: QueueItem, gen: number): Promise<string> {
    const sid = typeof item.extra.client_id === 'string' ? item.extra.client_id : undefined;
    const pid = item.id;
    const messages: [string, Record<string, unknown>][] = [];
    const lifecycle = (type: string, data: Record<string, unknown>) => {
      const d = { prompt_id: pid, ...data, timestamp: Date.now() };
      messages.push([type, d]);
      if (sid !== undefined || type === 'execution_interrupted') this.#send(type, d, sid);
    };
    const targeted = (type: string, data: Record<string, unknown>) => { if (sid !== undefined) this.#send(type, { ...data, prompt_id: pid }, sid); };
    this.#executedCount++;
    const periodic = this.#failEvery && this.#executedCount % this.#failEvery.n === 0 ? this.#failEvery.mode : undefined;
    const failure = this.#failures.shift() ?? this.#failAlways ?? periodic;
    const alive = () => gen === this.#generation;

    lifecycle('execution_start', {});
    const order = topoOrder(item.prompt, item.outputs);
    const signatures = new Map(order.map((id) => [id, signature(item.prompt, id)]));
    const cached = order.filter((id) => this.#cache.has(signatures.get(id)!));
    lifecycle('execution_cached', { nodes: cached });
    const outputs: Record<string, Ui> = {};
    const executed: string[] = [];

    const finishError = async (type: 'execution_error' | 'execution_interrupted', data: Record<string, unknown>): Promise<string> => {
      lifecycle(type, { executed, ...data });
      this.#history.set(pid, { prompt: [item.number, pid, item.prompt, item.extra, item.outputs], outputs, status: { status_str: 'error', completed: false, messages }, meta: {} });
      this.#broadcastStatus();
      targeted('executing', { node: null });
      return type;
    };

    for (const id of order) {
      const node = item.prompt[id]!;
      const cls = node.class_type!;
      if (cached.includes(id)) {
        const ui = this.#cache.get(signatures.get(id)!);
        // ≥ 2024-08: cached output nodes replay their earlier UI.
        if (outputClasses.has(cls)) { targeted('executed', { node: id, display_node: id, output: ui ?? null }); if (ui) outputs[id] = ui; }
        continue;
      }
      if (this.#interrupt) return finishError('execution_interrupted', { node_id: id, node_type: cls });
      this.#runningNode = id;
      targeted('executing', { node: id, display_node: id });
      if (samplerClasses.has(cls)) {
        const steps = this.script.steps;
        if (failure === 'oom') {
          await sleep(this.script.renderMs / steps);
          if (!alive()) return 'died';
          return finishError('execution_error', {
            node_id: id, node_type: cls, exception_type: 'torch.OutOfMemoryError',
            exception_message: 'Allocation on device \nThis error means you ran out of memory on your GPU.\n\nTIPS: If the workflow worked before you might have accidentally set the batch_size to a large number.',
            traceback: ['  File "/app/execution.py", line 496, in execute\n'], current_inputs: {}, current_outputs: cached,
          });
        }
        for (let step = 1; step <= steps || failure === 'hang'; step++) {
          await sleep(failure === 'hang' ? 50 : this.script.renderMs / steps);
          if (!alive()) return 'died';
          if (this.#interrupt) return finishError('execution_interrupted', { node_id: id, node_type: cls });
          if (failure === 'hang') continue;
          if ((failure === 'die' || failure === 'restart') && step >= Math.ceil(steps / 2)) {
            await this.die();
            if (failure === 'restart') await this.revive();
            return 'died';
          }
          const progress = { value: step, max: steps, prompt_id: pid, node: id };
          this.#send('progress', progress, sid);
          if (this.script.previews) await this.#sendPreview(sid, pid, id, step);
        }
        if (failure === 'error') {
          return finishError('execution_error', {
            node_id: id, node_type: cls, exception_type: 'RuntimeError', exception_message: 'mat1 and mat2 shapes cannot be multiplied',
            traceback: [], current_inputs: {}, current_outputs: cached,
          });
        }
      }
      let ui: Ui | null = null;
      if (outputClasses.has(cls)) {
        ui = videoClasses.has(cls) ? await this.#saveVideo(item.prompt, id, cls) : await this.#saveImage(item.prompt, id, cls === 'PreviewImage' ? 'temp' : 'output');
        if (!alive()) return 'died';
        outputs[id] = ui;
        targeted('executed', { node: id, display_node: id, output: ui });
      }
      this.#cache.set(signatures.get(id)!, ui);
      executed.push(id);
    }
    this.#runningNode = undefined;
    lifecycle('execution_success', {});
    // §2.4: the history write follows execution_success; `executing {node: null}` follows the write.
    if (this.script.historyDelayMs > 0) await sleep(this.script.historyDelayMs);
    if (!alive()) return 'died';
    this.#history.set(pid, {
      prompt: [item.number, pid, item.prompt, item.extra, item.outputs], outputs,
      status: { status_str: 'success', completed: true, messages },
      meta: Object.fromEntries(Object.keys(outputs).map((id) => [id, { node_id: id, display_node: id, parent_node: null, real_node_id: id }])),
    });
    this.#broadcastStatus();
    targeted('executing', { node: null });
    return 'success';
  }

  /** Type 4 for a socket that negotiated preview metadata, else type 1 (§2.6); broadcast without client_id (§2.3). */
  async #sendPreview(sid: string | undefined, pid: string, node: string, step: number): Promise<void> {
    const image = await sharp({ create: { width: 16, height: 16, channels: 3, background: { r: step * 40 % 256, g: 80, b: 160 } } }).jpeg().toBuffer();
    const targets = sid === undefined ? [...this.#clients.values()] : [this.#clients.get(sid)].filter((c): c is Client => c !== undefined);
    for (const c of targets) {
      const meta = { node_id: node, prompt_id: pid, display_node_id: node, parent_node_id: null, real_node_id: node };
      c.ws.send(encodeBinaryFrame({ mime: 'image/jpeg', image, ...(c.previewMetadata && { meta }) }));
    }
  }

  /** §4: SaveVideo lists its file under `images` (with `animated`), VideoHelperSuite under `gifs`. */
  async #saveVideo(prompt: Graph, id: string, cls: string): Promise<Ui> {
    const prefix = String(prompt[id]?.inputs?.filename_prefix ?? 'video/ComfyUI');
    const slash = prefix.lastIndexOf('/');
    const subfolder = slash < 0 ? '' : prefix.slice(0, slash);
    const filename = `${slash < 0 ? prefix : prefix.slice(slash + 1)}_${String(++this.#outputCounter).padStart(5, '0')}_.mp4`;
    this.#files.set(fileKey('output', subfolder, filename), await makeMp4(this.script.outputSidePx));
    const file = { filename, subfolder, type: 'output' };
    return cls === 'VHS_VideoCombine'
      ? { gifs: [{ ...file, format: 'video/h264-mp4', frame_rate: 8, workflow: filename.replace(/\.mp4$/, '.png'), fullpath: `/output/${subfolder}/${filename}` }] }
      : { images: [file], animated: [true] };
  }

  /** SaveImage (§4): `<prefix>_<counter:05>_.png`, subfolder from the prefix's directory part; colour from the graph. */
  async #saveImage(prompt: Graph, id: string, type: 'output' | 'temp'): Promise<Ui> {
    const prefix = String(prompt[id]?.inputs?.filename_prefix ?? 'ComfyUI');
    const slash = prefix.lastIndexOf('/');
    const subfolder = slash < 0 ? '' : prefix.slice(0, slash);
    const base = slash < 0 ? prefix : prefix.slice(slash + 1);
    const digest = createHash('sha256').update(JSON.stringify(prompt)).digest();
    const side = this.script.outputSidePx;
    const png = await sharp({ create: { width: side, height: side, channels: 3, background: { r: digest[0]!, g: digest[1]!, b: digest[2]! } } }).png().toBuffer();
    const filename = type === 'temp'
      ? `${base}_temp_${digest.toString('hex').slice(0, 5)}_${String(++this.#outputCounter).padStart(5, '0')}_.png`
      : `${base}_${String(++this.#outputCounter).padStart(5, '0')}_.png`;
    this.#files.set(fileKey(type, subfolder, filename), png);
    return { images: [{ filename, subfolder, type }] };
  }
}

const run = promisify(execFile);

/** A short real MP4 (ffmpeg, libx264), so stored videos can be probed and thumbnailed. */
async function makeMp4(sidePx: number): Promise<Buffer> {
  const dir = await mkdtemp(path.join(tmpdir(), 'sf-comfy-double-'));
  try {
    const file = path.join(dir, 'out.mp4');
    await run('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', `color=c=red:s=${sidePx}x${sidePx}:d=0.25:r=8`, '-pix_fmt', 'yuv420p', '-c:v', 'libx264', file]);
    return await readFile(file);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Real node definitions, taken from ComfyUI's node code (workflows/test/object-info), for the classes they cover. */
const realNodeInfo: Record<string, unknown> = testObjectInfo();

/** A class's `/object_info` entry: its real definition where we have one, else an empty one of the right shape. */
function nodeInfo(cls: string): unknown {
  return realNodeInfo[cls] ?? { input: { required: {} }, input_order: { required: [] }, output: [], output_is_list: [], output_name: [], name: cls, display_name: cls, description: '', python_module: 'nodes', category: 'fake', output_node: outputClasses.has(cls) };
}

function fileKey(type: string, subfolder: string, filename: string): string {
  return `${type}/${subfolder}/${filename}`;
}

function hash(b: Buffer): string {
  return createHash('sha256').update(b).digest('hex');
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** `id` and every node it depends on. */
function ancestors(prompt: Graph, id: string, seen = new Set<string>()): string[] {
  if (seen.has(id) || !prompt[id]) return [];
  seen.add(id);
  for (const v of Object.values(prompt[id].inputs ?? {})) if (isLink(v)) ancestors(prompt, v[0], seen);
  return [...seen];
}

/** Dependencies before dependants, over the ancestors of the outputs. */
function topoOrder(prompt: Graph, outputs: readonly string[]): string[] {
  const order: string[] = [];
  const visit = (id: string, seen: Set<string>) => {
    if (seen.has(id) || !prompt[id]) return;
    seen.add(id);
    for (const v of Object.values(prompt[id].inputs ?? {})) if (isLink(v)) visit(v[0], seen);
    order.push(id);
  };
  const seen = new Set<string>();
  for (const o of outputs) visit(o, seen);
  return order;
}

/** A node's cache key: its class and inputs with links replaced by their sources' keys (the real cache is similar). */
function signature(prompt: Graph, id: string): string {
  const node = prompt[id]!;
  const inputs = Object.entries(node.inputs ?? {}).map(([k, v]) => [k, isLink(v) && prompt[v[0]] ? `<${signature(prompt, v[0])}:${v[1]}>` : v]);
  return hash(Buffer.from(JSON.stringify([node.class_type, inputs])));
}
