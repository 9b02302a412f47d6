import { Tag, Tooltip } from 'antd';
import type { ReplicateHealth } from '@shotfarm/shared';
import { useI18n } from '../../i18n/i18n.ts';

const colours = { up: 'green', down: 'red', unset: 'default' } as const;

/** Replicate's standing: the account the token belongs to, or why it did not answer, or not configured. */
export function ReplicateTag({ health }: { health: ReplicateHealth }) {
  const { t } = useI18n();
  const text = health.state === 'up'
    ? (health.account ? t('farm.replicate.upAs', { account: health.account }) : t('farm.replicate.up'))
    : health.state === 'down' ? t('farm.replicate.down') : t('farm.replicate.unset');
  const tag = <Tag color={colours[health.state]} data-testid="farm-replicate" data-state={health.state}>{text}</Tag>;
  return health.error ? <Tooltip title={health.error}><span tabIndex={0} aria-label={`${text}: ${health.error}`}>{tag}</span></Tooltip> : tag;
}
