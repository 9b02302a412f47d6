import { createWriteStream, openAsBlob } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import cliProgress from 'cli-progress';
import type { LaunchAccepted, LaunchView } from '@shotfarm/shared';

export interface LaunchCommandOptions {
  api: string;
  key: string;
  manifest?: string;
  photos?: string;
  /** `recipe:variants`, e.g. product-shot/studio-local:4 */
  recipes: string[];
  pick: number;
  profile?: string;
  /** Yuan. */
  budgetYuan?: number;
  acceptPartial: boolean;
  experiment: boolean;
  resume?: string;
  out: string;
  pollMs: number;
  /** Where lines go (stderr for the bar, stdout for the result). */
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

const yuan = (milliFen: number): string => `¥${(milliFen / 100_000).toFixed(2)}`;

/** Parse `recipe:variants` (variants default 1). */
export function parseRecipeArg(arg: string): { recipe: string; variants: number } {
  const at = arg.lastIndexOf(':');
  const recipe = at > 0 ? arg.slice(0, at) : arg;
  const variants = at > 0 ? Number(arg.slice(at + 1)) : 1;
  if (!/^[a-z0-9-]+\/[a-z0-9-]+$/.test(recipe) || !Number.isInteger(variants) || variants < 1) {
    throw new Error(`--recipe ${arg}: expected <job-type>/<name>[:variants], e.g. product-shot/studio-local:4`);
  }
  return { recipe, variants };
}

class ApiFailure extends Error {
  constructor(readonly status: number, readonly body: { code?: string; message?: string; details?: unknown }) {
    super(`${status} ${body.code ?? ''} ${body.message ?? ''}`.trim());
  }
}

/**
 * `shotfarm launch`: start (or `--resume`) a launch over the HTTP API with an API key, follow it with a progress bar
 * (SKUs done / failed / skipped, ETA, spend so far), then download the report ZIP. Resolves to the exit code:
 * 0 finished with at least one SKU picked, 1 failed (nothing usable, or the API refused), 2 canceled.
 */
export async function runLaunchCommand(o: LaunchCommandOptions): Promise<number> {
  const base = o.api.replace(/\/+$/, '');
  const auth = { authorization: `Bearer ${o.key}` };
  const say = (line: string) => o.stdout.write(`${line}\n`);
  const call = async <T>(url: string, init: RequestInit = {}): Promise<{ status: number; body: T }> => {
    const res = await fetch(`${base}${url}`, { ...init, headers: { ...auth, ...(init.headers ?? {}) } });
    const body = await res.json().catch(() => ({})) as T;
    if (res.status >= 400) throw new ApiFailure(res.status, body as { code?: string; message?: string; details?: unknown });
    return { status: res.status, body };
  };

  let launchId = o.resume;
  try {
    if (!launchId) {
      if (!o.manifest) throw new Error('give a manifest file, or --resume <launch id>');
      if (o.recipes.length === 0) throw new Error('give at least one --recipe <job-type>/<name>[:variants]');
      const plan = {
        recipes: o.recipes.map(parseRecipeArg), pick: o.pick, ...(o.profile ? { profile: o.profile } : {}),
        ...(o.budgetYuan !== undefined ? { budget: Math.round(o.budgetYuan * 100_000) } : {}), acceptPartial: o.acceptPartial, experiment: o.experiment,
      };
      const form = new FormData();
      // openAsBlob: the files stream from disk as the request is sent, never read whole into memory.
      form.append('manifest', await openAsBlob(o.manifest), path.basename(o.manifest));
      if (o.photos) form.append('photos', await openAsBlob(o.photos), path.basename(o.photos));
      form.append('plan', JSON.stringify(plan));
      const { status, body } = await call<LaunchAccepted>('/api/launches', { method: 'POST', body: form });
      launchId = body.id;
      say(`${status === 201 ? 'Launch started' : 'Same manifest and plan as an existing launch; following it'}: ${body.id} (${body.accepted} SKUs accepted, ${body.rejected.length} rows rejected)`);
      for (const r of body.rejected) say(`  line ${r.line}, column ${r.column}: ${r.reason} [${r.code}]`);
    } else {
      say(`Resuming ${launchId}`);
    }

    const bar = new cliProgress.SingleBar({
      stream: o.stderr, etaBuffer: 20, hideCursor: true, clearOnComplete: false,
      // Piped into a log (CI, a file), the bar still reports, one line every few seconds.
      noTTYOutput: true, notTTYSchedule: 3000,
      format: 'SKUs {bar} {value}/{total} | done {done} · failed {failed} · skipped {skipped} · review {review} | ETA {etaText} | spent {spend}',
    }, cliProgress.Presets.shades_classic);
    let view = (await call<LaunchView>(`/api/launches/${launchId}`)).body;
    const payload = (v: LaunchView) => ({
      done: v.skus.done, failed: v.skus.failed, skipped: v.skus.skippedBudget, review: v.skus.needsReview, spend: yuan(v.spend),
      etaText: v.eta ? `${Math.max(0, Math.round((Date.parse(v.eta) - Date.now()) / 1000))}s` : '—',
    });
    const ended = (v: LaunchView) => v.skus.total - v.skus.pending - v.skus.rendering;
    bar.start(view.skus.total, ended(view), payload(view));
    while (view.status === 'queued' || view.status === 'running') {
      await new Promise((r) => setTimeout(r, o.pollMs));
      view = (await call<LaunchView>(`/api/launches/${launchId}`)).body;
      bar.update(ended(view), payload(view));
    }
    bar.stop();

    const zipPath = path.resolve(o.out, `launch-${launchId}.zip`);
    const res = await fetch(`${base}/api/launches/${launchId}/report.zip`, { headers: auth });
    if (!res.ok || !res.body) throw new ApiFailure(res.status, await res.json().catch(() => ({})) as { code?: string });
    await pipeline(Readable.fromWeb(res.body as WebReadableStream), createWriteStream(zipPath));
    const s = view.skus;
    say(`Launch ${view.status}: ${s.done} done, ${s.needsReview} need review, ${s.failed} failed, ${s.skippedBudget} skipped (budget), ${s.canceled} canceled; spent ${yuan(view.spend)}`);
    say(`Report: ${zipPath}`);
    if (view.status === 'canceled') return 2;
    return s.done + s.needsReview > 0 ? 0 : 1;
  } catch (e) {
    if (e instanceof ApiFailure) {
      say(`The API refused: ${e.message}`);
      const rejected = (e.body.details as { rejected?: { line: number; column: string; reason: string; code: string }[] } | undefined)?.rejected ?? [];
      for (const r of rejected) say(`  line ${r.line}, column ${r.column}: ${r.reason} [${r.code}]`);
      return 1;
    }
    throw e;
  }
}
