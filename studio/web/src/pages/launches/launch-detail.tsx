import { useEffect, useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Button, Card, Drawer, Image, Input, Progress, Select, Space, Table, Tag } from 'antd';
import type { LaunchSkuStatus, LaunchSkuView, LaunchStatus } from '@shotfarm/shared';
import { ErrorNotice } from '../../components/error-notice.tsx';
import { describeCode, describeError } from '../../i18n/error-message.ts';
import { useI18n } from '../../i18n/i18n.ts';
import { formatDateTime } from '../../lib/format-date.ts';
import { formatYuan } from '../../lib/format-yuan.ts';
import { cancelLaunch, getLaunch, listCandidates, listLaunchSkus, setPicks } from './launch-api.ts';
import { ActiveCtrModelContext, ClickAppeal, relativeToMean, useActiveCtrModel } from '../../components/click-appeal.tsx';

export const launchStatusColour: Record<LaunchStatus, string> = { queued: 'default', running: 'processing', finished: 'green', canceled: 'orange' };
const skuColour: Record<LaunchSkuStatus, string> = {
  pending: 'default', rendering: 'processing', done: 'green', needs_review: 'gold', failed: 'red', skipped_budget: 'orange', canceled: 'default',
};
const skuStatuses: LaunchSkuStatus[] = ['pending', 'rendering', 'done', 'needs_review', 'failed', 'skipped_budget', 'canceled'];

/** The main slot's experiment, as started from the picks: due (waiting to start), started, or failed (refused). */
const experimentColour: Record<NonNullable<LaunchSkuView['experiment']>['state'], string> = { due: 'gold', started: 'purple', failed: 'red' };

/** One launch: progress, spend and ETA, the SKUs with thumbnails (polled while it runs), review of picks, downloads. */
export function LaunchDetail({ id }: { id: string }) {
  const { t, language } = useI18n();
  const queryClient = useQueryClient();
  const [status, setStatus] = useState<LaunchSkuStatus | undefined>();
  const [search, setSearch] = useState('');
  const [reviewing, setReviewing] = useState<LaunchSkuView | null>(null);
  const launch = useQuery({ queryKey: ['launch', id], queryFn: ({ signal }) => getLaunch(id, signal), refetchInterval: (q) => (q.state.data?.status === 'running' || q.state.data?.status === 'queued' ? 1500 : false) });
  const running = launch.data?.status === 'running' || launch.data?.status === 'queued';
  const skus = useQuery({ queryKey: ['launch-skus', id, status, search, launch.data?.status, launch.data?.skus.pending, launch.data?.skus.rendering], queryFn: ({ signal }) => listLaunchSkus(id, { status, q: search || undefined }, signal), refetchInterval: running ? 2000 : false });
  const cancel = useMutation({ mutationFn: () => cancelLaunch(id), onSuccess: () => queryClient.invalidateQueries({ queryKey: ['launch', id] }) });
  const v = launch.data;
  // The launch list polls slowly; when this launch changes state (or ends), refresh it so both agree.
  useEffect(() => { if (v?.status) void queryClient.invalidateQueries({ queryKey: ['launches'] }); }, [v?.status, queryClient]);
  if (launch.isError) return <ErrorNotice error={describeError(launch.error, t)} />;
  if (!v) return null;
  const ended = v.skus.total - v.skus.pending - v.skus.rendering;

  return (
    <Card size="small" title={<Space>{v.name}<Tag color={launchStatusColour[v.status]}>{t(`launches.status.${v.status}`)}</Tag></Space>} data-testid="launch-detail"
      extra={<Space>
        <a href={`/api/launches/${id}/report.csv`} download data-testid="launch-download-csv">{t('launches.downloadCsv')}</a>
        <a href={`/api/launches/${id}/report.zip`} download data-testid="launch-download-zip">{t('launches.downloadZip')}</a>
        {running && <Button danger size="small" loading={cancel.isPending} onClick={() => cancel.mutate()}>{t('launches.cancel')}</Button>}
      </Space>}>
      <Progress percent={v.skus.total === 0 ? 0 : Math.round((ended * 100) / v.skus.total)} status={running ? 'active' : undefined} data-testid="launch-progress" />
      <p>
        {t('launches.progress', { ended, total: v.skus.total })} · {t('launches.counts', { done: v.skus.done, review: v.skus.needsReview, failed: v.skus.failed, skipped: v.skus.skippedBudget })}
        {' · '}{t('launches.spend', { spend: formatYuan(v.spend) })}{v.eta && ` · ${t('launches.eta', { time: formatDateTime(v.eta, language) })}`}
      </p>
      {cancel.error && <ErrorNotice error={describeError(cancel.error, t)} />}
      <Space style={{ marginBottom: 8 }}>
        <Select allowClear placeholder={t('launches.filter.all')} style={{ width: 160 }} value={status} onChange={setStatus}
          options={skuStatuses.map((s) => ({ value: s, label: t(`launches.sku.${s}`) }))} />
        <Input.Search allowClear placeholder={t('launches.search')} onSearch={setSearch} style={{ width: 220 }} />
      </Space>
      <Table<LaunchSkuView> size="small" rowKey="id" dataSource={skus.data?.items ?? []} pagination={{ pageSize: 20 }} data-testid="launch-skus"
        scroll={{ x: 'max-content' }}
        columns={[
          { title: t('launches.col.line'), dataIndex: 'line', width: 56 },
          { title: t('launches.col.photos'), key: 'photo', width: 64, render: (_: unknown, s) => s.photoThumbnailUrl && <img src={s.photoThumbnailUrl} alt={s.sku} width={48} height={48} style={{ objectFit: 'contain' }} /> },
          { title: t('launches.col.sku'), dataIndex: 'sku' },
          { title: t('launches.col.title'), dataIndex: 'title', width: 160, ellipsis: true },
          { title: t('launches.col.status'), key: 'status', width: 260, render: (_: unknown, s) => (
            <Space direction="vertical" size={0}>
              <Tag color={skuColour[s.status]}>{t(`launches.sku.${s.status}`)}</Tag>
              {s.failingRules.length > 0 && <span className="muted">{t('launches.failingRules', { rules: s.failingRules.map((r) => r.message[language]).join('；') })}</span>}
              {s.errorMessage && <span className="muted" title={s.errorMessage}>{s.errorCode ? describeCode(s.errorCode, s.errorMessage, t).message : s.errorMessage}</span>}
              {s.experiment && (
                <Tag color={experimentColour[s.experiment.state]} title={s.experiment.error ?? s.experiment.id ?? undefined} data-testid="launch-sku-experiment">
                  {t(`launches.experiment.${s.experiment.state}`)}
                </Tag>
              )}
            </Space>
          ) },
          { title: t('launches.col.picks'), key: 'picks', render: (_: unknown, s) => (
            // Wraps so that a SKU with many picks grows taller instead of spilling over the spend column.
            <Space wrap style={{ maxWidth: 320 }}>
              {s.picks.map((p) => p.mime.startsWith('video/')
                ? <Tag key={`${p.slot}-${p.rank}`}>{p.slot}-{p.rank}.mp4</Tag>
                : <img key={`${p.slot}-${p.rank}`} src={p.thumbnailUrl ?? p.url} alt={`${s.sku} ${p.slot}-${p.rank}`} width={56} height={56} title={p.by === 'person' ? t('launches.pickedByPerson') : undefined} />)}
              {(s.status === 'done' || s.status === 'needs_review') && <Button size="small" onClick={() => setReviewing(s)} data-testid="launch-review">{t('launches.review')}</Button>}
            </Space>
          ) },
          { title: t('launches.col.spend'), key: 'spend', render: (_: unknown, s) => formatYuan(s.spend) },
        ]} />
      {reviewing && <ReviewDrawer launchId={id} sku={reviewing} onClose={() => { setReviewing(null); void queryClient.invalidateQueries({ queryKey: ['launch-skus', id] }); }} />}
    </Card>
  );
}

