import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import type { ComfyApiGraph } from '../schemas/index.ts';
import { ComfyFailure } from './comfy-failure.ts';
import {
  History, ObjectInfo, PromptAccepted, PromptRejected, QueueState, SystemStats, UploadedImage,
  type ComfyFileRef, type HistoryEntry, type NodeErrors,
} from './comfy-protocol.ts';

export interface ComfyHttpClientOptions {
  /** Base URL, e.g. `http://10.0.0.5:8188` (no trailing slash needed). */
  url: string;
  /** Every prompt's `client_id` (and the render worker's websocket session id). @defaultValue a fresh UUID without dashes */
  clientId?: string;
  /** A request that takes longer counts as the server not answering. @defaultValue 10_000 */
  requestTimeoutMs?: number;
}

const defaultRequestTimeoutMs = 10_000;

/**
 * One ComfyUI server's HTTP routes (under `/api`, ../shared/protocols/comfyui.md §1.0), each answer parsed at the edge.
 * Shared by the render worker (which adds the websocket, see its `ComfyClient`) and the studio (health and
 * `/object_info` reads). Knows nothing of pools or tasks; every network failure becomes a `ComfyFailure` of kind `lost`.
 */
export class ComfyHttpClient {
  readonly url: string;
  readonly clientId: string;
  readonly #requestTimeoutMs: number;

  constructor(opts: ComfyHttpClientOptions) {
    this.url = opts.url.replace(/\/+$/, '');
    this.clientId = opts.clientId ?? randomUUID().replaceAll('-', '');
    this.#requestTimeoutMs = opts.requestTimeoutMs ?? defaultRequestTimeoutMs;
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
  async uploadImage(bytes: Buffer, filename: string, subfolder: string): Promise<UploadedImage> {
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
