import type { CreateExperiment, ExperimentCreated, ExperimentSummary, ExperimentView, SlotView } from '@shotfarm/shared';
import { apiRequest } from '../../api/client.ts';

const json = (body: unknown): RequestInit => ({ headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

/** The gallery's candidates of a job: the scorer's top K, diverse (`GET /api/jobs/:id/ranking`). */
export interface RankingPick { assetId: string; rank: number; ctr: number; ctrRelative: number; quality: number; url: string; thumbnailUrl: string | null }

export const listExperiments = (signal?: AbortSignal) => apiRequest<{ items: ExperimentSummary[]; total: number }>('/api/experiments?limit=100', { signal });
export const getExperiment = (id: string, signal?: AbortSignal) => apiRequest<ExperimentView>(`/api/experiments/${encodeURIComponent(id)}`, { signal });
export const createExperiment = (body: Partial<CreateExperiment> & Pick<CreateExperiment, 'sku' | 'slot' | 'arms'>) =>
  apiRequest<ExperimentCreated>('/api/experiments', { method: 'POST', ...json(body) });
export const stopExperiment = (id: string) => apiRequest<ExperimentView>(`/api/experiments/${encodeURIComponent(id)}/stop`, { method: 'POST' });
export const promoteExperiment = (id: string, assetId?: string) =>
  apiRequest<ExperimentView>(`/api/experiments/${encodeURIComponent(id)}/promote`, { method: 'POST', ...json(assetId ? { assetId } : {}) });
export const getSlot = (sku: string, slot: string, signal?: AbortSignal) => apiRequest<SlotView>(`/api/slots/${encodeURIComponent(sku)}/${encodeURIComponent(slot)}`, { signal });
export const rollbackSlot = (sku: string, slot: string) => apiRequest<SlotView>(`/api/slots/${encodeURIComponent(sku)}/${encodeURIComponent(slot)}/rollback`, { method: 'POST' });
export const getRanking = (jobId: string, k: number) =>
  apiRequest<{ picks: RankingPick[]; pending: number }>(`/api/jobs/${encodeURIComponent(jobId)}/ranking?k=${k}`);
