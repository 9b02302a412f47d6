import { Table } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import type { CostRollupRow } from '@shotfarm/shared';
import { useI18n } from '../../i18n/i18n.ts';
import { formatYuan } from '../../lib/format-yuan.ts';

const yuanOrDash = (v: number | null): string => (v === null ? '—' : formatYuan(v));
const byNumber = (k: keyof CostRollupRow) => (a: CostRollupRow, b: CostRollupRow) => ((a[k] as number | null) ?? -1) - ((b[k] as number | null) ?? -1);

/** A roll-up as a sortable table, ¥ for people (the CSV keeps milli-fen). */
export function CostTable({ rows, total, testId, compact = false }: { rows: readonly CostRollupRow[]; total?: CostRollupRow; testId: string; compact?: boolean }) {
  const { t } = useI18n();
  const columns: ColumnsType<CostRollupRow> = [
    { title: t('costs.col.key'), dataIndex: 'key', render: (k: string | null) => k ?? t('costs.noKey'), sorter: (a, b) => String(a.key).localeCompare(String(b.key)) },
    { title: t('costs.col.amount'), dataIndex: 'amount', render: formatYuan, sorter: byNumber('amount'), defaultSortOrder: 'descend', align: 'right' },
    { title: t('costs.col.idle'), dataIndex: 'idleAmount', render: formatYuan, sorter: byNumber('idleAmount'), align: 'right' },
    { title: t('costs.col.tasks'), dataIndex: 'tasks', sorter: byNumber('tasks'), align: 'right' },
    { title: t('costs.col.failed'), dataIndex: 'failedTasks', sorter: byNumber('failedTasks'), align: 'right' },
    { title: t('costs.col.seconds'), dataIndex: 'gpuSeconds', render: (s: number) => s.toFixed(1), sorter: byNumber('gpuSeconds'), align: 'right' },
    { title: t('costs.col.images'), dataIndex: 'images', sorter: byNumber('images'), align: 'right' },
    { title: t('costs.col.approved'), dataIndex: 'approved', sorter: byNumber('approved'), align: 'right' },
    { title: t('costs.col.live'), dataIndex: 'live', sorter: byNumber('live'), align: 'right' },
    { title: t('costs.col.perImage'), dataIndex: 'perImage', render: yuanOrDash, sorter: byNumber('perImage'), align: 'right' },
    { title: t('costs.col.perLive'), dataIndex: 'perLiveImage', render: yuanOrDash, sorter: byNumber('perLiveImage'), align: 'right' },
  ];
  // Half-width cards (top spenders) keep the group, the spend, the images and ¥ per live image.
  const shown = compact ? columns.filter((c) => ['key', 'amount', 'images', 'perLiveImage'].includes(String((c as { dataIndex?: string }).dataIndex))) : columns;
  return (
    <Table<CostRollupRow>
      data-testid={testId} size="small" rowKey={(r) => String(r.key)} columns={shown} dataSource={[...rows]} pagination={{ pageSize: 20, hideOnSinglePage: true }}
      scroll={{ x: true }} locale={{ emptyText: t('costs.empty') }}
      summary={total ? () => (
        <Table.Summary.Row>
          <Table.Summary.Cell index={0}><strong>{t('costs.total')}</strong></Table.Summary.Cell>
          <Table.Summary.Cell index={1} align="right"><strong data-testid={`${testId}-total`}>{formatYuan(total.amount)}</strong></Table.Summary.Cell>
          <Table.Summary.Cell index={2} align="right">{formatYuan(total.idleAmount)}</Table.Summary.Cell>
          <Table.Summary.Cell index={3} align="right">{total.tasks}</Table.Summary.Cell>
          <Table.Summary.Cell index={4} align="right">{total.failedTasks}</Table.Summary.Cell>
          <Table.Summary.Cell index={5} align="right">{total.gpuSeconds.toFixed(1)}</Table.Summary.Cell>
          <Table.Summary.Cell index={6} align="right">{total.images}</Table.Summary.Cell>
          <Table.Summary.Cell index={7} align="right">{total.approved}</Table.Summary.Cell>
          <Table.Summary.Cell index={8} align="right">{total.live}</Table.Summary.Cell>
          <Table.Summary.Cell index={9} align="right">{yuanOrDash(total.perImage)}</Table.Summary.Cell>
          <Table.Summary.Cell index={10} align="right">{yuanOrDash(total.perLiveImage)}</Table.Summary.Cell>
        </Table.Summary.Row>
      ) : undefined}
    />
  );
}
