import { Table, Tag } from 'antd';
import type { ComfyServerHealth } from '@shotfarm/shared';
import { useI18n } from '../../i18n/i18n.ts';
import { BlocklistTag } from './blocklist-tag.tsx';

const gib = (bytes: number): string => (bytes / 2 ** 30).toFixed(1);

/** The ComfyUI servers: up or down (and blocklisted for which recipes), which GPU, how much VRAM is free, and whether it is rendering now. */
export function FarmServers({ servers }: { servers: readonly ComfyServerHealth[] }) {
  const { t } = useI18n();
  if (servers.length === 0) return <p className="muted">{t('farm.server.none')}</p>;
  return (
    <Table<ComfyServerHealth> size="small" pagination={false} rowKey="url" dataSource={[...servers]} data-testid="farm-servers"
      onRow={(s) => ({ 'data-state': s.state } as React.HTMLAttributes<HTMLElement>)}
      columns={[
        { key: 'name', title: t('farm.server.name'), render: (_, s) => <span title={s.url}>{s.name}</span> },
        { key: 'state', title: t('farm.server.state'), render: (_, s) => (
          <>
            <Tag color={s.state === 'up' ? 'green' : 'red'} title={s.error ?? undefined}>{t(s.state === 'up' ? 'farm.server.up' : 'farm.server.down')}</Tag>
            <BlocklistTag entries={s.blocklistedFor} />
          </>
        ) },
        { key: 'gpu', title: t('farm.server.gpu'), render: (_, s) => s.device?.name ?? s.configuredGpu ?? '—' },
        { key: 'vram', title: t('farm.server.vram'), render: (_, s) => (s.device ? t('farm.vram', { free: gib(s.device.vramFreeBytes), total: gib(s.device.vramTotalBytes) }) : '—') },
        { key: 'load', title: t('farm.server.load'), render: (_, s) => (s.queueRemaining === null ? '—'
          : s.queueRemaining > 0 ? <Tag color="blue">{t('farm.server.busy', { count: s.queueRemaining })}</Tag> : <Tag>{t('farm.server.idle')}</Tag>) },
      ]} />
  );
}
