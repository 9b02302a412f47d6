import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Popconfirm, Space } from 'antd';
import type { QualityLabelStatus } from '@shotfarm/shared';
import { ErrorNotice } from '../../components/error-notice.tsx';
import { describeError } from '../../i18n/error-message.ts';
import { useI18n } from '../../i18n/i18n.ts';
import { activateModel, backToQualityComposite, getQualityLabels, getTrainRun, listModels, startRetraining } from './models-api.ts';
import type { ModelTable } from './model-table.tsx';

/** How many designers' labels there are, how many training needs, and what gives the quality score now. */
export function QualityLabelSummary({ status }: { status: QualityLabelStatus }) {
  const { t } = useI18n();
  const missing = Math.max(0, status.needed - status.labels);
  return (
    <Space orientation="vertical" size={2} data-testid="quality-labels">
      <span>{t('quality.labels', { labels: status.labels, approved: status.approved, rejected: status.rejected, needed: status.needed })}</span>
      {missing > 0 && <span className="muted" data-testid="quality-labels-short">{t('quality.labelsShort', { missing })}</span>}
      <strong data-testid="quality-active">{status.activeVersion ? t('quality.active', { version: status.activeVersion }) : t('quality.composite')}</strong>
    </Space>
  );
}

/**
 * The learned quality head on the Models page (issue 17): the labels it would learn from, a train button for admins
 * (disabled until there are `QUALITY_HEAD_MIN_LABELS`), and its versions in the same table as the CTR model's.
 */
export function QualityHeadSection({ canManage, Table }: {
  canManage: boolean;
  /** The Models page's version table (passed in: that page renders this section). */
  Table: typeof ModelTable;
}) {
  const { t } = useI18n();
  const queryClient = useQueryClient();
  const status = useQuery({ queryKey: ['models', 'quality-labels'], queryFn: ({ signal }) => getQualityLabels(signal), refetchInterval: 30_000 });
  const versions = useQuery({ queryKey: ['models', 'quality'], queryFn: ({ signal }) => listModels(signal, 'quality'), refetchInterval: 15_000 });
  const activate = useMutation({
    mutationFn: ({ version, override }: { version: number; override: boolean }) => activateModel(version, override, 'quality'),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['models'] }),
  });
  const composite = useMutation({ mutationFn: backToQualityComposite, onSuccess: () => queryClient.invalidateQueries({ queryKey: ['models'] }) });
  const [runId, setRunId] = useState<string | null>(null);
  const train = useMutation({ mutationFn: () => startRetraining('quality'), onSuccess: (r) => setRunId(r.jobId) });
  const run = useQuery({
    queryKey: ['model-train', runId], enabled: runId !== null, queryFn: ({ signal }) => getTrainRun(runId!, signal),
    refetchInterval: (q) => (q.state.data?.state === 'completed' || q.state.data?.state === 'failed' ? false : 3_000),
  });
  const finished = run.data?.state === 'completed' ? run.data.outcome : null;
  const error = status.error ?? versions.error ?? activate.error ?? composite.error ?? train.error;
  const enough = status.data !== undefined && status.data.labels >= status.data.needed;
  return (
    <section data-testid="quality-head" style={{ marginTop: 24 }}>
      <h2>{t('quality.title')}</h2>
      <p className="muted" style={{ marginBottom: 12 }}>{t('quality.hint')}</p>
      {error && <ErrorNotice error={describeError(error, t)} />}
      <Space orientation="vertical" size={12} style={{ width: '100%' }}>
        {status.data && <QualityLabelSummary status={status.data} />}
        {canManage && (
          <Space>
            <Button onClick={() => train.mutate()} disabled={!enough} data-testid="quality-train"
              loading={train.isPending || run.data?.state === 'active' || run.data?.state === 'waiting'}>{t('quality.train')}</Button>
            {status.data?.activeVersion && (
              <Popconfirm title={t('quality.compositeConfirm')} onConfirm={() => composite.mutate()} okText={t('quality.backToComposite')} cancelText={t('models.cancel')}>
                <Button loading={composite.isPending} data-testid="quality-composite">{t('quality.backToComposite')}</Button>
              </Popconfirm>
            )}
            {runId && !run.data?.outcome && run.data?.state !== 'failed' && <span className="muted">{t('models.trainQueued')}</span>}
          </Space>
        )}
        {run.data?.state === 'failed' && <Alert type="warning" showIcon message={t('models.trainFailed', { reason: run.data.failedReason ?? '' })} />}
        {finished && <Alert type={finished.promoted ? 'success' : 'info'} showIcon
          message={t('models.trainDone', { version: finished.version, decision: finished.promoted ? t('models.trainDone.promoted') : t('models.trainDone.kept') })} />}
        {versions.data && versions.data.items.length > 0 && (
          <Table versions={versions.data.items} canManage={canManage} busy={activate.isPending}
            onActivate={(version, override) => activate.mutate({ version, override })} />
        )}
      </Space>
    </section>
  );
}
