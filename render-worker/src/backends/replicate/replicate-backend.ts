import { randomUUID } from 'node:crypto';
import { TaskError, type JobType, type RenderOutput, type RenderTask } from '@shotfarm/shared';
import { recipes as shippedRecipes, type Recipe } from '@shotfarm/workflows';
import { RecipeResolver } from '../../recipes/recipe-resolver.ts';
import type { RenderBackend, RenderContext } from '../../interfaces/index.ts';
import { createPredictionOnce, findOwnPrediction } from './create-prediction-once.ts';
import { OutputCopier } from './output-copier.ts';
import { isTerminal, usageOf, type Prediction } from '@shotfarm/shared/replicate';
import { PredictionNotifier } from './prediction-notifier.ts';
import { ReplicateApi, type CreatePredictionRequest } from './replicate-api.ts';
import { ReplicateCallError, taskErrorOf } from './replicate-call-error.ts';
import { buildModelInput, imageInputsOf, replicateRecipeOf } from './replicate-recipe.ts';
import { defaultRetryPolicy, sleep, type RetryPolicy } from './retry-policy.ts';

export const defaultReplicateBaseUrl = 'https://api.replicate.com/v1';
export const defaultDeadlineS = 900;
export const defaultPollInitialMs = 1000;
export const defaultPollMaxMs = 10_000;
export const defaultWebhookPollMaxMs = 30_000;
export const defaultRequestTimeoutMs = 30_000;
export const defaultMaxOutputBytes = 256 * 1024 * 1024;
/** How long past the server-side deadline we wait for Replicate to end the prediction before we cancel it. */
export const defaultDeadlineGraceMs = 30_000;

export interface ReplicateWebhookOptions {
  /** Public URL of `POST /api/webhooks/replicate` on the studio (https in production, protocol §2.1). */
  url: string;
  /** Redis the studio publishes verified webhooks on. */
  redisUrl: string;
  /** QUEUE_PREFIX, shared with the studio. */
  prefix: string;
}

export interface ReplicateBackendOptions {
  /** REPLICATE_API_TOKEN. */
  token: string;
  /** REPLICATE_API_BASE_URL. @defaultValue {@link defaultReplicateBaseUrl} */
  baseUrl?: string;
  /** REPLICATE_DEADLINE_S, sent as `Cancel-After`. @defaultValue {@link defaultDeadlineS} */
  deadlineS?: number;
  /** Set (REPLICATE_WEBHOOK_SECRET configured): also wait for the `completed` webhook. Unset: polling only. */
  webhook?: ReplicateWebhookOptions;
  /** Recipe id → recipe. @defaultValue `recipes` of '@shotfarm/workflows' */
  recipes?: ReadonlyMap<string, Recipe>;
  /** First poll interval; grows ×1.5 per poll. @defaultValue {@link defaultPollInitialMs} */
  pollInitialMs?: number;
  /** Longest poll interval without webhooks. @defaultValue {@link defaultPollMaxMs} */
  pollMaxMs?: number;
  /** Longest poll interval when webhooks are on (polling is then only the fallback). @defaultValue {@link defaultWebhookPollMaxMs} */
  webhookPollMaxMs?: number;
  /** One HTTP call's limit. @defaultValue {@link defaultRequestTimeoutMs} */
  requestTimeoutMs?: number;
  /** Back-off of our own retries. @defaultValue {@link defaultRetryPolicy} */
  retry?: Partial<RetryPolicy>;
  /** Largest output file copied. @defaultValue {@link defaultMaxOutputBytes} */
  maxOutputBytes?: number;
  /** @defaultValue {@link defaultDeadlineGraceMs} */
  deadlineGraceMs?: number;
}

const cleanupTimeoutMs = 10_000;
/** `start` reports the boot is over; `completed` ends the wait. `output`/`logs` would only add traffic (§5.1). */
const webhookEvents = ['start', 'completed'] as const;

/**
 * Renders on Replicate per ../shared/protocols/replicate.md: upload the inputs (files API, §2.9), create
 * the prediction exactly once with a `Cancel-After` deadline, follow it by polling with back-off (and by
 * webhook when configured) to a terminal state, then copy the outputs into our storage at once.
 * The npm client is used for every call but never for its retries or `run()` (§4.3, §6.2).
 */
export class ReplicateBackend implements RenderBackend {
  readonly id = 'replicate';
  readonly jobTypes: readonly JobType[] = ['product-shot', 'model-swap', 'short-video'];
  readonly #api: ReplicateApi;
  readonly #copier: OutputCopier;
  readonly #notifier: PredictionNotifier | undefined;
  readonly #resolver: RecipeResolver;
  readonly #opts: Required<Omit<ReplicateBackendOptions, 'webhook' | 'retry'>> & { webhook: ReplicateWebhookOptions | undefined; retry: RetryPolicy };

