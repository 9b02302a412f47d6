import { createHash, randomUUID } from 'node:crypto';
import sharp from 'sharp';
import { TaskError, type AssetMime, type ComfyApiGraph, type JobType, type RenderOutput, type RenderTask } from '@shotfarm/shared';
import type { ComfyServerSpec } from '@shotfarm/shared/config';
import { recipes as allRecipes, bindComfyGraph } from '@shotfarm/workflows';
import type { RenderBackend, RenderContext } from '../../interfaces/index.ts';
import { storeImageOutput } from '../../outputs/store-output.ts';
// Written for the replicate backend; belongs in outputs/ next to storeImageOutput (told the lead).
import { storeVideoOutput } from '../../outputs/store-video-output.ts';
import type { ComfyClient } from './comfy-client.ts';
import type { ComfyPoolServer } from './comfy-pool-server.ts';
import { ComfyFailure, filesOf, type HistoryEntry } from '@shotfarm/shared/comfyui';
import { ComfyServerPool, type ComfyBlocklistChange } from './comfy-server-pool.ts';
import { PromptProgress } from './prompt-progress.ts';
import { watchPrompt } from './prompt-watch.ts';
import { comfyViewOf, requirementsOf, type ComfyRecipeSource, type ComfyRecipeView } from './recipe-comfy-view.ts';
import { RecipeResolver } from '../../recipes/recipe-resolver.ts';

/** A plain object, so the backend registry (and `config.comfyui`) can pass it straight through. */
export interface ComfyUIBackendOptions {
  servers: readonly ComfyServerSpec[];
  /** @defaultValue 1 */
  slotsPerServer?: number;
  /** A prompt with no progress for this long fails over. @defaultValue 300 */
  watchdogS?: number;
  /** @defaultValue 10_000 */
  healthIntervalMs?: number;
  /** How long a server that failed a recipe 3 times in a row gets no more of it. @defaultValue 1800 */
  blocklistS?: number;
  /** See `ComfyServerPoolOptions.now`: the clock blocklistings are timed by. */
  now?: () => number;
  /** History poll (the websocket fallback). @defaultValue 1000 */
  pollIntervalMs?: number;
  /** @defaultValue 10_000 */
  requestTimeoutMs?: number;
  /** How long a task waits for a capable server. @defaultValue 60_000 */
  waitForServerMs?: number;
  /**
   * Recipes shipped with this release, by id. A task naming another version (a recipe published in the studio) is
   * read from storage by version (see `RecipeResolver`). @defaultValue every recipe of `@shotfarm/workflows`
   */
  recipes?: ReadonlyMap<string, ComfyRecipeSource>;
  /** See `ComfyServerPoolOptions.onBlocklistChange`; the worker process points it at a `ComfyBlocklistBoard`. */
  onBlocklistChange?: (change: ComfyBlocklistChange) => void;
}

/** Bytes downloaded from a server, not yet stored. */
interface FetchedFile {
  bytes: Buffer;
  filename: string;
}

interface AttemptResult {
  files: FetchedFile[];
  gpuMs: number;
}

const defaultWatchdogS = 300;
const uploadFolder = 'shotfarm';
const videoExtensions = /\.(mp4|webm|mov|mkv)$/i;
const mp4Extension = /\.mp4$/i;

/**
 * Renders recipes whose manifest has a `comfyui` block on a pool of ComfyUI servers
 * (../shared/protocols/comfyui.md). Retries across servers happen here, inside one BullMQ attempt,
 * because only the pool knows which server failed and why; BullMQ still retries what the pool gives up
 * on as retryable (no server free) and never what it calls final.
 */
export class ComfyUIBackend implements RenderBackend {
  readonly id = 'comfyui';
  readonly jobTypes: readonly JobType[] = ['model-swap', 'product-shot', 'short-video'];
  readonly pool: ComfyServerPool;
  readonly #recipes: RecipeResolver;
  readonly #watchdogMs: number;
  readonly #pollIntervalMs: number | undefined;
  readonly #ready: Promise<void>;

