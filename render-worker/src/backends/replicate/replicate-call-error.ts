import { TaskError } from '@shotfarm/shared';
/**
 * How one HTTP call to Replicate went wrong, sorted by what it means for a retry:
 * - `http`: an answer with a status (429 carries `retryAfterMs` when the server hinted one);
 * - `unsent`: the connection never opened (refused, DNS), so the server cannot have acted on it;
 * - `lost`: the request may have arrived but no answer came (reset, timeout): a create may exist.
 */
export type ReplicateFailure =
  | { kind: 'http'; status: number; retryAfterMs: number | undefined; body: unknown; text: string }
  | { kind: 'unsent' }
  | { kind: 'lost' };

export class ReplicateCallError extends Error {
  readonly failure: ReplicateFailure;
  constructor(route: string, failure: ReplicateFailure, opts: { cause?: unknown } = {}) {
    super(`${route}: ${describe(failure)}`, { cause: opts.cause });
    this.name = 'ReplicateCallError';
    this.failure = failure;
  }

  /** 429 and 5xx answers and unsent requests: trying again cannot double anything. */
  get transient(): boolean {
    const f = this.failure;
    return f.kind === 'unsent' || (f.kind === 'http' && (f.status === 429 || f.status >= 500));
  }
}

function describe(f: ReplicateFailure): string {
  switch (f.kind) {
    case 'http': return `HTTP ${f.status}${detailOf(f.body) ? `: ${detailOf(f.body)}` : f.text ? `: ${f.text.slice(0, 300)}` : ''}`;
    case 'unsent': return 'could not connect';
    case 'lost': return 'no answer (connection lost or timed out)';
  }
}

/** The `detail` of an RFC 7807-style body (protocol §4.1), if any. */
export function detailOf(body: unknown): string | undefined {
  if (body && typeof body === 'object' && 'detail' in body && typeof body.detail === 'string') return body.detail;
  return undefined;
}

const unsentCodes = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH']);

/** Whether a `fetch` rejection proves the request never left this machine. */
export function neverSent(error: unknown): boolean {
  const cause = error instanceof Error ? (error.cause as { code?: unknown } | undefined) : undefined;
  return typeof cause?.code === 'string' && unsentCodes.has(cause.code);
}

/**
 * Milliseconds a 429 asks us to wait (§4.2): `Retry-After` (seconds or an HTTP date), else the
 * `~Ns` hint in `detail`; undefined when there is neither.
 */
export function retryAfterMsOf(headers: Headers, body: unknown, nowMs = Date.now()): number | undefined {
  const header = headers.get('retry-after');
  if (header !== null) {
    if (/^\d+(\.\d+)?$/.test(header.trim())) return Math.round(Number(header) * 1000);
    const at = Date.parse(header);
    if (!Number.isNaN(at)) return Math.max(0, at - nowMs);
  }
  const hint = detailOf(body)?.match(/~(\d+)s/);
  return hint ? Number(hint[1]) * 1000 : undefined;
}

/**
 * The task failure a call error means: 422 is the input (not retried), other 4xx a refusal that a retry
 * cannot fix (token, billing, unknown model), and everything else an outage BullMQ may retry.
 */
export function taskErrorOf(e: ReplicateCallError): TaskError {
  const f = e.failure;
  if (f.kind === 'http' && f.status === 422) return new TaskError('SF_RENDER_REPLICATE_INPUT_INVALID', `Replicate refused the input: ${detailOf(f.body) ?? e.message}`, { cause: e });
  if (f.kind === 'http' && f.status >= 400 && f.status < 500 && f.status !== 429) {
    return new TaskError('SF_RENDER_REPLICATE_REFUSED', `Replicate refused ${e.message}`, { cause: e });
  }
  return new TaskError('SF_RENDER_REPLICATE_UNAVAILABLE', `Replicate did not answer usefully: ${e.message}`, { retryable: true, cause: e });
}
