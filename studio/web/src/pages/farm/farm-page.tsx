import { lazy, Suspense } from 'react';
import { useQuery } from '@tanstack/react-query';
import { Card, Skeleton, Space, Tag } from 'antd';
import { getFarmStatus, getReadiness } from '../../api/client.ts';
import { ErrorNotice } from '../../components/error-notice.tsx';
import { describeError } from '../../i18n/error-message.ts';
import { optionalKey, useI18n } from '../../i18n/i18n.ts';
import { FarmQueues } from './farm-queues.tsx';
import { FarmServers } from './farm-servers.tsx';
import { ReplicateTag } from './replicate-tag.tsx';

// The chart library is most of this page's code: servers and queues show first, the chart follows.
const ThroughputChart = lazy(() => import('./throughput-chart.tsx').then((m) => ({ default: m.ThroughputChart })));

/** How often the health card refreshes. */
const refreshMs = 10_000;
/** Queues move fast; the API caches server health for 5 s, so polling faster would only repeat it. */
const farmRefreshMs = 5_000;

/** 算力 / Farm: render servers, Replicate, queue depths and the last hour's throughput, from `GET /api/farm`. */
export default function FarmPage() {
  const { t } = useI18n();
  const ready = useQuery({ queryKey: ['readyz'], queryFn: ({ signal }) => getReadiness(signal), refetchInterval: refreshMs });
  const farm = useQuery({ queryKey: ['farm'], queryFn: ({ signal }) => getFarmStatus(signal), refetchInterval: farmRefreshMs });
  const status = farm.data;
  return (
    <main id="main" className="workspace workspace-single" tabIndex={-1}>
      <h1 className="page-title">{t('farm.title')}</h1>
      {farm.isError && <ErrorNotice error={describeError(farm.error, t)} />}
      {status && (
        <Space direction="vertical" size={16} style={{ width: '100%' }}>
          <Card title={t('farm.servers')} size="small">
            <FarmServers servers={status.comfyui} />
            <p className="farm-backends">
              <span>{t('farm.replicate')}</span>{' '}
              <ReplicateTag health={status.replicate} />
              <span>{t('farm.backends')}</span>{' '}
              {status.backends.map((b) => <Tag key={b} data-testid="farm-backend">{b}</Tag>)}
            </p>
          </Card>
          <Card title={t('farm.queues')} size="small"><FarmQueues queues={status.queues} /></Card>
          <Card title={t('farm.throughput')} size="small">
            <Suspense fallback={<Skeleton active paragraph={{ rows: 4 }} />}><ThroughputChart buckets={status.throughput.buckets} /></Suspense>
          </Card>
        </Space>
      )}
      <Card title={t('farm.health')} size="small" style={{ marginTop: 16 }} data-testid="farm-health">
        <ul className="health-list">
          {Object.entries(ready.data?.checks ?? {}).map(([name, check]) => {
            const key = optionalKey(`farm.check.${name}`);
            return (
              <li key={name} data-testid="health-check" data-ok={check.ok}>
                <span>{key ? t(key) : name}</span>{' '}
                <Tag color={check.ok ? 'green' : 'red'}>{check.ok ? t('farm.ok') : t('farm.down')}</Tag>
                {check.error && <code>{check.error}</code>}
              </li>
            );
          })}
        </ul>
      </Card>
    </main>
  );
}