/** A SKU's candidates with their scores and gate verdicts; a click makes one the main image (a person's pick). */
function ReviewDrawer({ launchId, sku, onClose }: { launchId: string; sku: LaunchSkuView; onClose: () => void }) {
  const { t } = useI18n();
  const candidates = useQuery({ queryKey: ['launch-candidates', sku.id], queryFn: ({ signal }) => listCandidates(launchId, sku.id, signal) });
  const [picked, setPicked] = useState(sku.picks.map((p) => p.assetId));
  const pick = useMutation({ mutationFn: (assetId: string) => setPicks(launchId, sku.id, 'main', [assetId]), onSuccess: (s) => setPicked(s.picks.map((p) => p.assetId)) });
  const model = useActiveCtrModel();
  const main = (candidates.data?.items ?? []).filter((c) => c.slot === 'main');
  // One SKU's candidates: their predicted CTRs are compared among themselves (see ClickAppeal), never shown as a CTR
  // unless the active model was trained on real clicks.
  const relative = relativeToMean(main.map((c) => c.ctr ?? null));
  return (
    <ActiveCtrModelContext.Provider value={model}>
      <Drawer open width={720} onClose={onClose} title={t('launches.reviewTitle', { sku: sku.sku })}>
        {pick.error && <ErrorNotice error={describeError(pick.error, t)} />}
        <Space wrap>
          {main.map((c, i) => (
            <Card key={c.assetId} size="small" hoverable onClick={() => pick.mutate(c.assetId)} style={{ width: 200, borderColor: picked.includes(c.assetId) ? '#1677ff' : undefined }} data-testid="launch-candidate">
              <Image src={c.thumbnailUrl ?? c.url} preview={false} width={176} height={176} style={{ objectFit: 'contain' }} />
              <div>{c.ctr == null ? '—' : <ClickAppeal score={{ ctr: c.ctr, ctrRelative: relative[i] }} t={t} />} · Q {c.quality?.toFixed(2) ?? '—'}</div>
              <Tag color={c.gatePass ? 'green' : 'red'}>{c.gatePass ? t('launches.candidateGate.pass') : t('launches.candidateGate.fail')}</Tag>
              {picked.includes(c.assetId) && <Tag color="blue">{t('launches.picked')}</Tag>}
            </Card>
          ))}
        </Space>
      </Drawer>
    </ActiveCtrModelContext.Provider>
  );
}
