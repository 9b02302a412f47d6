import type { LaunchAccepted, LaunchCandidate, LaunchList, LaunchPreview, LaunchSkuPage, LaunchSkuStatus, LaunchSkuView, LaunchView } from '@shotfarm/shared';
import { apiRequest } from '../../api/client.ts';

/** The plan as the form holds it; sent as the multipart field `plan`. */
export interface PlanForm {
  recipe: string;
  variants: number;
  pick: number;
  profile: string;
  /** Yuan; null: no budget. */
  budgetYuan: number | null;
  acceptPartial: boolean;
  experiment: boolean;
}

function launchForm(manifest: File, photos: File | null, plan: PlanForm): FormData {
  const form = new FormData();
  form.append('manifest', manifest, manifest.name);
  if (photos) form.append('photos', photos, photos.name);
  form.append('plan', JSON.stringify({
    recipes: [{ recipe: plan.recipe, variants: plan.variants }], pick: plan.pick, profile: plan.profile, acceptPartial: plan.acceptPartial, experiment: plan.experiment,
    ...(plan.budgetYuan ? { budget: Math.round(plan.budgetYuan * 100_000) } : {}), name: manifest.name,
  }));
  return form;
}

export const previewLaunch = (manifest: File, photos: File | null, plan: PlanForm): Promise<LaunchPreview> =>
  apiRequest('/api/launches/preview', { method: 'POST', body: launchForm(manifest, photos, plan) });
export const startLaunch = (manifest: File, photos: File | null, plan: PlanForm): Promise<LaunchAccepted> =>
  apiRequest('/api/launches', { method: 'POST', body: launchForm(manifest, photos, plan) });
export const listLaunches = (signal?: AbortSignal): Promise<LaunchList> => apiRequest('/api/launches', { signal });
export const getLaunch = (id: string, signal?: AbortSignal): Promise<LaunchView> => apiRequest(`/api/launches/${id}`, { signal });
export const cancelLaunch = (id: string): Promise<LaunchView> => apiRequest(`/api/launches/${id}/cancel`, { method: 'POST' });
export function listLaunchSkus(id: string, q: { status?: LaunchSkuStatus; q?: string; after?: number }, signal?: AbortSignal): Promise<LaunchSkuPage> {
  const params = new URLSearchParams({ limit: '100', after: String(q.after ?? 0) });
  if (q.status) params.set('status', q.status);
  if (q.q) params.set('q', q.q);
  return apiRequest(`/api/launches/${id}/skus?${params}`, { signal });
}
export const listCandidates = (id: string, skuId: string, signal?: AbortSignal): Promise<{ items: LaunchCandidate[] }> =>
  apiRequest(`/api/launches/${id}/skus/${skuId}/candidates`, { signal });
export const setPicks = (id: string, skuId: string, slot: string, assetIds: string[]): Promise<LaunchSkuView> =>
  apiRequest(`/api/launches/${id}/skus/${skuId}/picks`, { method: 'PUT', body: JSON.stringify({ slot, assetIds }), headers: { 'content-type': 'application/json' } });
