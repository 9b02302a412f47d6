import { lazy, Suspense, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { Card, Col, Progress, Row, Segmented, Skeleton, Space, Statistic, Table, Tag } from 'antd';
import type { CostGroupBy } from '@shotfarm/shared';
import { costsCsvUrl, getBudgets, getCosts, getEstimateAccuracy } from '../../api/client.ts';
import { ErrorNotice } from '../../components/error-notice.tsx';
import { describeError } from '../../i18n/error-message.ts';
import { useI18n } from '../../i18n/i18n.ts';
import { formatYuan } from '../../lib/format-yuan.ts';
import { useSession } from '../../session/session.tsx';
import { CostAdmin } from './cost-admin.tsx';
import { CostTable } from './cost-table.tsx';

// The chart library is most of this page's code: the figures and tables show first, the chart follows.
const CostChart = lazy(() => import('./cost-chart.tsx').then((m) => ({ default: m.CostChart })));

const groupings: readonly CostGroupBy[] = ['recipe', 'job', 'backend', 'server', 'launch', 'sku', 'day'];
const windowDays = 30;
const refreshMs = 30_000;

/** 成本 / Costs: what the farm spent (from the ledger), what it bought, and ¥ per live image against the target. */
export default function CostsPage() {
  const { t } = useI18n();
  const { allows } = useSession();
  const [groupBy, setGroupBy] = useState<CostGroupBy>('recipe');
  const from = new Date(Date.now() - windowDays * 86_400_000).toISOString().slice(0, 10);
  const q = (g: CostGroupBy) => ({ queryKey: ['costs', g, from], queryFn: ({ signal }: { signal: AbortSignal }) => getCosts({ groupBy: g, from }, signal), refetchInterval: refreshMs });
  const days = useQuery(q('day'));
  const table = useQuery(q(groupBy));
  const servers = useQuery(q('server'));
  const recipes = useQuery(q('recipe'));
  const launches = useQuery(q('launch'));
  const budgets = useQuery({ queryKey: ['budgets'], queryFn: ({ signal }) => getBudgets(signal), refetchInterval: refreshMs });
  const accuracy = useQuery({ queryKey: ['cost-estimates'], queryFn: ({ signal }) => getEstimateAccuracy(signal) });

  const total = days.data?.total;
  const target = budgets.data?.targetPerLiveImage ?? 100_000;
  const perLive = total?.perLiveImage ?? null;
  const error = [days, table, budgets].find((x) => x.isError)?.error;

  return (
    <main id="main" className="workspace workspace-single" tabIndex={-1}>
      <h1 className="page-title">{t('costs.title')}</h1>
      {error !== undefined && <ErrorNotice error={describeError(error, t)} />}
      <Space direction="vertical" size={16} style={{ width: '100%' }}>
        <Row gutter={16}>
          <Col xs={24} md={8}>
            <Card size="small" data-testid="cost-per-live">
              <Statistic title={t('costs.perLive', { days: windowDays })} value={perLive === null ? '—' : formatYuan(perLive)}
                valueStyle={{ color: perLive === null ? undefined : perLive <= target ? '#389e0d' : '#cf1322' }} />
              <p className="muted">
                {t('costs.target', { target: formatYuan(target) })}{' '}
                {perLive !== null && <Tag color={perLive <= target ? 'green' : 'red'} data-testid="cost-target-tag">{perLive <= target ? t('costs.underTarget') : t('costs.overTarget')}</Tag>}
              </p>
              <p className="muted">{days.data?.liveSource === 'approved' ? t('costs.liveIsApproved') : t('costs.liveIsLive')}</p>
            </Card>
          </Col>
          <Col xs={24} md={8}>
            <Card size="small">
              <Statistic title={t('costs.spent', { days: windowDays })} value={total ? formatYuan(total.amount) : '—'} />
              <p className="muted">{total ? t('costs.images', { images: total.images, approved: total.approved, live: total.live }) : ''}</p>
            </Card>
          </Col>
          <Col xs={24} md={8}>
            <Card size="small" data-testid="cost-daily-budget">
              <Statistic title={t('costs.today')} value={budgets.data ? formatYuan(budgets.data.daily.spent) : '—'} />
              <p className="muted">
                {budgets.data?.daily.cap == null ? t('costs.noCap')
                  : t('costs.capLeft', { cap: formatYuan(budgets.data.daily.cap), remaining: formatYuan(budgets.data.daily.remaining ?? 0) })}
              </p>
              {budgets.data?.daily.cap != null && (
                <Progress percent={Math.min(100, Math.round((budgets.data.daily.spent * 100) / budgets.data.daily.cap))} size="small" />
              )}
            </Card>
          </Col>
        </Row>

        <Card title={t('costs.chart')} size="small">
          <Suspense fallback={<Skeleton active paragraph={{ rows: 4 }} />}>{days.data && <CostChart days={days.data.rows} />}</Suspense>
        </Card>

        <Card size="small" title={t('costs.rollup')} extra={(
          <a href={costsCsvUrl({ groupBy, from })} download data-testid="cost-csv">{t('costs.csv')}</a>
        )}>
          <Segmented<CostGroupBy> value={groupBy} onChange={setGroupBy} data-testid="cost-groupby"
            options={groupings.map((g) => ({ value: g, label: t(`costs.by.${g}`) }))} style={{ marginBottom: 12 }} />
          {table.data ? <CostTable rows={table.data.rows} total={table.data.total} testId="cost-table" /> : <Skeleton active />}
        </Card>

        <Row gutter={16}>
          <Col xs={24} md={12}>
            <Card size="small" title={t('costs.topRecipes')}>
              {recipes.data && <CostTable rows={recipes.data.rows.slice(0, 5)} testId="cost-top-recipes" compact />}
            </Card>
          </Col>
          <Col xs={24} md={12}>
            <Card size="small" title={t('costs.topLaunches')}>
              {launches.data && <CostTable rows={launches.data.rows.filter((r) => r.key !== null).slice(0, 5)} testId="cost-top-launches" compact />}
            </Card>
          </Col>
        </Row>

        <Card size="small" title={t('costs.idleShare')}>
          <ul className="cost-idle-list" data-testid="cost-idle">
            {(servers.data?.rows ?? []).filter((r) => r.key !== null && r.key !== 'local' && r.key !== 'replicate').map((r) => (
              <li key={r.key}>
                <span>{r.key}</span>{' '}
                <Progress percent={r.amount > 0 ? Math.round((r.idleAmount * 100) / r.amount) : 0} size="small" style={{ maxWidth: 240, display: 'inline-block' }} />{' '}
                <span className="muted">{t('costs.idleOf', { idle: formatYuan(r.idleAmount), total: formatYuan(r.amount) })}</span>
              </li>
            ))}
            {(servers.data?.rows ?? []).every((r) => r.key === null || r.key === 'local' || r.key === 'replicate') && <li className="muted">{t('costs.noServers')}</li>}
          </ul>
        </Card>

        <Card size="small" title={t('costs.accuracy')}>
          <Table size="small" rowKey="recipeId" pagination={false} dataSource={accuracy.data?.items ?? []} locale={{ emptyText: t('costs.empty') }}
            columns={[
              { title: t('costs.col.recipe'), dataIndex: 'recipeId' },
              { title: t('costs.col.jobs'), dataIndex: 'jobs', align: 'right' },
              { title: t('costs.col.estimate'), dataIndex: 'estimate', render: formatYuan, align: 'right' },
              { title: t('costs.col.actual'), dataIndex: 'actual', render: formatYuan, align: 'right' },
              { title: t('costs.col.ratio'), dataIndex: 'actualPerMilleOfEstimate', render: (v: number | null) => (v === null ? '—' : `${(v / 10).toFixed(1)}%`), align: 'right' },
            ]} />
        </Card>

        {allows('admin') && (
          <Card size="small" title={t('costs.admin')}>
            <CostAdmin budgets={budgets.data} />
          </Card>
        )}
      </Space>
    </main>
  );
}
