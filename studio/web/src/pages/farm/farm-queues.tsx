import { Table } from 'antd';
import type { FarmStatus, QueueDepth } from '@shotfarm/shared';
import { useI18n } from '../../i18n/i18n.ts';

const states = ['waiting', 'active', 'delayed', 'failed', 'completed'] as const;

/** The render and score queues, one row each, one column per BullMQ state. */
export function FarmQueues({ queues }: { queues: FarmStatus['queues'] }) {
  const { t } = useI18n();
  const rows = (['render', 'score'] as const).map((name) => ({ name, ...queues[name] }));
  return (
    <Table<{ name: 'render' | 'score' } & QueueDepth> size="small" pagination={false} rowKey="name" dataSource={rows} data-testid="farm-queues"
      columns={[
        { key: 'name', title: t('farm.queue.name'), render: (_, r) => t(`farm.queue.${r.name}`) },
        ...states.map((s) => ({ key: s, dataIndex: s, title: t(`farm.queue.${s}`), align: 'right' as const })),
      ]} />
  );
}
