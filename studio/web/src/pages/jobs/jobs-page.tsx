import { useSearchParams } from 'react-router';
import { useQuery } from '@tanstack/react-query';
import { Progress, Segmented } from 'antd';
import type { JobStatus } from '@shotfarm/shared';
import { listJobs, type JobSummary } from '../../api/client.ts';
import { ErrorNotice } from '../../components/error-notice.tsx';
import { JobPanel } from '../../components/job-panel.tsx';
import { OutputGrid } from '../../components/output-grid.tsx';
import { StatusBadge } from '../../components/status-badge.tsx';
import { useJob } from '../../hooks/use-job.ts';
import { describeError } from '../../i18n/error-message.ts';
import { useI18n } from '../../i18n/i18n.ts';
import { RerunForm } from './rerun-form.tsx';

/** The list refreshes this often; the selected job is live through its event stream. */
const listRefreshMs = 3_000;
const pageSize = 50;
const statusFilters = ['all', 'running', 'queued', 'succeeded', 'failed', 'canceled'] as const;

/** 任务 / Jobs: every job, newest first; the selected one live (SSE progress, per-task state, cancel, re-run). */
export default function JobsPage() {
  const { t, language } = useI18n();
  const [search, setSearch] = useSearchParams();
  const filter = (statusFilters as readonly string[]).includes(search.get('status') ?? '') ? search.get('status') as (typeof statusFilters)[number] : 'all';
  const jobs = useQuery({
    queryKey: ['jobs', filter],
    queryFn: ({ signal }) => listJobs({ limit: pageSize, ...(filter === 'all' ? {} : { status: filter }) }, signal),
    refetchInterval: listRefreshMs,
  });
  const selected = search.get('job');
  const watch = useJob(selected);
  const select = (id: string) => setSearch((prev) => { const next = new URLSearchParams(prev); next.set('job', id); return next; });
  const setFilter = (f: string) => setSearch((prev) => { const next = new URLSearchParams(prev); if (f === 'all') next.delete('status'); else next.set('status', f); return next; });
  const statusLabel = (s: (typeof statusFilters)[number]) => (s === 'all' ? t('jobs.filterAll') : t(`job.status.${s}`));
  const time = (iso: string) => new Date(iso).toLocaleString(language, { dateStyle: 'short', timeStyle: 'short' });

  return (
    <main id="main" className="workspace workspace-jobs" tabIndex={-1}>
      <section className="workspace-column" aria-labelledby="jobs-title">
        <h1 id="jobs-title" className="page-title">{t('jobs.title')}</h1>
        <Segmented value={filter} onChange={(v) => setFilter(String(v))} options={statusFilters.map((s) => ({ value: s, label: statusLabel(s) }))} />
        {jobs.isPending && <p className="muted" role="status">{t('jobs.loading')}</p>}
        {jobs.isError && <ErrorNotice error={describeError(jobs.error, t)} />}
        {jobs.data?.items.length === 0 && <p className="empty-state">{t('jobs.empty')}</p>}
        <ul className="job-list" data-testid="job-list">
          {jobs.data?.items.map((job: JobSummary) => (
            <li key={job.id}>
              <button type="button" className={job.id === selected ? 'job-row is-selected' : 'job-row'} onClick={() => select(job.id)}
                aria-current={job.id === selected ? 'true' : undefined} data-testid="job-row" data-status={job.status}>
                <StatusBadge status={job.status as JobStatus} />
                <span className="job-row-recipe">{job.recipe.id}</span>
                <span className="muted">×{job.variants}</span>
                <Progress percent={Math.round(job.progress * 100)} size="small" style={{ width: 120, margin: 0 }} showInfo={false} />
                <span className="muted">{t('jobs.created', { time: time(job.createdAt) })}</span>
              </button>
            </li>
          ))}
        </ul>
      </section>
      <section className="workspace-column" aria-label={t('job.title')}>
        {selected ? (
          <>
            <JobPanel jobId={selected} watch={watch} />
            {watch.job && <RerunForm job={watch.job} onSubmitted={select} />}
            <OutputGrid outputs={watch.job?.outputs ?? []} />
          </>
        ) : <p className="empty-state">{t('job.empty')}</p>}
      </section>
    </main>
  );
}
