import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import WebSocket from 'ws';
import type { z } from 'zod';
import type { ComfyApiGraph } from '@shotfarm/shared';
import { ObjectInfo } from '@shotfarm/workflows/import';
import { decodeBinaryFrame, type PreviewFrame } from './binary-frame.ts';
import { ComfyFailure } from './comfy-failure.ts';
import {
  History, PromptAccepted, PromptRejected, QueueState, SystemStats, UploadedImage, WsMessage,
  type ComfyFileRef, type HistoryEntry, type NodeErrors, type UploadedImage as UploadedImageT,
} from './comfy-protocol.ts';

export interface ComfyClientOptions {
  /** Base URL, e.g. `http://10.0.0.5:8188` (no trailing slash needed). */
  url: string;
  /** Our websocket session id and every prompt's `client_id`. @defaultValue a fresh UUID without dashes */
  clientId?: string;
  /** A request that takes longer counts as the server not answering. @defaultValue 10_000 */
  requestTimeoutMs?: number;
  /** Wait before reopening a closed websocket; doubles up to 8×. @defaultValue 250 */
  reconnectDelayMs?: number;
}

export interface ComfyClientEvents {
  message: [WsMessage];
  preview: [PreviewFrame];
  /** The websocket (re)opened: events sent while it was closed are lost, so in-flight prompts reconcile. */
  open: [];
  close: [];
}

const defaultRequestTimeoutMs = 10_000;
const defaultReconnectDelayMs = 250;
const maxReconnectBackoff = 8;
/** The server sends no heartbeats (§2.1); our pings find a dead connection. */
const pingIntervalMs = 15_000;

/**
 * One ComfyUI server: its HTTP routes (under `/api`, §1.0) and one websocket that reopens by itself.
 * Knows nothing of pools or tasks; every network failure becomes a `ComfyFailure` of kind `lost`.
 */
export class ComfyClient extends EventEmitter<ComfyClientEvents> {
  readonly url: string;
  readonly clientId: string;
  readonly #requestTimeoutMs: number;
  readonly #reconnectDelayMs: number;
  #socket: WebSocket | undefined;
  #wantOpen = false;
  #reconnects = 0;
  #reconnectTimer: NodeJS.Timeout | undefined;
  #pingTimer: NodeJS.Timeout | undefined;

  constructor(opts: ComfyClientOptions) {
    super();
    this.url = opts.url.replace(/\/+$/, '');
    this.clientId = opts.clientId ?? randomUUID().replaceAll('-', '');
    this.#requestTimeoutMs = opts.requestTimeoutMs ?? defaultRequestTimeoutMs;
    this.#reconnectDelayMs = opts.reconnectDelayMs ?? defaultReconnectDelayMs;
  }

  /** Whether the websocket is open now. */
  get connected(): boolean {
    return this.#socket?.readyState === WebSocket.OPEN;
  }

