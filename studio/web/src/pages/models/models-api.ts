import type { ModelVersionList, ModelVersionView, TrainRunView } from '@shotfarm/shared';
import { apiRequest } from '../../api/client.ts';

const json = (body: unknown): RequestInit => ({ headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

export const listModels = (signal?: AbortSignal) => apiRequest<ModelVersionList>('/api/models?name=ctr', { signal });
export const activateModel = (version: number, override: boolean) =>
  apiRequest<ModelVersionView>(`/api/models/${version}/activate`, { method: 'POST', ...json({ name: 'ctr', override }) });
export const shadowModel = (version: number) => apiRequest<ModelVersionView>(`/api/models/${version}/shadow`, { method: 'POST', ...json({ name: 'ctr' }) });
export const startRetraining = () => apiRequest<{ jobId: string }>('/api/models/train', { method: 'POST', ...json({}) });
export const getTrainRun = (jobId: string, signal?: AbortSignal) => apiRequest<TrainRunView>(`/api/models/train/${encodeURIComponent(jobId)}`, { signal });
