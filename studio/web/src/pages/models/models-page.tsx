import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Space } from 'antd';
import { ErrorNotice } from '../../components/error-notice.tsx';
import { describeError } from '../../i18n/error-message.ts';
import { useI18n } from '../../i18n/i18n.ts';
import { useSession } from '../../session/session.tsx';
import { activateModel, getTrainRun, listModels, shadowModel, startRetraining } from './models-api.ts';
import { ModelTable } from './model-table.tsx';
import { QualityHeadSection } from './quality-head-section.tsx';
import { ShadowCharts } from './shadow-chart.tsx';

/** 模型 / Models: the CTR model's versions, what each was trained on, its metrics and comparison, which is active. */
export default function ModelsPage() {
  const { t } = useI18n();
  const { allows } = useSession();
  const canManage = allows('admin');
  const queryClient = useQueryClient();
  const models = useQuery({ queryKey: ['models', 'ctr'], queryFn: ({ signal }) => listModels(signal), refetchInterval: 15_000 });
  const activate = useMutation({
    mutationFn: ({ version, override }: { version: number; override: boolean }) => activateModel(version, override),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['models'] }),
  });
  const shadow = useMutation({ mutationFn: (version: number) => shadowModel(version), onSuccess: () => queryClient.invalidateQueries({ queryKey: ['models'] }) });
  const [runId, setRunId] = useState<string | null>(null);
  const train = useMutation({ mutationFn: startRetraining, onSuccess: (r) => setRunId(r.jobId) });
  const run = useQuery({
    queryKey: ['model-train', runId], enabled: runId !== null, queryFn: ({ signal }) => getTrainRun(runId!, signal),
    refetchInterval: (q) => (q.state.data?.state === 'completed' || q.state.data?.state === 'failed' ? false : 3_000),
  });
  const finished = run.data?.state === 'completed' ? run.data.outcome : null;
  const error = models.error ?? activate.error ?? shadow.error ?? train.error;
  return (
    <main id="main" className="workspace workspace-single" tabIndex={-1}>
      <h1 className="page-title">{t('models.title')}</h1>
      <p className="muted" style={{ marginBottom: 12 }}>{t('models.hint')}</p>
      {error && <ErrorNotice error={describeError(error, t)} />}
      <Space orientation="vertical" size={12} style={{ width: '100%' }}>
        {canManage && (
          <Space>
            <Button onClick={() => train.mutate()} loading={train.isPending || run.data?.state === 'active' || run.data?.state === 'waiting'} data-testid="model-train">{t('models.train')}</Button>
            {runId && !run.data?.outcome && run.data?.state !== 'failed' && <span className="muted">{t('models.trainQueued')}</span>}
          </Space>
        )}
        {run.data?.state === 'failed' && <Alert type="warning" showIcon message={t('models.trainFailed', { reason: run.data.failedReason ?? '' })} />}
        {finished && <Alert type={finished.promoted ? 'success' : 'info'} showIcon
          message={t('models.trainDone', { version: finished.version, decision: finished.promoted ? t('models.trainDone.promoted') : t('models.trainDone.kept') })} />}
        {models.data && models.data.items.length === 0 && <p className="muted">{t('models.empty')}</p>}
        {models.data && models.data.items.length > 0 && (
          <ModelTable versions={models.data.items} canManage={canManage} busy={activate.isPending || shadow.isPending}
            onActivate={(version, override) => activate.mutate({ version, override })} onShadow={(version) => shadow.mutate(version)} />
        )}
        {models.data && <ShadowCharts versions={models.data.items} />}
      </Space>
      <QualityHeadSection canManage={canManage} Table={ModelTable} />
    </main>
  );
}
