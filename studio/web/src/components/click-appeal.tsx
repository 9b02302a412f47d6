import { createContext, useContext } from 'react';
import { useQuery } from '@tanstack/react-query';
import type { ModelVersionList, ModelVersionView } from '@shotfarm/shared';
import { apiRequest } from '../api/client.ts';
import type { Translate } from '../i18n/i18n.ts';

/**
 * The active CTR model as the pages that show scores know it. Undefined while unknown: then no percentage is shown,
 * because a simulator-trained model's output is not a CTR and we cannot yet tell which kind is active.
 */
export const ActiveCtrModelContext = createContext<ModelVersionView | undefined>(undefined);

/** One request per page (cached a minute): the active version of the `ctr` model, with its card. */
export function useActiveCtrModel(): ModelVersionView | undefined {
  const models = useQuery({
    queryKey: ['models', 'ctr'], staleTime: 60_000,
    queryFn: ({ signal }) => apiRequest<ModelVersionList>('/api/models?name=ctr', { signal }),
  });
  return models.data?.items.find((m) => m.status === 'active');
}

export interface AppealInput {
  /** The model's output: σ(bias + w·z). */
  ctr: number;
  /** `ctr` over the mean of the same product's candidates, when the list carried it. */
  ctrRelative?: number | undefined;
}

export interface AppealText {
  kind: 'relative' | 'ctr';
  text: string;
  title: string;
}

const percent = (x: number) => (x * 100).toFixed(1);

/**
 * What a score's CTR part may honestly say. A model trained on real clicks: the calibrated CTR with its calibration
 * error as the interval. Anything else (simulator-trained, or not known yet): the relative click appeal within the
 * product — never a percentage.
 */
export function describeAppeal(score: AppealInput, model: ModelVersionView | undefined, t: Translate): AppealText {
  const metrics = model?.card.metrics;
  if (model?.card.trainedOn === 'clicks' && metrics) {
    const ece = metrics.expectedCalibrationError;
    return {
      kind: 'ctr',
      text: t('appeal.ctr', { value: percent(score.ctr), low: percent(Math.max(0, score.ctr - ece)), high: percent(Math.min(1, score.ctr + ece)) }),
      title: t('appeal.ctrTip', { version: model.modelVersion, ece: percent(ece) }),
    };
  }
  const title = model
    ? t('appeal.relativeTip', { version: model.modelVersion, data: t(`appeal.trainedOn.${model.card.trainedOn}`) })
    : t('appeal.unknownModelTip');
  const text = score.ctrRelative === undefined ? t('appeal.relativePending') : t('appeal.relative', { value: score.ctrRelative.toFixed(2) });
  return { kind: 'relative', text, title };
}

/** The CTR part of a score line: relative click appeal, or a calibrated CTR for a real-click model (see `describeAppeal`). */
export function ClickAppeal({ score, t }: { score: AppealInput; t: Translate }) {
  const model = useContext(ActiveCtrModelContext);
  const appeal = describeAppeal(score, model, t);
  return <span data-testid="ctr" data-kind={appeal.kind} title={appeal.title} className="click-appeal">{appeal.text}</span>;
}

/** Each value over the mean of all of them (candidates of one product compared among themselves). */
export function relativeToMean(values: readonly (number | null)[]): (number | undefined)[] {
  const known = values.filter((v): v is number => v !== null);
  const mean = known.length > 0 ? known.reduce((a, b) => a + b, 0) / known.length : 0;
  return values.map((v) => (v === null || mean <= 0 ? undefined : v / mean));
}
