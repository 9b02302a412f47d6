import { lazy, Suspense, useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Form, Input, InputNumber, Popconfirm, Select, Skeleton, Space, Switch, Table, Tag } from 'antd';
import type { ExperimentSummary, ExperimentView, SlotView } from '@shotfarm/shared';
import { ErrorNotice } from '../../components/error-notice.tsx';
import { ActiveCtrModelContext, ClickAppeal, relativeToMean, useActiveCtrModel } from '../../components/click-appeal.tsx';
import { describeError } from '../../i18n/error-message.ts';
import { useI18n, type MessageKey } from '../../i18n/i18n.ts';
import { formatDateTime } from '../../lib/format-date.ts';
import { createExperiment, getExperiment, getRanking, getSlot, listExperiments, promoteExperiment, rollbackSlot, stopExperiment, type RankingPick } from './experiments-api.ts';

// The chart library is most of this page's code: the tables show first, the charts follow.
const WeightsChart = lazy(() => import('./weights-chart.tsx').then((m) => ({ default: m.WeightsChart })));

/** The API recomputes weights every EXPERIMENT_UPDATE_S (60 s by default); polling faster would show nothing new. */
const refreshMs = 15_000;
const pct = (x: number, digits = 1) => `${(x * 100).toFixed(digits)}%`;
const stateColour: Record<string, string> = { collecting: 'blue', ready: 'green', srm: 'red', promoted: 'gold' };

/** 实验 / Experiments: start an A/B rollout from a job's top-K candidates, watch it, promote, stop or roll back. */
export default function ExperimentsPage() {
  const { t, language } = useI18n();
  const [selected, setSelected] = useState<string | undefined>();
  const list = useQuery({ queryKey: ['experiments'], queryFn: ({ signal }) => listExperiments(signal), refetchInterval: refreshMs });
  const ctrModel = useActiveCtrModel();
  return (
    <ActiveCtrModelContext.Provider value={ctrModel}>
    <main id="main" className="workspace workspace-single" tabIndex={-1}>
      <h1 className="page-title">{t('experiments.title')}</h1>
      <p className="muted">{t('experiments.hint')}</p>
      <Space direction="vertical" size={16} style={{ width: '100%' }}>
        <NewExperiment onCreated={setSelected} />
        {list.isError && <ErrorNotice error={describeError(list.error, t)} />}
        <Card title={t('experiments.list')} size="small">
          <Table<ExperimentSummary>
            size="small" rowKey="id" pagination={false} dataSource={list.data?.items ?? []} loading={list.isLoading}
            locale={{ emptyText: t('experiments.empty') }}
            onRow={(r) => ({ onClick: () => setSelected(r.id), style: { cursor: 'pointer' } })}
            rowClassName={(r) => (r.id === selected ? 'ant-table-row-selected' : '')}
            columns={[
              { title: t('experiments.sku'), render: (_, r) => `${r.sku} / ${r.slot}` },
              { title: t('experiments.status'), render: (_, r) => <Tag>{t(`experiments.status.${r.status}` as MessageKey)}</Tag> },
              { title: t('experiments.decision'), render: (_, r) => <Tag color={stateColour[r.decision.state]}>{t(`experiments.state.${r.decision.state}` as MessageKey)}</Tag> },
              { title: t('experiments.arms'), dataIndex: 'armCount' },
              { title: t('experiments.policy'), render: (_, r) => t(`experiments.policy.${r.policy}` as MessageKey) },
              { title: t('experiments.started'), render: (_, r) => formatDateTime(r.createdAt, language) },
            ]}
          />
        </Card>
        {selected && <ExperimentDetail id={selected} />}
      </Space>
    </main>
    </ActiveCtrModelContext.Provider>
  );
}