  /** Open the websocket and keep it open until `close()`. Does not wait for it. */
  connect(): void {
    this.#wantOpen = true;
    if (!this.#socket) this.#open();
  }

  #open(): void {
    const ws = new WebSocket(`${this.url.replace(/^http/, 'ws')}/api/ws?clientId=${encodeURIComponent(this.clientId)}`);
    this.#socket = ws;
    ws.on('open', () => {
      this.#reconnects = 0;
      // §2.2: ask for type-4 previews (they carry prompt and node ids); older servers ignore it.
      ws.send(JSON.stringify({ type: 'feature_flags', data: { supports_preview_metadata: true } }));
      this.emit('open');
    });
    ws.on('message', (raw, isBinary) => {
      const bytes = Array.isArray(raw) ? Buffer.concat(raw) : Buffer.from(raw as ArrayBuffer);
      if (isBinary) {
        const frame = decodeBinaryFrame(bytes);
        if (frame) this.emit('preview', frame);
        return;
      }
      let json: unknown;
      try { json = JSON.parse(bytes.toString('utf8')); } catch { return; }
      const parsed = WsMessage.safeParse(json);
      if (parsed.success) this.emit('message', { type: parsed.data.type, data: parsed.data.data ?? {} });
    });
    ws.on('error', () => undefined); // 'close' follows; reconnecting is all we do about it
    ws.on('close', () => {
      if (this.#socket === ws) this.#socket = undefined;
      this.emit('close');
      // §2.1 same-id hazard: reopen only after the old socket has closed, never alongside it.
      if (this.#wantOpen) {
        const delay = this.#reconnectDelayMs * Math.min(2 ** this.#reconnects++, maxReconnectBackoff);
        this.#reconnectTimer = setTimeout(() => { if (this.#wantOpen && !this.#socket) this.#open(); }, delay);
      }
    });
    this.#pingTimer ??= setInterval(() => { if (this.connected) this.#socket?.ping(); }, pingIntervalMs).unref();
  }

  /** Close the websocket for good; HTTP calls keep working. */
  close(): void {
    this.#wantOpen = false;
    clearTimeout(this.#reconnectTimer);
    clearInterval(this.#pingTimer);
    this.#pingTimer = undefined;
    this.#socket?.terminate();
    this.#socket = undefined;
  }

  async systemStats(): Promise<SystemStats> {
    return this.#getJson('/api/system_stats', SystemStats);
  }

  /** Every installed node's definition (what workflow import converts UI files with). Slow on big installs (§1.10). */
  async objectInfo(): Promise<ObjectInfo> {
    return this.#getJson('/api/object_info', ObjectInfo);
  }

  /** Installed node classes. Slow on big installs (§1.10): callers cache it. */
  async nodeClasses(): Promise<Set<string>> {
    return new Set(Object.keys(await this.objectInfo()));
  }

  /** Model folder names (`GET /models`, since 2024-09). */
  async modelFolders(): Promise<string[]> {
    const body: unknown = await this.#body(await this.#fetch('/api/models'), 'json');
    return Array.isArray(body) ? body.filter((f): f is string => typeof f === 'string') : [];
  }

  /** Files of one model folder; an unknown folder (404) is an empty list. */
  async modelFiles(folder: string): Promise<string[]> {
    const res = await this.#fetch(`/api/models/${encodeURIComponent(folder)}`);
    if (res.status === 404) return [];
    const body: unknown = await this.#body(res, 'json');
    return Array.isArray(body) ? body.filter((f): f is string => typeof f === 'string') : [];
  }

  /** Upload an input image; the answer's name is what a LoadImage input must say (§1.7). */
  async uploadImage(bytes: Buffer, filename: string, subfolder: string): Promise<UploadedImageT> {
    const form = new FormData();
    form.append('image', new Blob([new Uint8Array(bytes)]), filename);
    form.append('type', 'input');
    form.append('subfolder', subfolder);
    const res = await this.#fetch('/api/upload/image', { method: 'POST', body: form });
    return this.#parse(res, UploadedImage);
  }

  /**
   * Queue a graph under our client id. A 400, or a 200 whose `node_errors` is not empty (a partial
   * queue, §1.1), is a `rejected` failure naming the node; the partial queue is deleted first.
   */
  async queuePrompt(graph: ComfyApiGraph, promptId: string): Promise<{ promptId: string; number: number }> {
    const res = await this.#fetch('/api/prompt', {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ prompt: graph, client_id: this.clientId, prompt_id: promptId }),
    });
    if (res.status === 400) {
      const body = PromptRejected.safeParse(await res.json().catch(() => undefined));
      if (!body.success) throw new ComfyFailure('rejected', 'the server refused the prompt (400) with a body we cannot read');
      throw rejection(body.data.error.message, body.data.error.details, body.data.node_errors, graph);
    }
    const accepted = await this.#parse(res, PromptAccepted);
    if (Object.keys(accepted.node_errors).length > 0) {
      await this.deleteFromQueue([accepted.prompt_id]).catch(() => undefined);
      await this.interrupt(accepted.prompt_id).catch(() => undefined);
      throw rejection('some outputs failed validation', undefined, accepted.node_errors, graph);
    }
    return { promptId: accepted.prompt_id, number: accepted.number };
  }

  async queue(): Promise<QueueState> {
    return this.#getJson('/api/queue', QueueState);
  }

  /** Remove pending prompts; running ones are untouched (§1.4). */
  async deleteFromQueue(promptIds: string[]): Promise<void> {
    await this.#postJson('/api/queue', { delete: promptIds });
  }

  /** Targeted interrupt (§1.5, ≥ 0.3.57; older servers interrupt whatever runs). */
  async interrupt(promptId: string): Promise<void> {
    await this.#postJson('/api/interrupt', { prompt_id: promptId });
  }

  /** The finished prompt's entry, or `undefined` while it is pending, running, or unknown (§1.6). */
  async history(promptId: string): Promise<HistoryEntry | undefined> {
    const all = await this.#getJson(`/api/history/${encodeURIComponent(promptId)}`, History);
    return all[promptId];
  }

  async view(file: ComfyFileRef): Promise<Buffer> {
    const q = new URLSearchParams({ filename: file.filename, subfolder: file.subfolder, type: file.type });
    const res = await this.#fetch(`/api/view?${q.toString()}`);
    return Buffer.from(await this.#body(res, 'bytes') as Uint8Array);
  }

  async #getJson<S extends z.ZodType>(path: string, schema: S): Promise<z.output<S>> {
    return this.#parse(await this.#fetch(path), schema);
  }

  async #postJson(path: string, body: unknown): Promise<void> {
    const res = await this.#fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    await this.#body(res, 'bytes');
  }

