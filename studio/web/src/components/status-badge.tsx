import type { JobStatus } from '@shotfarm/shared';
import { useI18n } from '../i18n/i18n.ts';

export interface StatusBadgeProps {
  status: JobStatus;
  testId?: string;
}

/** A job's or a task's status, by word and colour (never colour alone). */
export function StatusBadge({ status, testId }: StatusBadgeProps) {
  const { t } = useI18n();
  return (
    <span className={`badge badge-${status}`} data-testid={testId} data-status={status}>
      {t(`job.status.${status}`)}
    </span>
  );
}
