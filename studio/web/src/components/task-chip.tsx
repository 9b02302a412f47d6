import type { Task } from '@shotfarm/shared';
import type { LiveTask } from '../hooks/use-job.ts';
import { taskProgress, taskStatus } from '../hooks/use-job.ts';
import { optionalKey, useI18n, type Translate } from '../i18n/i18n.ts';

export interface TaskChipProps {
  task: Task;
  live: LiveTask | undefined;
}

/**
 * A worker's stage in the page's language. Stages are ids (`encode`, `replicate:processing`) or, from ComfyUI,
 * node names and "queued on <server>": never shown raw, an unknown one reads as "generating".
 */
export function stageWords(stage: string, t: Translate): string {
  const key = optionalKey(`stage.${stage}`);
  if (key) return t(key);
  const queued = /^queued on (.+)$/.exec(stage);
  return queued ? t('stage.queuedOn', { server: queued[1]! }) : t('stage.working');
}

/** One variant: its number, status and, while it runs, its stage and percentage. */
export function TaskChip({ task, live }: TaskChipProps) {
  const { t } = useI18n();
  const status = taskStatus(task, live);
  const percent = Math.round(taskProgress(task, live) * 100);
  const stage = live?.stage ? stageWords(live.stage, t) : null;
  return (
    <li className={`task-chip task-${status}`} data-testid="task-chip" data-status={status} data-task-id={task.id}>
      <span className="task-chip-fill" style={{ width: status === 'running' ? `${percent}%` : undefined }} aria-hidden="true" />
      {status === 'running' && live?.preview && (
        <img className="task-chip-preview" src={live.preview} alt={t('job.preview', { n: task.index + 1 })} data-testid="task-preview" />
      )}
      <span className="task-chip-label">{t('job.task', { n: task.index + 1 })}</span>
      <span className="task-chip-status">
        {status === 'running' ? `${stage ? `${stage} · ` : ''}${percent}%` : t(`job.status.${status}`)}
      </span>
    </li>
  );
}
