/** Our own back-off above the npm client, whose retries are inert or unsafe (protocol §4.3). */
export interface RetryPolicy {
  /** Tries per call, the first included. @defaultValue 6 */
  attempts: number;
  /** First back-off; doubles each try. @defaultValue 500 */
  baseMs: number;
  /** Longest single wait, a server's Retry-After included. @defaultValue 60_000 */
  maxMs: number;
}

export const defaultRetryPolicy: RetryPolicy = { attempts: 6, baseMs: 500, maxMs: 60_000 };

/** Exponential back-off with up to 20 % jitter, so many workers hit by one outage do not return together. */
export function backoffMs(policy: RetryPolicy, attempt: number): number {
  const base = Math.min(policy.maxMs, policy.baseMs * 2 ** attempt);
  return Math.round(base * (1 + Math.random() * 0.2));
}

/** Resolves after `ms`, or rejects with the signal's reason as soon as it aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(() => { signal.removeEventListener('abort', onAbort); resolve(); }, ms);
    const onAbort = (): void => { clearTimeout(timer); reject(signal.reason); };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
