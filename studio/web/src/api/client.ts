import type { AssetView, ImageScore, JobAccepted, JobEvent, JobRequest, JobType, JobView } from '@shotfarm/shared';

// Types only from @shotfarm/shared: its runtime schemas would pull zod into the bundle, and the API already
// validates every body it answers (response schemas in studio/server/src/routes).

/** A localised title or description, as recipes carry them. */
export interface Localised {
  'zh-CN': string;
  en: string;
}

/** The subset of JSON Schema the studio reads to build a recipe's form. */
export interface ParamSchema {
  type?: string;
  enum?: readonly (string | number)[];
  default?: unknown;
  minimum?: number;
  maximum?: number;
  description?: string;
}

/** One recipe as `GET /api/recipes` lists it (studio/server/src/routes/recipes.ts). */
export interface RecipeSummary {
  id: string;
  version: number;
  type: JobType;
  title: Localised;
  description: Localised;
  backend: string;
  /** False when no configured render backend can run it; the API would answer SF_BACKEND_REQUIRED. */
  available: boolean;
  inputs: { name: string; role: string; required: boolean; label: Localised }[];
  /** JSON Schema of the parameters (zod's `toJSONSchema`, input side, so defaults are listed). */
  params: { type?: string; properties?: Record<string, ParamSchema>; required?: string[] };
  estimateSecondsPerTask: number;
}

/** What a client sends; the API fills `params`, `variants` and `priority` defaults. */
export type JobSubmission = Pick<JobRequest, 'type' | 'recipe' | 'inputs'> & Partial<Pick<JobRequest, 'params' | 'variants' | 'priority'>>;

/** The code the studio gives a request that never got an HTTP answer (offline, DNS, the API down). */
export const networkErrorCode = 'SF_WEB_NETWORK';
/** The code the studio gives an answer that is not the API's `{ code, message }` shape (a proxy's 502 page). */
export const unexpectedResponseCode = 'SF_WEB_UNEXPECTED_RESPONSE';

/** A failed API call: the API's `{ code, message, details? }`, plus the HTTP status (0 when there was none). */
export class ApiRequestError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: unknown;
  constructor(opts: { status: number; code: string; message: string; details?: unknown; cause?: unknown }) {
    super(opts.message, { cause: opts.cause });
    this.name = 'ApiRequestError';
    this.status = opts.status;
    this.code = opts.code;
    this.details = opts.details;
  }
}

async function request<T>(path: string, init: RequestInit = {}): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, { ...init, headers: { accept: 'application/json', ...init.headers } });
  } catch (cause) {
    if (init.signal?.aborted) throw cause; // an abort is the caller's decision, not a failure to report
    throw new ApiRequestError({ status: 0, code: networkErrorCode, message: String(cause), cause });
  }
  const body: unknown = await res.json().catch(() => undefined);
  if (res.ok) return body as T;
  if (isApiErrorBody(body)) throw new ApiRequestError({ status: res.status, ...body });
  throw new ApiRequestError({ status: res.status, code: unexpectedResponseCode, message: `HTTP ${res.status} ${res.statusText}` });
}

function isApiErrorBody(body: unknown): body is { code: string; message: string; details?: unknown } {
  return typeof body === 'object' && body !== null
    && typeof (body as { code?: unknown }).code === 'string' && typeof (body as { message?: unknown }).message === 'string';
}

/** `POST /api/assets`: upload one image as multipart field `file`. */
export function uploadAsset(file: Blob, fileName: string, signal?: AbortSignal): Promise<AssetView> {
  const form = new FormData();
  form.append('file', file, fileName);
  return request<AssetView>('/api/assets', { method: 'POST', body: form, signal });
}

/** `GET /api/assets/:id/score`: the score, or `null` while the scorer has not reached the image (202). */
export async function getAssetScore(assetId: string, signal?: AbortSignal): Promise<ImageScore | null> {
  const body = await request<ImageScore | { status: 'pending' }>(`/api/assets/${encodeURIComponent(assetId)}/score`, { signal });
  return 'status' in body ? null : body;
}

/** `GET /api/recipes`. */
export async function listRecipes(signal?: AbortSignal): Promise<RecipeSummary[]> {
  return (await request<{ items: RecipeSummary[] }>('/api/recipes', { signal })).items;
}

/** `POST /api/jobs`: 201 with the new job's id; 422 when params or inputs are refused. */
export function submitJob(job: JobSubmission): Promise<JobAccepted> {
  return request<JobAccepted>('/api/jobs', {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(job),
  });
}

/** `GET /api/jobs/:id`: the job with its tasks and outputs. */
export function getJob(jobId: string, signal?: AbortSignal): Promise<JobView> {
  return request<JobView>(`/api/jobs/${encodeURIComponent(jobId)}`, { signal });
}

/** `POST /api/jobs/:id/cancel`: no body, so no content-type (fastify refuses an empty JSON body). */
export function cancelJob(jobId: string): Promise<JobView> {
  return request<JobView>(`/api/jobs/${encodeURIComponent(jobId)}/cancel`, { method: 'POST' });
}

/** The job events the stream carries, by SSE event name. */
export type JobEventByName = { [E in JobEvent as E['type']]: E };
export type JobEventName = keyof JobEventByName;
const jobEventNames: readonly JobEventName[] = ['task-progress', 'task-done', 'job-done'];

/**
 * Opens `GET /api/jobs/:id/events`. The stream replays the job's events from the start, so opening it
 * after the submit answered misses nothing; EventSource reconnects by itself with `Last-Event-ID`.
 * Returns the EventSource so the caller can watch `error` and close it.
 */
export function openJobEvents(jobId: string, onEvent: (e: JobEvent) => void): EventSource {
  const source = new EventSource(`/api/jobs/${encodeURIComponent(jobId)}/events`);
  for (const name of jobEventNames) {
    source.addEventListener(name, (msg) => {
      try {
        onEvent(JSON.parse((msg as MessageEvent<string>).data) as JobEvent);
      } catch {
        // a malformed event is skipped; the refetch on the next task-done brings the truth
      }
    });
  }
  return source;
}
