import { TaskError } from '@shotfarm/shared';
import type { Prediction } from '@shotfarm/shared/replicate';
import { ReplicateCallError, taskErrorOf } from './replicate-call-error.ts';
import { waitBefore, type CreatePredictionRequest, type ReplicateApi } from './replicate-api.ts';
import { backoffMs, sleep, type RetryPolicy } from './retry-policy.ts';

/** Listing pages searched for a create whose answer was lost; they are newest first, 100 each (§2.7). */
const maxListPages = 3;
/** Replicate's clock against ours: a prediction created "before" we sent may still be ours. */
const clockSkewMs = 120_000;

/**
 * Creates the prediction exactly once per task attempt. Only answers that prove nothing was created are
 * followed by a new create: a 429, or a connection that never opened. A 5xx or a lost answer (reset,
 * timeout) may hide a prediction that exists, so we first look for it by listing recent predictions and
 * matching what we sent (the per-attempt webhook URL, or the input, which holds the files uploaded for
 * this attempt). A lost answer that listing cannot explain fails the attempt (retryable) instead of
 * risking a second billed prediction.
 */
export async function createPredictionOnce(api: ReplicateApi, req: CreatePredictionRequest, opts: { retry: RetryPolicy; signal: AbortSignal }): Promise<Prediction> {
  const sentAtMs = Date.now();
  for (let attempt = 0; ; attempt++) {
    let failure: ReplicateCallError;
    try {
      return await api.createPrediction(req, opts.signal);
    } catch (e) {
      if (!(e instanceof ReplicateCallError)) throw e;
      failure = e;
    }
    const f = failure.failure;
    if (f.kind === 'http' && f.status >= 400 && f.status < 500 && f.status !== 429) throw taskErrorOf(failure);
    if (f.kind === 'lost' || (f.kind === 'http' && f.status >= 500)) {
      const found = await findOwnPrediction(api, req, sentAtMs, opts.signal);
      if (found) return found;
      if (f.kind === 'lost') {
        throw new TaskError('SF_RENDER_REPLICATE_CREATE_LOST', `the create got no answer and no matching prediction is listed (${failure.message})`, { retryable: true, cause: failure });
      }
    }
    if (attempt + 1 >= opts.retry.attempts) {
      throw new TaskError('SF_RENDER_REPLICATE_UNAVAILABLE', `creating the prediction failed ${opts.retry.attempts} times: ${failure.message}`, { retryable: true, cause: failure });
    }
    await sleep(f.kind === 'http' ? waitBefore(failure, opts.retry, attempt) : backoffMs(opts.retry, attempt), opts.signal);
  }
}

/** The newest listed prediction that is the one we sent, or undefined. */
export async function findOwnPrediction(api: ReplicateApi, req: CreatePredictionRequest, sentAtMs: number, signal: AbortSignal): Promise<Prediction | undefined> {
  let next: string | undefined;
  for (let page = 0; page < maxListPages; page++) {
    const listed = await api.listPredictions(signal, next);
    for (const p of listed.results) if (isOurs(p, req)) return p;
    const oldest = listed.results.at(-1)?.created_at;
    if (!listed.next || (oldest && Date.parse(oldest) < sentAtMs - clockSkewMs)) return undefined;
    next = listed.next;
  }
  return undefined;
}

function isOurs(p: Prediction, req: CreatePredictionRequest): boolean {
  if (req.version ? p.version !== req.version : p.model !== req.model) return false;
  // The webhook URL carries a per-attempt tag; when both sides have it, it alone decides.
  if (req.webhook && p.webhook) return p.webhook === req.webhook;
  return p.input != null && canonicalJson(p.input) === canonicalJson(req.input);
}

/** JSON with sorted keys, so two equal inputs compare equal whatever order the server echoes them in. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
