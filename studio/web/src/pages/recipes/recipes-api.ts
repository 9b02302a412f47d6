import type {
  JobAccepted, JobTrial, RecipeTrialRequest, RecipeCapability, RecipeDraftUpdate, RecipeDraftView, RecipePublished, RecipeVersionDiff, RecipeVersionSummary,
} from '@shotfarm/shared';
import { apiRequest } from '../../api/client.ts';

// The recipe workshop's calls (issue 13). Types come from @shotfarm/shared (types only: no zod in the bundle).

const json = (body: unknown): RequestInit => ({ headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
/** `product-shot/my-scene` → `product-shot/my-scene` with each part escaped: the API takes the id as two path segments. */
const idPath = (id: string): string => id.split('/').map(encodeURIComponent).join('/');

export interface DraftListItem {
  id: string; recipeId: string; type: string; title: { 'zh-CN': string; en: string }; source: string; fileName: string | null;
  nodeCount: number; issues: string[]; updatedAt: string | null; published: { id: string; version: number } | null;
}
export interface ImportAnswer { id: string; source: string; warnings: string[] }

export const listDrafts = (signal?: AbortSignal) => apiRequest<{ items: DraftListItem[] }>('/api/recipes/drafts', { signal });
export const getDraft = (id: string, signal?: AbortSignal) => apiRequest<RecipeDraftView>(`/api/recipes/drafts/${encodeURIComponent(id)}`, { signal });
export const updateDraft = (id: string, update: RecipeDraftUpdate) =>
  apiRequest<RecipeDraftView>(`/api/recipes/drafts/${encodeURIComponent(id)}`, { method: 'POST', ...json(update) });
export const getDraftCapabilities = (id: string, signal?: AbortSignal) =>
  apiRequest<{ items: RecipeCapability[] }>(`/api/recipes/drafts/${encodeURIComponent(id)}/capabilities`, { signal });
export const tryDraft = (id: string, request: RecipeTrialRequest) =>
  apiRequest<JobAccepted & { trial: JobTrial }>(`/api/recipes/drafts/${encodeURIComponent(id)}/trial`, { method: 'POST', ...json(request) });
export const publishDraft = (id: string) => apiRequest<RecipePublished>(`/api/recipes/drafts/${encodeURIComponent(id)}/publish`, { method: 'POST' });
export function importWorkflowFile(file: Blob, fileName: string): Promise<ImportAnswer> {
  const form = new FormData();
  form.append('file', file, fileName);
  return apiRequest<ImportAnswer>('/api/recipes/import', { method: 'POST', body: form });
}
export const importWorkflowJson = (text: string) =>
  apiRequest<ImportAnswer>('/api/recipes/import', { method: 'POST', headers: { 'content-type': 'application/json' }, body: text });
export const listVersions = (signal?: AbortSignal) => apiRequest<{ items: RecipeVersionSummary[] }>('/api/recipes/versions', { signal });
export const deprecateVersion = (id: string, version: number) =>
  apiRequest<RecipeVersionSummary>(`/api/recipes/${idPath(id)}/versions/${version}/deprecate`, { method: 'POST' });
export const diffVersions = (id: string, from: number, to: number) =>
  apiRequest<RecipeVersionDiff>(`/api/recipes/${idPath(id)}/diff?from=${from}&to=${to}`);
export const getCapabilities = (id: string, signal?: AbortSignal) =>
  apiRequest<{ items: RecipeCapability[] }>(`/api/recipes/${idPath(id)}/capabilities`, { signal });
