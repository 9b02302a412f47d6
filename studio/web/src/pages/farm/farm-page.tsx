import { useQuery } from '@tanstack/react-query';
import { Alert, Card, Tag } from 'antd';
import { getReadiness } from '../../api/client.ts';
import { optionalKey, useI18n } from '../../i18n/i18n.ts';

/** How often the health card refreshes. */
const refreshMs = 10_000;

/**
 * 算力 / Farm, first version: service health from `/readyz`. Queue depths, throughput and render-server state
 * need an API endpoint that does not exist yet; the page says so rather than guessing.
 */
export default function FarmPage() {
  const { t } = useI18n();
  const ready = useQuery({ queryKey: ['readyz'], queryFn: ({ signal }) => getReadiness(signal), refetchInterval: refreshMs });
  return (
    <main id="main" className="workspace workspace-single" tabIndex={-1}>
      <h1 className="page-title">{t('farm.title')}</h1>
      <Alert type="info" showIcon message={t('farm.noQueueEndpoint')} />
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
