import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Checkbox, Col, InputNumber, List, Row, Select, Space, Table, Tag } from 'antd';
import type { LaunchPreview, LaunchRowProblem } from '@shotfarm/shared';
import { ErrorNotice } from '../../components/error-notice.tsx';
import { describeError } from '../../i18n/error-message.ts';
import { useI18n } from '../../i18n/i18n.ts';
import { formatYuan } from '../../lib/format-yuan.ts';
import { LaunchDetail, launchStatusColour } from './launch-detail.tsx';
import { listLaunches, previewLaunch, startLaunch, type PlanForm } from './launch-api.ts';
import { PhotoFolderInput } from './photo-folder-input.tsx';

const profiles = ['taobao-main', 'taobao-white', 'amazon-main', 'pdd-main'];
const localRecipes = ['product-shot/studio-local', 'short-video/slideshow-local'];

/** 上新 / Launches: a manifest and photo ZIP in, a checked preview with its cost against the budget, then live progress per SKU. */
export default function LaunchesPage() {
  const { t } = useI18n();
  const queryClient = useQueryClient();
  const [manifest, setManifest] = useState<File | null>(null);
  const [photos, setPhotos] = useState<File | null>(null);
  const [plan, setPlan] = useState<PlanForm>({ recipe: 'product-shot/studio-local', variants: 4, pick: 2, profile: 'taobao-main', budgetYuan: null, acceptPartial: false, experiment: false });
  const [preview, setPreview] = useState<LaunchPreview | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [notice, setNotice] = useState<{ id: string; accepted: number } | null>(null);
  const launches = useQuery({ queryKey: ['launches'], queryFn: ({ signal }) => listLaunches(signal), refetchInterval: 5000 });

  const check = useMutation({ mutationFn: () => previewLaunch(manifest!, photos, plan), onSuccess: setPreview });
  const start = useMutation({
    mutationFn: () => startLaunch(manifest!, photos, plan),
    onSuccess: (a) => {
      setSelected(a.id);
      setNotice({ id: a.id.slice(0, 8), accepted: a.accepted });
      void queryClient.invalidateQueries({ queryKey: ['launches'] });
    },
  });
  const update = (change: Partial<PlanForm>) => { setPlan((p) => ({ ...p, ...change })); setPreview(null); };
  const error = check.error ?? start.error;
  const budgetMilliFen = plan.budgetYuan ? plan.budgetYuan * 100_000 : null;
  const rejectedColumns = [
    { title: t('launches.col.line'), dataIndex: 'line', width: 70 },
    { title: t('launches.col.column'), dataIndex: 'column', width: 110 },
    // The code's label in the studio's language; the server's detail (it names the file, asset or value) beneath it.
    { title: t('launches.col.reason'), key: 'reason', render: (_: unknown, r: LaunchRowProblem) => (
      <Space direction="vertical" size={0}><span>{t(`launches.problem.${r.code}`)}</span><span className="muted">{r.reason}</span></Space>
    ) },
  ];
  const problemsOf = (line: number) => preview?.rejected.filter((r) => r.line === line) ?? [];

  return (
    <main id="main" className="workspace workspace-single" tabIndex={-1} data-testid="launches-page">
      <h1 className="page-title">{t('launches.title')}</h1>
      <Row gutter={16}>
        <Col xs={24} lg={16}>
          <Space direction="vertical" size={16} style={{ width: '100%' }}>
            <Card title={t('launches.new')} size="small">
              <Space direction="vertical" style={{ width: '100%' }}>
                <label className="field-label">
                  {t('launches.manifest')}{' '}
                  <input type="file" data-testid="launch-manifest" accept=".csv,.xlsx,.json,text/csv,application/json"
                    onChange={(e) => { setManifest(e.target.files?.[0] ?? null); setPreview(null); }} />
                </label>
                <p className="muted">{t('launches.manifestHint')}</p>
                <label className="field-label">
                  {t('launches.photos')}{' '}
                  <input type="file" data-testid="launch-photos" accept=".zip,application/zip" onChange={(e) => { setPhotos(e.target.files?.[0] ?? null); setPreview(null); }} />
                </label>
                {/* A folder instead of a ZIP: packed into one in the browser, then sent as the same photo ZIP. */}
                <PhotoFolderInput onPacked={(zip) => { setPhotos(zip); setPreview(null); }} />
                <h3>{t('launches.plan')}</h3>
                <Space wrap>
                  <span>{t('launches.recipe')}</span>
                  <Select value={plan.recipe} style={{ width: 240 }} onChange={(recipe) => update({ recipe })} options={localRecipes.map((r) => ({ value: r, label: r }))} />
                  <span>{t('launches.variants')}</span>
                  <InputNumber min={1} max={16} value={plan.variants} onChange={(v) => update({ variants: v ?? 1 })} />
                  <span>{t('launches.pick')}</span>
                  <InputNumber min={1} max={16} value={plan.pick} onChange={(v) => update({ pick: v ?? 1 })} />
                </Space>
                <Space wrap>
                  <span>{t('launches.profile')}</span>
                  <Select value={plan.profile} style={{ width: 160 }} onChange={(profile) => update({ profile })} options={profiles.map((p) => ({ value: p, label: p }))} />
                  <span>{t('launches.budget')}</span>
                  <InputNumber min={0.01} step={1} value={plan.budgetYuan} onChange={(v) => update({ budgetYuan: v ?? null })} data-testid="launch-budget" />
                </Space>
                <Checkbox checked={plan.acceptPartial} onChange={(e) => update({ acceptPartial: e.target.checked })} data-testid="launch-accept-partial">{t('launches.acceptPartial')}</Checkbox>
                <Checkbox checked={plan.experiment} onChange={(e) => update({ experiment: e.target.checked })}>{t('launches.experiment')}</Checkbox>
                <Space>
                  <Button disabled={!manifest} loading={check.isPending} onClick={() => check.mutate()} data-testid="launch-preview">{t('launches.preview')}</Button>
                  <Button type="primary" disabled={!manifest || !preview || (preview.rejected.length > 0 && !plan.acceptPartial) || preview.accepted === 0}
                    loading={start.isPending} onClick={() => start.mutate()} data-testid="launch-start">{t('launches.start')}</Button>
                </Space>
                {error && <ErrorNotice error={describeError(error, t)} testId="launch-error" />}
                {notice && <Alert type="success" showIcon message={t('launches.started', notice)} closable onClose={() => setNotice(null)} />}
              </Space>
            </Card>

            {preview && (
              <Card size="small" title={t('launches.previewTitle', { accepted: preview.accepted, rejected: preview.rejected.length })} data-testid="launch-preview-result">
                <p>
                  {preview.estimate.perSku === null || preview.estimate.total === null ? t('launches.estimateUnpriced')
                    : t('launches.estimate', { perSku: formatYuan(preview.estimate.perSku), total: formatYuan(preview.estimate.total), tasks: preview.estimate.tasksPerSku })}
                </p>
                {budgetMilliFen !== null && preview.estimate.total !== null && (
                  <Alert showIcon type={preview.estimate.total > budgetMilliFen ? 'warning' : 'info'}
                    message={preview.estimate.total > budgetMilliFen ? t('launches.overBudget') : t('launches.withinBudget')} />
                )}
                {preview.rejected.length > 0 && (
                  <>
                    <h3>{t('launches.rejectedRows')}</h3>
                    <Table<LaunchRowProblem> size="small" rowKey={(r) => `${r.line}-${r.column}-${r.code}`} pagination={false} columns={rejectedColumns} dataSource={preview.rejected} data-testid="launch-rejected" />
                  </>
                )}
                <Table size="small" rowKey="line" pagination={{ pageSize: 50 }} dataSource={preview.rows} style={{ marginTop: 12 }}
                  rowClassName={(r) => (r.ok ? '' : 'row-bad')}
                  columns={[
                    { title: t('launches.col.line'), dataIndex: 'line', width: 60 },
                    { title: t('launches.col.sku'), dataIndex: 'sku' },
                    { title: t('launches.col.title'), dataIndex: 'title' },
                    { title: t('launches.col.category'), dataIndex: 'category' },
                    { title: t('launches.col.photos'), dataIndex: 'photos', render: (p: string[]) => p.join('; ') },
                    { title: t('launches.col.status'), key: 'ok', render: (_: unknown, r: LaunchPreview['rows'][number]) => (r.ok ? <Tag color="green">{t('launches.rowOk')}</Tag>
                      : <Tag color="red" title={problemsOf(r.line).map((p) => p.reason).join('\n')}>{t('launches.rowBad')}</Tag>) },
                  ]} />
              </Card>
            )}
          </Space>
        </Col>
        <Col xs={24} lg={8}>
          <Card title={t('launches.list')} size="small">
            {launches.isError && <ErrorNotice error={describeError(launches.error, t)} />}
            <List size="small" dataSource={launches.data?.items ?? []} locale={{ emptyText: t('launches.empty') }}
              renderItem={(l) => (
                <List.Item onClick={() => setSelected(l.id)} style={{ cursor: 'pointer', background: l.id === selected ? 'rgba(22,119,255,0.08)' : undefined }} data-testid="launch-list-item">
                  <Space direction="vertical" size={0}>
                    <Space><strong>{l.name}</strong><Tag color={launchStatusColour[l.status]}>{t(`launches.status.${l.status}`)}</Tag></Space>
                    <span className="muted">{t('launches.progress', { ended: l.skus.total - l.skus.pending - l.skus.rendering, total: l.skus.total })} · {t('launches.spend', { spend: formatYuan(l.spend) })}</span>
                  </Space>
                </List.Item>
              )} />
          </Card>
        </Col>
      </Row>
      {/* The SKU table needs the full width: pick thumbnails and failure reasons do not fit beside the launch list. */}
      {selected && <div style={{ marginTop: 16 }}><LaunchDetail id={selected} /></div>}
    </main>
  );
}
