import type { ModelVersionList, ModelVersionView, QualityLabelStatus, TrainRunView } from '@shotfarm/shared';
import { apiRequest } from '../../api/client.ts';

const json = (body: unknown): RequestInit => ({ headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

/** `ctr`: the click model; `quality`: the learned quality head (issue 17). */
export type ModelName = 'ctr' | 'quality';

export const listModels = (signal?: AbortSignal, name: ModelName = 'ctr') => apiRequest<ModelVersionList>(`/api/models?name=${name}`, { signal });
export const activateModel = (version: number, override: boolean, name: ModelName = 'ctr') =>
  apiRequest<ModelVersionView>(`/api/models/${version}/activate`, { method: 'POST', ...json({ name, override }) });
export const shadowModel = (version: number) => apiRequest<ModelVersionView>(`/api/models/${version}/shadow`, { method: 'POST', ...json({ name: 'ctr' }) });
export const startRetraining = (name: ModelName = 'ctr') => apiRequest<{ jobId: string }>('/api/models/train', { method: 'POST', ...json(name === 'ctr' ? {} : { name }) });
export const getQualityLabels = (signal?: AbortSignal) => apiRequest<QualityLabelStatus>('/api/models/quality-labels', { signal });
/** Back to the transparent composite: the learned quality head stops serving (audited). */
export const backToQualityComposite = () => apiRequest<QualityLabelStatus>('/api/models/quality/deactivate', { method: 'POST' });
export const getTrainRun = (jobId: string, signal?: AbortSignal) => apiRequest<TrainRunView>(`/api/models/train/${encodeURIComponent(jobId)}`, { signal });
