import { useId, useState } from 'react';
import type { JobView } from '@shotfarm/shared';
import { Link } from 'react-router';
import { cancelJob, retryJob } from '../api/client.ts';
import { isTerminal, type JobWatch } from '../hooks/use-job.ts';
import { describeCode, describeError } from '../i18n/error-message.ts';
import { useI18n } from '../i18n/i18n.ts';
import { ErrorNotice } from './error-notice.tsx';
import { ProgressBar } from './progress-bar.tsx';
import { StatusBadge } from './status-badge.tsx';
import { TaskChip } from './task-chip.tsx';

/**
 * A button's request on the job (cancel, retry): pending from the click itself, so a double click sends one
 * request, and the answer — the job as it is now — replaces the watched view.
 */
function useJobAction(request: (jobId: string) => Promise<JobView>, onDone: (job: JobView) => void) {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const run = async (jobId: string): Promise<void> => {
    setPending(true);
    setError(null);
    try {
      onDone(await request(jobId));
    } catch (e) {
      setError(e);
    } finally {
      setPending(false);
    }
  };
  return { pending, error, run };
}

export interface JobPanelProps {
  jobId: string | null;
  watch: JobWatch;
}

/**
 * The watched job: status, overall progress, one chip per variant, Cancel while it can be canceled, Retry of
 * its failed tasks once it has finished, and a link to its outputs in the gallery (a sweep shows as a grid there).
 */
export function JobPanel({ jobId, watch }: JobPanelProps) {
  const { t } = useI18n();
  const tasksLabelId = useId();
  const cancel = useJobAction(cancelJob, watch.replace);
  const retry = useJobAction(retryJob, watch.replace);
  const { job } = watch;

  if (!jobId) return <p className="empty-state" data-testid="job-empty">{t('job.empty')}</p>;
  if (!job) {
    return watch.loadError
      ? <ErrorNotice error={describeError(watch.loadError, t)} testId="job-error" />
      : <ProgressBar value={0} label={t('job.progress')} tone="neutral" testId="job-progress" />;
  }

  const status = watch.status ?? job.status;
  const finished = isTerminal(status);
  const tone = status === 'succeeded' ? 'success' : status === 'failed' ? 'danger' : status === 'canceled' ? 'neutral' : 'active';
  const failedTasks = job.tasks.filter((task) => task.status === 'failed' && task.error);
  const retryable = finished && job.tasks.some((task) => task.status === 'failed');

  return (
    <div className="job-panel" data-testid="job-panel" data-job-id={job.id}>
      <div className="job-summary">
        <div aria-live="polite">
          <StatusBadge status={status} testId="job-status" />
        </div>
        <span className="job-percent" aria-hidden="true">{t('job.progressValue', { percent: Math.round(watch.progress * 100) })}</span>
        <span className="job-id" title={job.id}>{t('job.id')} <code>{job.id.slice(-12)}</code></span>
        {!finished && (
          <button type="button" className="button button-secondary button-small" onClick={() => cancel.run(job.id)} disabled={cancel.pending} data-testid="cancel-job">
            {cancel.pending ? t('job.canceling') : t('job.cancel')}
          </button>
        )}
        {retryable && (
          <button type="button" className="button button-secondary button-small" onClick={() => retry.run(job.id)} disabled={retry.pending} data-testid="retry-job">
            {retry.pending ? t('job.retrying') : t('job.retry', { count: job.tasks.filter((task) => task.status === 'failed').length })}
          </button>
        )}
        {job.outputs.length > 0 && (
          <Link className="button button-secondary button-small" to={`/gallery?job=${encodeURIComponent(job.id)}`} data-testid="job-gallery-link">
            {job.sweep ? t('job.openSweep') : t('job.openGallery')}
          </Link>
        )}
        {job.retries > 0 && <span className="muted" data-testid="job-retries">{t('job.retried', { count: job.retries })}</span>}
      </div>
      <ProgressBar value={watch.progress} label={t('job.progress')} tone={tone} testId="job-progress" />
      {watch.interrupted && <p className="muted" role="status">{t('job.reconnecting')}</p>}
      {job.error && <ErrorNotice error={describeCode(job.error.code, job.error.message, t)} testId="job-error" />}
      {cancel.error !== null && <ErrorNotice error={describeError(cancel.error, t)} testId="cancel-error" />}
      {retry.error !== null && <ErrorNotice error={describeError(retry.error, t)} testId="retry-error" />}

      <h3 id={tasksLabelId} className="subheading">{t('job.tasks')}</h3>
      <ol className="task-chips" aria-labelledby={tasksLabelId}>
        {job.tasks.map((task) => <TaskChip key={task.id} task={task} live={watch.live[task.id]} />)}
      </ol>
      {failedTasks.length > 0 && (
        <ul className="task-errors">
          {failedTasks.map((task) => {
            const error = describeCode(task.error!.code, task.error!.message, t);
            return (
              <li key={task.id} data-testid="task-error" data-code={task.error!.code}>
                <strong>{t('job.task', { n: task.index + 1 })}</strong> {error.message} <code>{task.error!.code}</code>
              </li>
            );
          })}
        </ul>
      )}
    </div>
  );
}