  constructor(opts: ComfyUIBackendOptions) {
    this.#recipes = new RecipeResolver({ shipped: opts.recipes ?? allRecipes });
    this.#watchdogMs = (opts.watchdogS ?? defaultWatchdogS) * 1000;
    this.#pollIntervalMs = opts.pollIntervalMs;
    this.pool = new ComfyServerPool({
      servers: opts.servers,
      ...(opts.slotsPerServer !== undefined && { slotsPerServer: opts.slotsPerServer }),
      ...(opts.healthIntervalMs !== undefined && { healthIntervalMs: opts.healthIntervalMs }),
      ...(opts.blocklistS !== undefined && { blocklistMs: opts.blocklistS * 1000 }),
      ...(opts.now && { now: opts.now }),
      ...(opts.waitForServerMs !== undefined && { waitForServerMs: opts.waitForServerMs }),
      ...(opts.requestTimeoutMs !== undefined && { client: { requestTimeoutMs: opts.requestTimeoutMs } }),
      ...(opts.onBlocklistChange && { onBlocklistChange: opts.onBlocklistChange }),
    });
    this.#ready = this.pool.start();
  }

  /** Resolves after the first health round; `render` waits for it itself. */
  ready(): Promise<void> {
    return this.#ready;
  }

  async render(task: RenderTask, ctx: RenderContext): Promise<RenderOutput[]> {
    const recipe: ComfyRecipeSource = await this.#recipes.resolve(task.recipe, ctx.storage);
    const view = comfyViewOf(recipe);
    const inputs = await readInputs(task, view, ctx);
    await ctx.progress({ fraction: 0.05, stage: 'inputs' });
    await this.#ready;

    const { value, server, attempts } = await this.pool.run<AttemptResult>({
      recipeId: task.recipe.id,
      requirements: requirementsOf(view),
      ...(task.server ? { onlyServer: task.server } : {}),
      signal: ctx.signal,
      attempt: (s) => this.#attempt(s, task, view, inputs, ctx),
    });

    const params = {
      ...task.params, seed: task.seed, variant: task.variantIndex,
      comfyServer: server.name, comfyGpu: server.spec.gpu ?? null, fenPerHour: server.spec.fenPerHour,
      gpuSeconds: Math.round(value.gpuMs / 10) / 100, comfyAttempts: attempts,
    };
    ctx.reportUsage({
      provider: 'comfyui', gpuSeconds: params.gpuSeconds, server: server.name, fenPerHour: server.spec.fenPerHour,
      ...(server.spec.gpu && { gpu: server.spec.gpu }),
    });
    const outputs: RenderOutput[] = [];
    for (const file of value.files) outputs.push(await storeFile(ctx, task, file, params));
    await ctx.progress({ fraction: 1, stage: 'stored' });
    return outputs;
  }

