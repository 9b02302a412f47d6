import type { PreviewFrame } from './binary-frame.ts';
import type { ComfyClient } from './comfy-client.ts';
import { ComfyFailure, failureFromExecutionError, type HistoryEntry, type WsMessage } from '@shotfarm/shared/comfyui';

/** What a watched prompt reports on its way, for progress. */
export type PromptEvent =
  | { kind: 'started' }
  | { kind: 'cached'; nodes: string[] }
  | { kind: 'executing'; node: string }
  | { kind: 'progress'; node: string | undefined; value: number; max: number }
  | { kind: 'preview'; node: string | undefined; frame: PreviewFrame }
  | { kind: 'executed'; node: string };

export interface PromptWatchOptions {
  client: ComfyClient;
  promptId: string;
  signal: AbortSignal;
  /** No event for this prompt for this long → interrupt it and fail it over as `stalled`. */
  watchdogMs: number;
  /** History is polled this often as the fallback for a lost websocket (§5). @defaultValue 1000 */
  pollIntervalMs?: number;
  /** Consecutive unanswered polls after which the server counts as gone. @defaultValue 3 */
  lostAfterPolls?: number;
  /** After a cancel, how long to wait for the server to confirm before giving the slot back. @defaultValue 5000 */
  cancelGraceMs?: number;
  onEvent?: (e: PromptEvent) => void;
  /**
   * Queues the prompt. Called after the listeners are attached: with our own prompt id, events that
   * arrive before POST /prompt answers are not lost. Its rejection is the watch's.
   */
  submit: () => Promise<void>;
}

export interface PromptOutcome {
  entry: HistoryEntry;
  /** Server-measured execution time (execution_start → success), else our wall clock. */
  gpuMs: number;
}

const defaultPollIntervalMs = 1000;
const defaultLostAfterPolls = 3;
const defaultCancelGraceMs = 5000;
/** §2.4: the history write lags `execution_success`; re-read this often until it appears. */
const historyLagRetryMs = 30;

/**
 * Follow one queued prompt on one server to its end, trusting neither channel alone: websocket events
 * are lost while it is closed, history lags `execution_success`, and a restarted server forgets the
 * prompt entirely (in neither `/queue` nor `/history`, §5). Resolves with the history entry or rejects
 * with a `ComfyFailure`; never leaves a prompt it gave up on running (it interrupts first).
 */
