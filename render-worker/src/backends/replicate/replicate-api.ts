import Replicate from 'replicate';
import { z } from 'zod';
import { Prediction, PredictionPage } from '@shotfarm/shared/replicate';
import { neverSent, ReplicateCallError, retryAfterMsOf } from './replicate-call-error.ts';
import { backoffMs, sleep, type RetryPolicy } from './retry-policy.ts';

export interface ReplicateApiOptions {
  token: string;
  /** `REPLICATE_API_BASE_URL`, e.g. `https://api.replicate.com/v1`. */
  baseUrl: string;
  /** One HTTP call's limit; a create that runs past it counts as lost. */
  requestTimeoutMs: number;
  retry: RetryPolicy;
}

/** What `predictions.create` sends (protocol §2.1/§2.2): `model` for official models, `version` when pinned. */
export interface CreatePredictionRequest {
  model: string;
  version?: string;
  input: Record<string, unknown>;
  webhook?: string;
  webhookEventsFilter?: readonly ('start' | 'output' | 'logs' | 'completed')[];
  /** Sent as `Cancel-After` (§2.4): the server cancels or aborts the prediction after this long. */
  cancelAfterS: number;
}

const FileObject = z.looseObject({ id: z.string(), urls: z.looseObject({ get: z.string() }) });
export type ReplicateFile = z.infer<typeof FileObject>;

interface Captured { status: number; statusText: string; headers: Headers; body: ArrayBuffer }

/**
 * The calls the backend makes, on the official `replicate` client, with its retries switched off.
 *
 * Why: in 1.4.0 its 429 back-off never sleeps and ignores Retry-After, and it silently re-sends a POST
 * whose fetch rejected, which can create a second billed prediction (protocol §4.3). So every call gets a
 * fresh client over a one-shot fetch: the network is touched once, and the client's re-tries are served the
 * same answer (or the same rejection) from memory. Our own retries, below, decide what is safe to repeat.
 */
export class ReplicateApi {
  readonly #opts: ReplicateApiOptions;
  constructor(opts: ReplicateApiOptions) { this.#opts = opts; }

  /** One create, never repeated here: the caller alone decides (see `createPredictionOnce`). */
  async createPrediction(req: CreatePredictionRequest, signal: AbortSignal): Promise<Prediction> {
    const headers = { 'Cancel-After': `${Math.max(1, Math.ceil(req.cancelAfterS))}s` };
    const body = {
      input: req.input,
      ...(req.webhook ? { webhook: req.webhook, webhook_events_filter: [...(req.webhookEventsFilter ?? ['completed'])] } : {}),
    };
    const route = req.version ? 'POST /predictions' : `POST /models/${req.model}/predictions`;
    return Prediction.parse(await this.#once(route, headers, signal,
      (c) => c.predictions.create(req.version ? { ...body, version: req.version } : { ...body, model: req.model })));
  }

  getPrediction(id: string, signal: AbortSignal): Promise<Prediction> {
    return this.#retrying(`GET /predictions/${id}`, signal, async (c, s) => Prediction.parse(await c.predictions.get(id, { signal: s })));
  }

  /** Cancel is idempotent on a terminal prediction (§2.6), so it may be retried. */
  cancelPrediction(id: string, signal: AbortSignal): Promise<Prediction> {
    return this.#retrying(`POST /predictions/${id}/cancel`, signal, async (c, s) => Prediction.parse(await c.predictions.cancel(id, { signal: s })));
  }

  /** One page, newest first; `next` is the absolute URL of the following page (§2.7). */
  listPredictions(signal: AbortSignal, next?: string): Promise<PredictionPage> {
    return this.#retrying('GET /predictions', signal, async (c, s) => PredictionPage.parse(next
      ? await (await c.request(new URL(next), { method: 'GET', signal: s })).json()
      : await c.predictions.list({ signal: s })));
  }

  /** `POST /v1/files` (§2.9). A repeated upload only leaves a spare file that expires in 24 h, so it retries. */
  uploadFile(bytes: Buffer, opts: { filename: string; mime: string; metadata: Record<string, string> }, signal: AbortSignal): Promise<ReplicateFile> {
    return this.#retrying('POST /files', signal, async (c, s) =>
      FileObject.parse(await c.files.create(new File([new Uint8Array(bytes)], opts.filename, { type: opts.mime }), opts.metadata, { signal: s })));
  }

  async deleteFile(id: string, signal: AbortSignal): Promise<void> {
    await this.#once(`DELETE /files/${id}`, {}, signal, (c, s) => c.files.delete(id, { signal: s }));
  }

  /** Retries 429 (waiting as long as asked), 5xx, unsent and lost calls: only for calls safe to repeat. */
  async #retrying<T>(route: string, signal: AbortSignal, call: (c: Replicate, s: AbortSignal) => Promise<T>): Promise<T> {
    const { retry } = this.#opts;
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.#once(route, {}, signal, call);
      } catch (e) {
        const retriable = e instanceof ReplicateCallError && (e.transient || e.failure.kind === 'lost');
        if (!retriable || attempt + 1 >= retry.attempts) throw e;
        await sleep(waitBefore(e, retry, attempt), signal);
      }
    }
  }

  async #once<T>(route: string, headers: Record<string, string>, signal: AbortSignal, call: (c: Replicate, s: AbortSignal) => Promise<T>): Promise<T> {
    const callSignal = AbortSignal.any([signal, AbortSignal.timeout(this.#opts.requestTimeoutMs)]);
    let first: Promise<Captured> | undefined;
    const oneShot = async (url: string | URL | Request, init?: RequestInit): Promise<Response> => {
      first ??= (async () => {
        const merged = new Headers(init?.headers);
        for (const [k, v] of Object.entries(headers)) merged.set(k, v);
        const res = await fetch(url, { ...init, headers: merged, signal: callSignal });
        return { status: res.status, statusText: res.statusText, headers: res.headers, body: await res.arrayBuffer() };
      })();
      const c = await first;
      return new Response(c.body.byteLength > 0 ? c.body : null, { status: c.status, statusText: c.statusText, headers: c.headers });
    };
    const client = new Replicate({
      auth: this.#opts.token, baseUrl: this.#opts.baseUrl, fetch: oneShot, useFileOutput: false,
      // Inputs are URLs we made; never let the client turn bytes into data: URIs (its data-uri path is broken, §6.5).
      fileEncodingStrategy: 'upload', userAgent: 'shotfarm-render-worker',
    });
    try {
      return await call(client, callSignal);
    } catch (e) {
      if (signal.aborted) throw signal.reason;
      if (first) {
        const captured = await first.catch(() => undefined);
        if (captured && captured.status >= 400) {
          const text = Buffer.from(captured.body).toString('utf8');
          const body = parseJson(text);
          throw new ReplicateCallError(route, { kind: 'http', status: captured.status, retryAfterMs: retryAfterMsOf(captured.headers, body), body, text }, { cause: e });
        }
        if (!captured) throw new ReplicateCallError(route, neverSent(e) ? { kind: 'unsent' } : { kind: 'lost' }, { cause: e });
      }
      throw e;
    }
  }
}

/** How long to wait before trying again: what a 429 asked for (capped), else exponential back-off. */
export function waitBefore(e: ReplicateCallError, retry: RetryPolicy, attempt: number): number {
  const asked = e.failure.kind === 'http' ? e.failure.retryAfterMs : undefined;
  return asked !== undefined ? Math.min(asked, retry.maxMs) : backoffMs(retry, attempt);
}

function parseJson(text: string): unknown {
  try { return JSON.parse(text); } catch { return undefined; }
}