/** Start from a job's ranking: its top K gate-passing candidates become the arms in one click. */
function NewExperiment({ onCreated }: { onCreated: (id: string) => void }) {
  const { t } = useI18n();
  const queryClient = useQueryClient();
  const [jobId, setJobId] = useState('');
  const [k, setK] = useState(4);
  const [picks, setPicks] = useState<RankingPick[]>([]);
  const [sku, setSku] = useState('');
  const [slot, setSlot] = useState('main');
  const [policy, setPolicy] = useState<'thompson' | 'top-two-thompson'>('thompson');
  const [autoPromote, setAutoPromote] = useState(false);
  const ranking = useMutation({ mutationFn: () => getRanking(jobId.trim(), k), onSuccess: (r) => setPicks(r.picks) });
  const create = useMutation({
    mutationFn: () => createExperiment({ sku: sku.trim(), slot: slot.trim(), arms: picks.map((p) => p.assetId), policy, autoPromote }),
    onSuccess: (created) => { void queryClient.invalidateQueries({ queryKey: ['experiments'] }); onCreated(created.id); setPicks([]); },
  });
  const error = ranking.error ?? create.error;
  return (
    <Card title={t('experiments.new')} size="small" data-testid="new-experiment">
      <Form layout="inline" onFinish={() => ranking.mutate()}>
        <Form.Item label={t('experiments.jobId')}><Input value={jobId} onChange={(e) => setJobId(e.target.value)} style={{ width: 320 }} data-testid="experiment-job-id" /></Form.Item>
        <Form.Item label={t('experiments.topK')}><InputNumber min={2} max={16} value={k} onChange={(v) => setK(v ?? 4)} /></Form.Item>
        <Button htmlType="submit" loading={ranking.isPending} disabled={jobId.trim() === ''}>{t('experiments.loadCandidates')}</Button>
      </Form>
      {picks.length > 0 && (
        <div style={{ marginTop: 12 }}>
          <Space wrap>
            {picks.map((p) => (
              <figure key={p.assetId} className="experiment-candidate" style={{ margin: 0, textAlign: 'center' }}>
                <img src={p.thumbnailUrl ?? p.url} alt={t('experiments.candidate', { n: p.rank })} width={96} height={96} style={{ objectFit: 'contain' }} />
                <figcaption className="muted">#{p.rank} · <ClickAppeal score={p} t={t} /></figcaption>
              </figure>
            ))}
          </Space>
          <Form layout="inline" style={{ marginTop: 12 }} onFinish={() => create.mutate()}>
            <Form.Item label={t('experiments.sku')}><Input value={sku} onChange={(e) => setSku(e.target.value)} data-testid="experiment-sku" /></Form.Item>
            <Form.Item label={t('experiments.slot')}><Input value={slot} onChange={(e) => setSlot(e.target.value)} style={{ width: 100 }} /></Form.Item>
            <Form.Item label={t('experiments.policy')}>
              <Select value={policy} onChange={setPolicy} style={{ width: 180 }}
                options={(['thompson', 'top-two-thompson'] as const).map((p) => ({ value: p, label: t(`experiments.policy.${p}`) }))} />
            </Form.Item>
            <Form.Item label={t('experiments.autoPromote')}><Switch checked={autoPromote} onChange={setAutoPromote} /></Form.Item>
            <Button type="primary" htmlType="submit" loading={create.isPending} disabled={sku.trim() === ''} data-testid="experiment-start">{t('experiments.start', { n: picks.length })}</Button>
          </Form>
        </div>
      )}
      {error && <ErrorNotice error={describeError(error, t)} />}
    </Card>
  );
}

function ExperimentDetail({ id }: { id: string }) {
  const { t } = useI18n();
  const queryClient = useQueryClient();
  const xp = useQuery({ queryKey: ['experiment', id], queryFn: ({ signal }) => getExperiment(id, signal), refetchInterval: refreshMs });
  const refresh = () => { void queryClient.invalidateQueries({ queryKey: ['experiments'] }); void queryClient.invalidateQueries({ queryKey: ['experiment', id] }); void queryClient.invalidateQueries({ queryKey: ['slot'] }); };
  const stop = useMutation({ mutationFn: () => stopExperiment(id), onSuccess: refresh });
  const promote = useMutation({ mutationFn: (assetId?: string) => promoteExperiment(id, assetId), onSuccess: refresh });
  const v = xp.data;
  if (xp.isError) return <ErrorNotice error={describeError(xp.error, t)} />;
  if (!v) return <Skeleton active />;
  const running = v.status === 'running';
  const armLabels = v.arms.map((_, i) => t('experiments.arm', { n: i + 1 }));
  return (
    <Card title={`${v.sku} / ${v.slot}`} size="small" data-testid="experiment-detail"
      extra={running && (
        <Space>
          <Popconfirm title={t('experiments.promoteConfirm')} onConfirm={() => promote.mutate(undefined)} okText={t('experiments.promote')} cancelText={t('experiments.cancel')}>
            <Button type="primary" loading={promote.isPending} data-testid="experiment-promote">{t('experiments.promoteLeader')}</Button>
          </Popconfirm>
          <Popconfirm title={t('experiments.stopConfirm')} onConfirm={() => stop.mutate()} okText={t('experiments.stop')} cancelText={t('experiments.cancel')}>
            <Button danger loading={stop.isPending} data-testid="experiment-stop">{t('experiments.stop')}</Button>
          </Popconfirm>
        </Space>
      )}>
      <Space direction="vertical" size={12} style={{ width: '100%' }}>
        <p>
          <Tag color={stateColour[v.decision.state]} data-testid="experiment-decision">{t(`experiments.state.${v.decision.state}` as MessageKey)}</Tag>
          {t(`experiments.reason.${v.decision.reason}` as MessageKey)}
          {' · '}{t('experiments.priorStrength', { m: v.priorStrength.toFixed(1) })}
          {' · '}SRM p = {v.srmPValue < 0.0001 ? v.srmPValue.toExponential(1) : v.srmPValue.toFixed(4)}
        </p>
        {v.decision.state === 'srm' && <Alert type="error" showIcon message={t('experiments.srmWarning')} data-testid="experiment-srm" />}
        {(stop.error ?? promote.error) && <ErrorNotice error={describeError(stop.error ?? promote.error, t)} />}
        <ArmTable view={v} labels={armLabels} onPromote={running ? (assetId) => promote.mutate(assetId) : undefined} />
        <Suspense fallback={<Skeleton active paragraph={{ rows: 4 }} />}>
          <WeightsChart periods={v.weightsHistory} arms={armLabels} metric="weights" />
          <WeightsChart periods={v.weightsHistory} arms={armLabels} metric="pBest" />
        </Suspense>
        <SlotCard sku={v.sku} slot={v.slot} />
      </Space>
    </Card>
  );
}