  constructor(opts: ReplicateBackendOptions) {
    const retry = { ...defaultRetryPolicy, ...opts.retry };
    this.#opts = {
      token: opts.token, baseUrl: (opts.baseUrl ?? defaultReplicateBaseUrl).replace(/\/+$/, ''),
      deadlineS: opts.deadlineS ?? defaultDeadlineS, webhook: opts.webhook, recipes: opts.recipes ?? shippedRecipes,
      pollInitialMs: opts.pollInitialMs ?? defaultPollInitialMs, pollMaxMs: opts.pollMaxMs ?? defaultPollMaxMs,
      webhookPollMaxMs: opts.webhookPollMaxMs ?? defaultWebhookPollMaxMs, requestTimeoutMs: opts.requestTimeoutMs ?? defaultRequestTimeoutMs,
      retry, maxOutputBytes: opts.maxOutputBytes ?? defaultMaxOutputBytes, deadlineGraceMs: opts.deadlineGraceMs ?? defaultDeadlineGraceMs,
    };
    this.#api = new ReplicateApi({ token: opts.token, baseUrl: this.#opts.baseUrl, requestTimeoutMs: this.#opts.requestTimeoutMs, retry });
    this.#copier = new OutputCopier({
      apiOrigin: new URL(this.#opts.baseUrl).origin, maxOutputBytes: this.#opts.maxOutputBytes,
      requestTimeoutMs: this.#opts.requestTimeoutMs, retry,
    });
    this.#notifier = opts.webhook ? new PredictionNotifier(opts.webhook) : undefined;
    this.#resolver = new RecipeResolver({ shipped: this.#opts.recipes });
  }

  async render(task: RenderTask, ctx: RenderContext): Promise<RenderOutput[]> {
    // The shipped copy for the version this release ships; any other version is read from storage (and cached).
    const spec = replicateRecipeOf(await this.#resolver.resolve(task.recipe, ctx.storage));
    const uploaded: string[] = [];
    try {
      const imageUrls = new Map<string, string>();
      for (const name of imageInputsOf(spec, task)) {
        const input = task.inputs[name]!;
        const file = await this.#api.uploadFile(await ctx.storage.get(input.key), {
          filename: `${name}.${input.mime.split('/')[1] ?? 'bin'}`, mime: input.mime, metadata: { sf_task: task.taskId, sf_input: name },
        }, ctx.signal);
        uploaded.push(file.id);
        imageUrls.set(name, file.urls.get);
      }
      const req: CreatePredictionRequest = {
        model: spec.block.model, ...(spec.block.version ? { version: spec.block.version } : {}),
        input: buildModelInput(spec, task, imageUrls), cancelAfterS: this.#opts.deadlineS,
        ...(this.#opts.webhook ? { webhook: this.#webhookUrl(task), webhookEventsFilter: webhookEvents } : {}),
      };
      await report(ctx, { fraction: 0.05, stage: 'replicate:create' });
      const created = await this.#create(req, ctx.signal);
      const done = await this.#follow(created, ctx);
      const outputs = await this.#copy(done, task, ctx);
      await report(ctx, { fraction: 1, stage: 'stored' });
      return outputs;
    } catch (e) {
      // A bare call error must not cross the queue boundary: give it a code and a retry decision.
      throw e instanceof ReplicateCallError ? taskErrorOf(e) : e;
    } finally {
      // Uploads expire in 24 h anyway; deleting them is tidiness, never a reason to fail the task.
      const cleanup = AbortSignal.timeout(cleanupTimeoutMs);
      for (const id of uploaded) await this.#api.deleteFile(id, cleanup).catch(() => undefined);
    }
  }

  /** A per-attempt tag in the query (allowed, §2.1) lets `findOwnPrediction` recognise a lost create. */
  #webhookUrl(task: RenderTask): string {
    const url = new URL(this.#opts.webhook!.url);
    url.searchParams.set('sf_task', task.taskId);
    url.searchParams.set('sf_attempt', randomUUID());
    return url.href;
  }

  async #create(req: CreatePredictionRequest, signal: AbortSignal): Promise<Prediction> {
    const sentAtMs = Date.now();
    try {
      return await createPredictionOnce(this.#api, req, { retry: this.#opts.retry, signal });
    } catch (e) {
      if (!signal.aborted) throw e;
      // Aborted mid-create: the prediction may exist anyway. Find and cancel it so it stops billing.
      const cleanup = AbortSignal.timeout(cleanupTimeoutMs);
      const found = await findOwnPrediction(this.#api, req, sentAtMs, cleanup).catch(() => undefined);
      if (found && !isTerminal(found.status)) await this.#api.cancelPrediction(found.id, cleanup).catch(() => undefined);
      throw canceledError(e);
    }
  }

  /** Poll with back-off (woken early by a webhook) until the prediction is terminal; cancel on abort. */
  async #follow(created: Prediction, ctx: RenderContext): Promise<Prediction> {
    const startedMs = created.created_at ? Math.min(Date.parse(created.created_at) || Date.now(), Date.now()) : Date.now();
    const giveUpAtMs = startedMs + this.#opts.deadlineS * 1000 + this.#opts.deadlineGraceMs;
    const maxDelay = this.#notifier ? this.#opts.webhookPollMaxMs : this.#opts.pollMaxMs;
    let pushed: Prediction | undefined;
    let wake: (() => void) | undefined;
    const unsubscribe = await this.#notifier?.subscribe(created.id, (p) => { pushed = p; wake?.(); });
    let current = created;
    let reported: string | undefined;
    let delay = this.#opts.pollInitialMs;
    try {
      for (;;) {
        if (isTerminal(current.status)) return current;
        if (current.status !== reported) {
          reported = current.status;
          await report(ctx, { fraction: current.status === 'processing' ? 0.3 : 0.1, stage: `replicate:${current.status}` });
        }
        if (Date.now() >= giveUpAtMs) {
          const id = current.id;
          current = await this.#api.cancelPrediction(id, ctx.signal);
          throw new TaskError('SF_RENDER_REPLICATE_DEADLINE', `prediction ${id} was still running past the ${this.#opts.deadlineS} s deadline; canceled (now ${current.status})`);
        }
        if (!pushed) {
          const woken = new Promise<void>((resolve) => { wake = resolve; });
          const waitMs = Math.max(0, Math.min(delay, giveUpAtMs - Date.now()));
          await Promise.race([sleep(waitMs, ctx.signal), woken]);
          wake = undefined;
          if (ctx.signal.aborted) throw ctx.signal.reason;
        }
        const next: Prediction | undefined = pushed;
        pushed = undefined;
        current = next && next.id === current.id ? next : await this.#api.getPrediction(current.id, ctx.signal);
        delay = Math.min(Math.round(delay * 1.5), maxDelay);
      }
    } catch (e) {
      // Whatever ends the wait (abort, an outage outlasting our retries), a prediction left running keeps billing.
      if (!isTerminal(current.status)) await this.#api.cancelPrediction(current.id, AbortSignal.timeout(cleanupTimeoutMs)).catch(() => undefined);
      throw ctx.signal.aborted ? canceledError(e) : e;
    } finally {
      await unsubscribe?.();
    }
  }

  async #copy(p: Prediction, task: RenderTask, ctx: RenderContext): Promise<RenderOutput[]> {
    const why = typeof p.error === 'string' ? p.error : p.error == null ? '' : JSON.stringify(p.error);
    switch (p.status) {
      case 'succeeded': break;
      case 'failed': throw new TaskError('SF_RENDER_REPLICATE_PREDICTION_FAILED', `prediction ${p.id} failed: ${why || 'no error given'}`);
      case 'aborted': throw new TaskError('SF_RENDER_REPLICATE_ABORTED', `prediction ${p.id} did not start within the ${this.#opts.deadlineS} s deadline`, { retryable: true });
      case 'canceled':
        if (p.deadline && Date.parse(p.deadline) <= Date.parse(p.completed_at ?? '') + 1000) {
          throw new TaskError('SF_RENDER_REPLICATE_DEADLINE', `prediction ${p.id} ran past the ${this.#opts.deadlineS} s deadline and was canceled`);
        }
        throw new TaskError('SF_RENDER_REPLICATE_CANCELED', `prediction ${p.id} was canceled outside this task${why ? `: ${why}` : ''}`);
      case 'starting':
      case 'processing':
        throw new Error(`prediction ${p.id} is not terminal (${p.status})`);
    }
    await report(ctx, { fraction: 0.9, stage: 'replicate:download' });
    const usage = usageOf(p);
    // Replicate bills predict_time; it is the GPU time of the ledger.
    ctx.reportUsage({ provider: 'replicate', gpuSeconds: usage.predictTimeS ?? 0, predictionIds: [usage.predictionId] });
    return this.#copier.copy(OutputCopier.urlsOf(p.output), {
      task, storage: ctx.storage, signal: ctx.signal,
      params: (i) => ({
        ...task.params, seed: task.seed, variant: task.variantIndex,
        // Which prediction made each output; the bill itself goes with the result (ctx.reportUsage).
        replicate: { predictionId: usage.predictionId, model: usage.model, version: usage.version, outputIndex: i,
          ...(i === 0 ? { predictTimeS: usage.predictTimeS, totalTimeS: usage.totalTimeS } : {}) },
      }),
    });
  }

  async close(): Promise<void> {
    await this.#notifier?.close();
  }
}

/** Progress is best effort: a lost update must never fail the render, nor leave a prediction running. */
async function report(ctx: RenderContext, p: Parameters<RenderContext['progress']>[0]): Promise<void> {
  await ctx.progress(p).catch(() => undefined);
}

function canceledError(cause: unknown): TaskError {
  return new TaskError('SF_RENDER_CANCELED', 'canceled while rendering on Replicate', { cause });
}
