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
import { groupFailures, worthRetrying } from '../lib/task-failures.ts';
import { formatYuan } from '../lib/format-yuan.ts';
import type { Translate } from '../i18n/i18n.ts';

/** Why the router chose this backend, in the page's language (the API's own sentence is English, for logs and API users). */
function routingWhy(routing: NonNullable<JobView['routing']>, t: Translate): string {
  if (routing.requested !== 'auto') return t('job.routing.fixed');
  const able = routing.candidates.filter((c) => c.excluded === undefined);
  const chosen = routing.candidates.find((c) => c.recipe === routing.recipe);
  if (able.length <= 1 || !chosen || chosen.perAcceptedImage === null) return t('job.routing.only');
  return t('job.routing.cheapest', { cost: formatYuan(chosen.perAcceptedImage), count: able.length });
}

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
  const failures = groupFailures(job.tasks);
  const anyFailed = job.tasks.some((task) => task.status === 'failed');
  // A failure that depends on the input (a refused photo) fails again: not offered as a retry.
  const retryable = finished && anyFailed && worthRetrying(job.tasks);

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
      {job.cost && (
        <p className="muted job-cost" data-testid="job-cost">
          {job.cost.estimate !== null ? t('job.cost', { estimate: formatYuan(job.cost.estimate), actual: formatYuan(job.cost.actual) }) : t('job.costNoEstimate', { actual: formatYuan(job.cost.actual) })}
          {job.cost.budget !== null && <> · {t('job.costBudget', { budget: formatYuan(job.cost.budget) })}</>}
          {job.routing && <> · <span data-testid="job-routing" data-backend={job.routing.backend}>{t('job.routing', { backend: job.routing.backend, reason: routingWhy(job.routing, t) })}</span></>}
        </p>
      )}
      {watch.interrupted && <p className="muted" role="status">{t('job.reconnecting')}</p>}
      {job.error && <ErrorNotice error={describeCode(job.error.code, job.error.message, t)} testId="job-error" />}
      {cancel.error !== null && <ErrorNotice error={describeError(cancel.error, t)} testId="cancel-error" />}
      {retry.error !== null && <ErrorNotice error={describeError(retry.error, t)} testId="retry-error" />}

      <h3 id={tasksLabelId} className="subheading">{t('job.tasks')}</h3>
      <ol className="task-chips" aria-labelledby={tasksLabelId}>
        {job.tasks.map((task) => <TaskChip key={task.id} task={task} live={watch.live[task.id]} />)}
      </ol>
      {failures.length > 0 && (
        <ul className="task-errors">
          {failures.map((group) => {
            const error = describeCode(group.code, group.message, t);
            const who = group.variants.length > 1 ? t('job.sameError', { count: group.variants.length }) : t('job.task', { n: group.variants[0]! });
            return (
              <li key={`${group.code}-${group.variants[0]}`} data-testid="task-error" data-code={group.code} data-count={group.variants.length}>
                <strong>{who}</strong> {error.message} <code>{group.code}</code>
              </li>
            );
          })}
        </ul>
      )}
      {finished && anyFailed && !retryable && <p className="muted" data-testid="not-retryable">{t('job.notRetryable')}</p>}
    </div>
  );
}
