import { useEffect } from 'react';
import { useSearchParams } from 'react-router';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Segmented } from 'antd';
import type { JobStatus } from '@shotfarm/shared';
import { listJobs, type JobSummary } from '../../api/client.ts';
import { ErrorNotice } from '../../components/error-notice.tsx';
import { JobPanel } from '../../components/job-panel.tsx';
import { OutputGrid } from '../../components/output-grid.tsx';
import { ProgressBar } from '../../components/progress-bar.tsx';
import { StatusBadge } from '../../components/status-badge.tsx';
import { useJob } from '../../hooks/use-job.ts';
import { recipeTitle, useRecipes } from '../../hooks/use-recipes.ts';
import { describeError } from '../../i18n/error-message.ts';
import { useI18n } from '../../i18n/i18n.ts';
import { formatDateTime } from '../../lib/format-date.ts';
import { RerunForm } from './rerun-form.tsx';

/** The list refreshes this often; the selected job is live through its event stream. */
const listRefreshMs = 3_000;
const pageSize = 50;
const statusFilters = ['all', 'running', 'queued', 'succeeded', 'failed', 'canceled'] as const;

/** A bar's colour says the state: green only for success, red for failure, grey for canceled. */
export function toneOf(status: JobStatus): 'active' | 'success' | 'danger' | 'neutral' {
  return status === 'succeeded' ? 'success' : status === 'failed' ? 'danger' : status === 'canceled' ? 'neutral' : 'active';
}

/** 任务 / Jobs: every job, newest first; the selected one live (SSE progress, per-task state, cancel, re-run). */
export default function JobsPage() {
  const { t, language } = useI18n();
  const [search, setSearch] = useSearchParams();
  const queryClient = useQueryClient();
  const recipes = useRecipes();
  const filter = (statusFilters as readonly string[]).includes(search.get('status') ?? '') ? search.get('status') as (typeof statusFilters)[number] : 'all';
  const jobs = useQuery({
    queryKey: ['jobs', filter],
    queryFn: ({ signal }) => listJobs({ limit: pageSize, ...(filter === 'all' ? {} : { status: filter }) }, signal),
    refetchInterval: listRefreshMs,
  });
  const selected = search.get('job');
  const watch = useJob(selected);
  // The selected job's state changes (a cancel, a finish) show in its row at once, not at the next refresh.
  useEffect(() => { if (watch.status) void queryClient.invalidateQueries({ queryKey: ['jobs'] }); }, [watch.status, queryClient]);
  const select = (id: string) => setSearch((prev) => { const next = new URLSearchParams(prev); next.set('job', id); return next; });
  const setFilter = (f: string) => setSearch((prev) => { const next = new URLSearchParams(prev); if (f === 'all') next.delete('status'); else next.set('status', f); return next; });
  const statusLabel = (s: (typeof statusFilters)[number]) => (s === 'all' ? t('jobs.filterAll') : t(`job.status.${s}`));

  return (
    <main id="main" className="workspace workspace-jobs" tabIndex={-1}>
      <section className="workspace-column" aria-labelledby="jobs-title">
        <h1 id="jobs-title" className="page-title">{t('jobs.title')}</h1>
        <Segmented value={filter} onChange={(v) => setFilter(String(v))} options={statusFilters.map((s) => ({ value: s, label: statusLabel(s) }))} />
        {jobs.isPending && <p className="muted" role="status">{t('jobs.loading')}</p>}
        {jobs.isError && <ErrorNotice error={describeError(jobs.error, t)} />}
        {jobs.data?.items.length === 0 && <p className="empty-state">{t('jobs.empty')}</p>}
        <ul className="job-list" data-testid="job-list">
          {jobs.data?.items.map((job: JobSummary) => {
            // The watched job is fresher than the list (its stream, or a cancel's answer).
            const live = job.id === selected && watch.job?.id === job.id;
            const status = (live && watch.status) || job.status;
            const progress = live ? watch.progress : job.progress;
            const count = live ? watch.job!.outputs.length : job.outputCount;
            const title = recipeTitle(recipes.data, job.recipe.id, language);
            const video = job.type === 'short-video';
            return (
              <li key={job.id}>
                <button type="button" className={job.id === selected ? 'job-row is-selected' : 'job-row'} onClick={() => select(job.id)}
                  aria-current={job.id === selected ? 'true' : undefined} data-testid="job-row" data-status={status} data-job-id={job.id}>
                  <span className="job-row-thumb">
                    {job.thumbnailUrl ? <img src={job.thumbnailUrl} alt={t('jobs.thumbAlt', { recipe: title })} loading="lazy" data-testid="job-thumb" /> : null}
                  </span>
                  <span className="job-row-main">
                    <span className="job-row-title">
                      <StatusBadge status={status} />
                      <span className="job-row-recipe" title={`${job.recipe.id}@${job.recipe.version}`} data-testid="job-recipe">{title}</span>
                      <span className="muted" data-testid="job-recipe-version" data-trial={job.trial ? 'true' : undefined}>
                        {job.trial ? t('recipes.trialTag') : t('recipes.versionTag', { version: job.recipe.version })}
                      </span>
                    </span>
                    <span className="job-row-meta">
                      <span data-testid="job-output-count">{count === 0 ? t('jobs.noOutputs') : t(video ? 'jobs.outputsVideo' : 'jobs.outputs', { count })}</span>
                      <span className="muted">{t('jobs.created', { time: formatDateTime(job.createdAt, language) })}</span>
                    </span>
                    <ProgressBar value={progress} label={t('job.progress')} tone={toneOf(status)} testId="job-row-progress" />
                  </span>
                </button>
              </li>
            );
          })}
        </ul>
      </section>
      <section className="workspace-column" aria-label={t('job.title')}>
        {selected ? (
          <>
            <JobPanel jobId={selected} watch={watch} />
            {watch.job && <RerunForm job={watch.job} onSubmitted={select} />}
            <OutputGrid outputs={watch.job?.outputs ?? []} jobId={selected} recipeId={watch.job?.recipe.id ?? null} />
          </>
        ) : <p className="empty-state">{t('job.empty')}</p>}
      </section>
    </main>
  );
}
