import sharp from 'sharp';
import { TaskError, type AssetMime, type Params, type RenderOutput, type RenderTask } from '@shotfarm/shared';
import type { Storage } from '@shotfarm/shared/storage';
import { storeImageOutput } from '../../outputs/store-output.ts';
import { backoffMs, sleep, type RetryPolicy } from './retry-policy.ts';
import { storeVideoOutput } from '../../outputs/store-video-output.ts';

export interface OutputCopierOptions {
  /** Origin of the API base URL: outputs served there are accepted too (a proxy, or the test double). */
  apiOrigin: string;
  maxOutputBytes: number;
  requestTimeoutMs: number;
  retry: RetryPolicy;
}

const imageFormats: Record<string, AssetMime> = { jpeg: 'image/jpeg', png: 'image/png', webp: 'image/webp', gif: 'image/gif' };

/**
 * Copies a succeeded prediction's files into our storage at once: Replicate deletes API outputs after
 * an hour (protocol §3.3). Only `https://*.replicate.delivery`, the API's own origin and `data:` URIs are
 * fetched, so a model's output can never make the worker request an internal address. The type comes
 * from the bytes, never from the URL or the Content-Type.
 */
export class OutputCopier {
  readonly #opts: OutputCopierOptions;
  constructor(opts: OutputCopierOptions) { this.#opts = opts; }

  /** The file URLs of an output (§3.2: one URL or a list of them). */
  static urlsOf(output: unknown): string[] {
    const list = Array.isArray(output) ? output : [output];
    if (list.length === 0 || !list.every((u): u is string => typeof u === 'string')) {
      throw new TaskError('SF_RENDER_REPLICATE_OUTPUT_INVALID', `the output is not a file URL or a list of them: ${JSON.stringify(output)?.slice(0, 200)}`);
    }
    return list;
  }

  async copy(urls: readonly string[], opts: { task: RenderTask; storage: Storage; params: (index: number) => Params; signal: AbortSignal }): Promise<RenderOutput[]> {
    const outputs: RenderOutput[] = [];
    for (const [i, url] of urls.entries()) {
      const bytes = await this.#download(url, opts.signal);
      outputs.push(await this.#store(bytes, { task: opts.task, storage: opts.storage, params: opts.params(i) }));
    }
    return outputs;
  }

  allowed(url: URL): boolean {
    if (url.protocol === 'data:') return true;
    if (url.origin === this.#opts.apiOrigin) return true;
    return url.protocol === 'https:' && (url.hostname === 'replicate.delivery' || url.hostname.endsWith('.replicate.delivery'));
  }

  async #download(raw: string, signal: AbortSignal): Promise<Buffer> {
    let url: URL;
    try { url = new URL(raw); } catch { throw new TaskError('SF_RENDER_REPLICATE_OUTPUT_INVALID', `output ${raw.slice(0, 200)} is not a URL`); }
    if (!this.allowed(url)) throw new TaskError('SF_RENDER_REPLICATE_OUTPUT_INVALID', `output host ${url.host || url.protocol} is not allowed`);
    if (url.protocol === 'data:') {
      const comma = raw.indexOf(',');
      const meta = raw.slice(5, comma);
      return Buffer.from(decodeURIComponent(raw.slice(comma + 1)), meta.endsWith(';base64') ? 'base64' : 'utf8');
    }
    for (let attempt = 0; ; attempt++) {
      try {
        const res = await fetch(url, { signal: AbortSignal.any([signal, AbortSignal.timeout(this.#opts.requestTimeoutMs)]), redirect: 'error' });
        if (res.status >= 400 && res.status < 500) {
          throw new TaskError('SF_RENDER_REPLICATE_OUTPUT_INVALID', `output ${url.pathname} answered ${res.status} (removed?)`);
        }
        if (!res.ok) throw new Error(`output ${url.pathname} answered ${res.status}`);
        const bytes = Buffer.from(await res.arrayBuffer());
        if (bytes.length > this.#opts.maxOutputBytes) {
          throw new TaskError('SF_RENDER_REPLICATE_OUTPUT_INVALID', `output ${url.pathname} is ${bytes.length} bytes, more than ${this.#opts.maxOutputBytes}`);
        }
        return bytes;
      } catch (e) {
        if (signal.aborted || e instanceof TaskError) throw signal.aborted ? signal.reason : e;
        if (attempt + 1 >= this.#opts.retry.attempts) {
          throw new TaskError('SF_RENDER_REPLICATE_UNAVAILABLE', `downloading ${url.pathname} failed: ${e instanceof Error ? e.message : String(e)}`, { retryable: true, cause: e });
        }
        await sleep(backoffMs(this.#opts.retry, attempt), signal);
      }
    }
  }

  async #store(bytes: Buffer, opts: { task: RenderTask; storage: Storage; params: Params }): Promise<RenderOutput> {
    if (bytes.length >= 12 && bytes.subarray(4, 8).toString('latin1') === 'ftyp') {
      return storeVideoOutput(opts.storage, { task: opts.task, bytes, params: opts.params });
    }
    const meta = await sharp(bytes).metadata().catch(() => undefined);
    const mime = meta?.format ? imageFormats[meta.format] : undefined;
    if (!meta?.width || !meta.height || !mime) {
      throw new TaskError('SF_RENDER_REPLICATE_OUTPUT_INVALID', `an output is neither an image we store nor an MP4 (${meta?.format ?? 'unknown'})`);
    }
    return storeImageOutput(opts.storage, { task: opts.task, bytes, mime, width: meta.width, height: meta.height, params: opts.params });
  }
}