  async #parse<S extends z.ZodType>(res: Response, schema: S): Promise<z.output<S>> {
    const parsed = schema.safeParse(await this.#body(res, 'json'));
    if (!parsed.success) throw new ComfyFailure('lost', `${this.url}: unexpected answer from ${res.url}: ${parsed.error.message}`);
    return parsed.data;
  }

  async #body(res: Response, as: 'json' | 'bytes'): Promise<unknown> {
    if (!res.ok) throw new ComfyFailure('lost', `${this.url}: ${res.url} answered ${res.status}`);
    try {
      return as === 'json' ? await res.json() : new Uint8Array(await res.arrayBuffer());
    } catch (e) {
      throw new ComfyFailure('lost', `${this.url}: reading ${res.url} failed: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
  }

  async #fetch(path: string, init: RequestInit = {}): Promise<Response> {
    try {
      return await fetch(`${this.url}${path}`, { ...init, signal: AbortSignal.timeout(this.#requestTimeoutMs) });
    } catch (e) {
      throw new ComfyFailure('lost', `${this.url}${path} did not answer: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
  }
}

/** One message naming each failing node, its class and title, and the server's own words. */
function rejection(message: string, details: string | undefined, nodeErrors: NodeErrors, graph: ComfyApiGraph): ComfyFailure {
  const nodes = Object.entries(nodeErrors).map(([id, e]) => {
    const title = graph[id]?._meta?.title;
    const reasons = e.errors.map((r) => (r.details ? `${r.message}: ${r.details}` : r.message)).join('; ');
    return `node ${id} (${e.class_type ?? graph[id]?.class_type ?? '?'}${title ? ` "${title}"` : ''}): ${reasons}`;
  });
  const firstNode = Object.keys(nodeErrors)[0];
  const text = nodes.length > 0 ? `${message}: ${nodes.join(' | ')}` : `${message}${details ? `: ${details}` : ''}`;
  return new ComfyFailure('rejected', text, firstNode ? { nodeId: firstNode } : {});
}