export function ArmTable({ view, labels, onPromote }: { view: ExperimentView; labels: string[]; onPromote: ((assetId: string) => void) | undefined }) {
  const { t } = useI18n();
  // The arms are candidates of one product: their predicted CTRs are compared among themselves (see ClickAppeal).
  const relative = relativeToMean(view.arms.map((a) => a.predictedCtr));
  return (
    <Table size="small" rowKey="assetId" pagination={false} dataSource={view.arms.map((a, i) => ({ ...a, label: labels[i]!, ctrRelative: relative[i] }))} data-testid="experiment-arms"
      columns={[
        { title: t('experiments.arm.column'), render: (_, a) => (
          <Space>{a.url && <img src={a.url} alt={a.label} width={48} height={48} style={{ objectFit: 'contain' }} />}{a.label}{a.control && <Tag>{t('experiments.control')}</Tag>}</Space>
        ) },
        { title: t('experiments.impressions'), render: (_, a) => a.impressions.toLocaleString() },
        { title: t('experiments.clicks'), render: (_, a) => a.clicks.toLocaleString() },
        { title: t('experiments.ctr'), render: (_, a) => `${pct(a.ctr.mean, 2)} [${pct(a.ctr.low, 2)}, ${pct(a.ctr.high, 2)}]` },
        { title: t('experiments.predicted'), render: (_, a) => (a.predictedCtr === null ? '—' : <ClickAppeal score={{ ctr: a.predictedCtr, ctrRelative: a.ctrRelative }} t={t} />) },
        { title: 'P(best)', render: (_, a) => pct(a.pBest) },
        { title: t('experiments.weight'), render: (_, a) => pct(a.weight) },
        ...(onPromote ? [{ title: '', render: (_: unknown, a: { assetId: string }) => (
          <Popconfirm title={t('experiments.promoteConfirm')} onConfirm={() => onPromote(a.assetId)} okText={t('experiments.promote')} cancelText={t('experiments.cancel')}>
            <Button size="small">{t('experiments.promote')}</Button>
          </Popconfirm>
        ) }] : []),
      ]}
    />
  );
}

/** The slot's live image and its history, with a confirmed one-call rollback. */
function SlotCard({ sku, slot }: { sku: string; slot: string }) {
  const { t, language } = useI18n();
  const queryClient = useQueryClient();
  const view = useQuery({ queryKey: ['slot', sku, slot], queryFn: ({ signal }) => getSlot(sku, slot, signal), refetchInterval: refreshMs });
  const rollback = useMutation({ mutationFn: () => rollbackSlot(sku, slot), onSuccess: (s: SlotView) => queryClient.setQueryData(['slot', sku, slot], s) });
  const s = view.data;
  return (
    <Card type="inner" size="small" title={t('experiments.live')} data-testid="slot-card"
      extra={s && s.history.length > 0 && (
        <Popconfirm title={t('experiments.rollbackConfirm')} onConfirm={() => rollback.mutate()} okText={t('experiments.rollback')} cancelText={t('experiments.cancel')}>
          <Button loading={rollback.isPending} data-testid="slot-rollback">{t('experiments.rollback')}</Button>
        </Popconfirm>
      )}>
      {rollback.error && <ErrorNotice error={describeError(rollback.error, t)} />}
      {s?.live ? (
        <Space align="start">
          <img src={s.live.url} alt={t('experiments.live')} width={96} height={96} style={{ objectFit: 'contain' }} />
          <span className="muted">{t('experiments.liveSince', { since: formatDateTime(s.live.since, language) })}</span>
        </Space>
      ) : <p className="muted">{t('experiments.noLive')}</p>}
      {s && s.history.length > 0 && (
        <ul className="slot-history">
          {s.history.map((h) => (
            <li key={`${h.at}-${h.assetId}`}>
              {formatDateTime(h.at, language)} · {t(`experiments.change.${h.reason}` as MessageKey)} · {h.assetId.slice(0, 8)}
              {h.previousAssetId ? ` ← ${h.previousAssetId.slice(0, 8)}` : ''}
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}