export function watchPrompt(opts: PromptWatchOptions): Promise<PromptOutcome> {
  const { client, promptId, signal } = opts;
  const pollIntervalMs = opts.pollIntervalMs ?? defaultPollIntervalMs;
  const lostAfterPolls = opts.lostAfterPolls ?? defaultLostAfterPolls;
  const submittedAt = performance.now();
  let startedAt: number | undefined;
  let lastActivity = performance.now();
  let lastProgressNode: string | undefined;
  let running = false;
  let unanswered = 0;
  let reconcileQueue = false;
  let canceled = false;
  let settled = false;
  let checking = false;

  return new Promise<PromptOutcome>((resolve, reject) => {
    const finish = (fn: () => void): void => {
      if (settled) return;
      settled = true;
      clearInterval(poller);
      clearInterval(historyChaser);
      clearTimeout(cancelTimer);
      client.off('message', onMessage);
      client.off('preview', onPreview);
      client.off('open', onReconnect);
      client.off('close', onClose);
      signal.removeEventListener('abort', onAbort);
      fn();
    };
    const fail = (f: ComfyFailure): void => finish(() => reject(canceled ? new ComfyFailure('canceled', 'canceled', { cause: f }) : f));
    const succeed = (entry: HistoryEntry): void => {
      if (canceled) return fail(new ComfyFailure('canceled', 'canceled (the prompt finished first)'));
      finish(() => resolve({ entry, gpuMs: serverGpuMs(entry) ?? performance.now() - (startedAt ?? submittedAt) }));
    };
    const emit = (e: PromptEvent): void => { lastActivity = performance.now(); opts.onEvent?.(e); };

    /** Read history; a finished entry settles the watch. Returns whether it did. */
    const checkHistory = async (): Promise<boolean> => {
      const entry = await client.history(promptId);
      unanswered = 0;
      if (!entry) return false;
      const failure = failureFromHistory(entry);
      if (failure) fail(failure);
      else succeed(entry);
      return true;
    };

    const poll = async (): Promise<void> => {
      if (settled || checking) return;
      checking = true;
      try {
        if (await checkHistory()) return;
        if (reconcileQueue || !client.connected) {
          reconcileQueue = false;
          const q = await client.queue();
          const queued = [...q.queue_running, ...q.queue_pending].some((item) => item[1] === promptId);
          // Finished between the two reads? Read history once more before calling it lost.
          if (!queued && !(await checkHistory())) {
            return fail(new ComfyFailure('lost', `${client.url}: prompt ${promptId} is in neither queue nor history (server restarted?)`));
          }
        }
        if (!canceled && performance.now() - lastActivity > opts.watchdogMs) {
          // Still waiting behind another prompt (slots > 1, or other clients) is not a stall of ours.
          const q = await client.queue();
          if (q.queue_pending.some((item) => item[1] === promptId)) { lastActivity = performance.now(); return; }
          await client.interrupt(promptId).catch(() => undefined);
          return fail(new ComfyFailure('stalled', `${client.url}: no progress on prompt ${promptId} for ${Math.round(opts.watchdogMs / 1000)} s`));
        }
      } catch (e) {
        if (++unanswered >= lostAfterPolls) {
          fail(e instanceof ComfyFailure ? e : new ComfyFailure('lost', String(e), { cause: e }));
        }
      } finally {
        checking = false;
      }
    };

    const onMessage = (m: WsMessage): void => {
      if (m.data.prompt_id !== promptId) return;
      switch (m.type) {
        case 'execution_start': running = true; startedAt = performance.now(); emit({ kind: 'started' }); break;
        case 'execution_cached': emit({ kind: 'cached', nodes: stringArray(m.data.nodes) }); break;
        case 'executing':
          if (m.data.node === null) { running = false; chaseHistory(); } else if (typeof m.data.node === 'string') emit({ kind: 'executing', node: m.data.node });
          break;
        case 'progress':
          lastProgressNode = typeof m.data.node === 'string' ? m.data.node : lastProgressNode;
          emit({ kind: 'progress', node: lastProgressNode, value: Number(m.data.value), max: Number(m.data.max) });
          break;
        case 'executed': if (typeof m.data.node === 'string') emit({ kind: 'executed', node: m.data.node }); break;
        case 'execution_success': running = false; chaseHistory(); break;
        // §2.4: ExecutionBlocked is not terminal; the prompt goes on without the blocked branch.
        case 'execution_error': if (m.data.exception_type !== 'ExecutionBlocked') fail(failureFromExecutionError(m.data)); break;
        case 'execution_interrupted': fail(new ComfyFailure('interrupted', `${client.url}: prompt ${promptId} was interrupted`)); break;
        default: break;
      }
    };
    const onPreview = (frame: PreviewFrame): void => {
      // Type-1 frames carry no ids (§2.6): ours only while our prompt runs, on the latest progress node.
      if (frame.promptId === promptId || (frame.promptId === undefined && running)) emit({ kind: 'preview', node: frame.nodeId ?? lastProgressNode, frame });
    };
    const onReconnect = (): void => { reconcileQueue = true; void poll(); };
    const onClose = (): void => { reconcileQueue = true; };

    let historyChaser: NodeJS.Timeout | undefined;
    /** After success, history appears a moment later; read it quickly rather than waiting for the next poll. */
    const chaseHistory = (): void => {
      const read = (): void => { if (!checking && !settled) void checkHistory().catch(() => undefined); };
      read(); // `executing {node: null}` follows the write, so this first read usually finds it
      historyChaser ??= setInterval(read, historyLagRetryMs);
    };

    let cancelTimer: NodeJS.Timeout | undefined;
    const onAbort = (): void => {
      canceled = true;
      void (async () => {
        try {
          const q = await client.queue();
          if (q.queue_pending.some((item) => item[1] === promptId)) await client.deleteFromQueue([promptId]);
          else await client.interrupt(promptId);
        } catch { /* the server is gone: nothing runs there any more */ }
        // A pending prompt that was deleted never gets a history entry: done as soon as it left the queue.
        try {
          const q = await client.queue();
          if (![...q.queue_running, ...q.queue_pending].some((item) => item[1] === promptId)) {
            if (!(await client.history(promptId))) fail(new ComfyFailure('canceled', 'canceled while queued'));
          }
        } catch { fail(new ComfyFailure('canceled', 'canceled')); }
      })();
      cancelTimer = setTimeout(() => fail(new ComfyFailure('canceled', 'canceled (the server did not confirm)')), opts.cancelGraceMs ?? defaultCancelGraceMs);
    };

    client.on('message', onMessage);
    client.on('preview', onPreview);
    client.on('open', onReconnect);
    client.on('close', onClose);
    let poller: NodeJS.Timeout | undefined;
    opts.submit().then(() => {
      if (settled) return;
      lastActivity = performance.now();
      poller = setInterval(() => void poll(), pollIntervalMs);
      if (signal.aborted) onAbort();
      else signal.addEventListener('abort', onAbort, { once: true });
    }, (e: unknown) => fail(e instanceof ComfyFailure ? e : new ComfyFailure('lost', String(e), { cause: e })));
  });
}

function stringArray(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

/** A failed or interrupted history entry as a failure; `undefined` for success (§1.6). */
function failureFromHistory(entry: HistoryEntry): ComfyFailure | undefined {
  if (!entry.status || entry.status.status_str === 'success') return undefined;
  const error = entry.status.messages.find(([name]) => name === 'execution_error');
  if (error) return failureFromExecutionError(error[1]);
  if (entry.status.messages.some(([name]) => name === 'execution_interrupted')) return new ComfyFailure('interrupted', 'the prompt was interrupted');
  return new ComfyFailure('execution', `the prompt ended with status ${entry.status.status_str}`);
}

function serverGpuMs(entry: HistoryEntry): number | undefined {
  const at = (name: string) => entry.status?.messages.find(([n]) => n === name)?.[1].timestamp;
  const start = at('execution_start');
  const end = at('execution_success');
  return typeof start === 'number' && typeof end === 'number' && end >= start ? end - start : undefined;
}