  /** One server: upload, bind, queue, follow, download. Any `ComfyFailure` goes back to the pool. */
  async #attempt(server: ComfyPoolServer, task: RenderTask, view: ComfyRecipeView, inputs: Map<string, Buffer>, ctx: RenderContext): Promise<AttemptResult> {
    const client = server.client;
    const values: Record<string, string | number | boolean> = {};
    for (const input of view.inputs) {
      if (!view.comfyui.bindings[input.name]) continue;
      if (input.kind === 'seed') values[input.name] = task.seed;
      else if (input.kind === 'image') {
        const bytes = inputs.get(input.name);
        if (bytes) values[input.name] = await upload(client, bytes, task);
      } else {
        const v = task.params[input.name];
        if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') values[input.name] = v;
      }
    }
    let graph: ComfyApiGraph;
    try {
      graph = bindComfyGraph(view.comfyui.graph, view.comfyui.bindings, values);
    } catch (e) {
      throw new TaskError('SF_RENDER_COMFY_RECIPE_INVALID', `recipe ${task.recipe.id}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }

    const progress = new PromptProgress(graph);
    const promptId = randomUUID();
    await ctx.progress({ fraction: 0.1, stage: `queued on ${server.name}`.slice(0, 64) }).catch(() => undefined);
    const outcome = await watchPrompt({
      client, promptId, signal: ctx.signal, watchdogMs: this.#watchdogMs,
      ...(this.#pollIntervalMs !== undefined && { pollIntervalMs: this.#pollIntervalMs }),
      submit: async () => { await client.queuePrompt(graph, promptId); },
      // Progress is best effort: a lost update must never fail the render.
      onEvent: (e) => { const p = progress.update(e); if (p) ctx.progress(p).catch(() => undefined); },
    });
    return { files: await download(client, outcome.entry), gpuMs: outcome.gpuMs };
  }

  async close(): Promise<void> {
    await this.pool.close();
  }
}

/** Every image input the recipe binds, read from storage once for all attempts. */
async function readInputs(task: RenderTask, view: ComfyRecipeView, ctx: RenderContext): Promise<Map<string, Buffer>> {
  const bytes = new Map<string, Buffer>();
  for (const input of view.inputs.filter((i) => i.kind === 'image')) {
    const ref = task.inputs[input.name];
    if (!ref) {
      if (input.required === true) throw new TaskError('SF_RENDER_TASK_INVALID', `input "${input.name}" is missing`);
      continue;
    }
    bytes.set(input.name, await ctx.storage.get(ref.key));
  }
  return bytes;
}

/**
 * Named by content under `shotfarm/<jobId>`: a retry or a second variant uploads the same name, which
 * the server treats as a duplicate (§1.7). The answer's name is used, never our guess.
 */
async function upload(client: ComfyClient, bytes: Buffer, task: RenderTask): Promise<string> {
  const meta = await sharp(bytes).metadata().catch(() => undefined);
  const ext = meta?.format === 'jpeg' ? 'jpg' : (meta?.format ?? 'png');
  const name = `${createHash('sha256').update(bytes).digest('hex').slice(0, 24)}.${ext}`;
  const uploaded = await client.uploadImage(bytes, name, `${uploadFolder}/${task.jobId}`);
  return uploaded.subfolder ? `${uploaded.subfolder}/${uploaded.name}` : uploaded.name;
}

/** Saved files (`type: output`) of every node; temp previews only when a graph saves nothing (§4). */
async function download(client: ComfyClient, entry: HistoryEntry): Promise<FetchedFile[]> {
  const all = Object.values(entry.outputs).flatMap((ui) => filesOf(ui));
  const saved = all.filter((f) => f.type === 'output');
  const chosen = saved.length > 0 ? saved : all.filter((f) => f.type === 'temp');
  if (chosen.length === 0) throw new ComfyFailure('execution', `${client.url}: the prompt finished without output files`);
  const files: FetchedFile[] = [];
  for (const f of chosen) files.push({ bytes: await client.view(f), filename: f.filename });
  return files;
}

const imageMimes: Record<string, AssetMime> = { png: 'image/png', jpeg: 'image/jpeg', webp: 'image/webp', gif: 'image/gif' };

async function storeFile(ctx: RenderContext, task: RenderTask, file: FetchedFile, params: RenderOutput['params']): Promise<RenderOutput> {
  if (videoExtensions.test(file.filename)) {
    // AssetMime has only video/mp4: a recipe must save MP4 (SaveVideo format mp4, VHS video/h264-mp4).
    if (!mp4Extension.test(file.filename)) throw new TaskError('SF_RENDER_COMFY_RECIPE_INVALID', `output ${file.filename}: the recipe must save MP4 video`);
    return storeVideoOutput(ctx.storage, { task, bytes: file.bytes, params });
  }
  const meta = await sharp(file.bytes).metadata().catch(() => undefined);
  const mime = meta?.format ? imageMimes[meta.format] : undefined;
  if (!meta?.width || !meta.height || !mime) throw new TaskError('SF_RENDER_FAILED', `output ${file.filename} is not an image we can store`);
  return storeImageOutput(ctx.storage, { task, bytes: file.bytes, mime, width: meta.width, height: meta.height, params });
}
