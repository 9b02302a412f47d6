import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { JobEvent, JobStatus, JobView, TaskPreviewEvent, TaskStatus } from '@shotfarm/shared';
import { ApiRequestError, getJob, openJobEvents } from '../api/client.ts';

/** How often to poll `GET /api/jobs/:id` when the event stream is gone for good (404, proxy without SSE). */
const fallbackPollMs = 2_000;

const terminalJobStatuses: ReadonlySet<JobView['status']> = new Set(['succeeded', 'failed', 'canceled']);

/** What the stream said about one task since the last refetch. */
export interface LiveTask {
  progress: number;
  stage: string | null;
  /** The newest sampler preview (a data: URL) while the task renders on a GPU backend that sends them. */
  preview?: string;
}

export interface JobWatch {
  job: JobView | null;
  /** The job's status, corrected the same way as {@link taskStatus}. */
  status: JobStatus | null;
  /** Live progress and stage per task id, from `task-progress` events. */
  live: Readonly<Record<string, LiveTask>>;
  /** Job progress, 0–1: the mean of its tasks' progress. */
  progress: number;
  /** The last refetch failed; `job` keeps the previous answer. */
  loadError: unknown;
  /** The event stream dropped; EventSource is reconnecting, or we fell back to polling. */
  interrupted: boolean;
  /** Take a job view the caller already has (the cancel answer) as the newest state. */
  replace: (job: JobView) => void;
}

export function isTerminal(status: JobView['status']): boolean {
  return terminalJobStatuses.has(status);
}

/**
 * A task's status as the page shows it: the view is refetched only when a task finishes, so a task the
 * stream already reports progress for is running even while the last view still says queued.
 */
export function taskStatus(task: JobView['tasks'][number], live: LiveTask | undefined): TaskStatus {
  return task.status === 'queued' && live ? 'running' : task.status;
}

/** A task's progress: the newest of the refetched view and the live stream; a finished success counts as 1. */
export function taskProgress(task: JobView['tasks'][number], live: LiveTask | undefined): number {
  if (task.status === 'succeeded') return 1;
  return Math.max(task.progress, live?.progress ?? 0);
}

/**
 * Watches one job: its state from `GET /api/jobs/:id`, live progress from its event stream. Refetches on every
 * `task-done`, `job-done` and `job-retried` (the events carry ids, the view carries URLs), and closes the stream
 * once a refetched view is finished — not on `job-done` itself: a replayed stream of a retried job carries the
 * old run's `job-done` before the retry. A retry of a finished job (through {@link JobWatch.replace}) reopens it.
 */
export function useJob(jobId: string | null): JobWatch {
  const [job, setJob] = useState<JobView | null>(null);
  const [live, setLive] = useState<Record<string, LiveTask>>({});
  const [loadError, setLoadError] = useState<unknown>(null);
  const [interrupted, setInterrupted] = useState(false);
  const [streamGone, setStreamGone] = useState(false);
  const refetchRef = useRef<() => void>(() => {});
  // Bumped when a finished job is reopened (a retry), to open its stream again.
  const [run, setRun] = useState(0);

  useEffect(() => {
    setLive({});
    setLoadError(null);
    setInterrupted(false);
    setStreamGone(false);
    if (!jobId) return;

    const abort = new AbortController();
    // Answers can arrive out of order; only one newer than the last applied may replace it.
    let requested = 0;
    let applied = 0;
    const refetch = (): void => {
      const ticket = ++requested;
      getJob(jobId, abort.signal).then((view) => {
        if (ticket < applied) return;
        applied = ticket;
        setJob(view);
        setLoadError(null);
        if (isTerminal(view.status)) source.close();
      }, (error: unknown) => {
        if (!abort.signal.aborted) setLoadError(error);
      });
    };
    refetchRef.current = refetch;

    const onEvent = (e: JobEvent | TaskPreviewEvent): void => {
      if (e.jobId !== jobId) return;
      switch (e.type) {
        case 'task-progress':
          setLive((prev) => ({ ...prev, [e.taskId]: { ...prev[e.taskId], progress: Math.max(prev[e.taskId]?.progress ?? 0, e.progress), stage: e.stage } }));
          return;
        case 'task-preview':
          setLive((prev) => ({ ...prev, [e.taskId]: {
            progress: prev[e.taskId]?.progress ?? 0, stage: prev[e.taskId]?.stage ?? null,
            preview: `data:${e.preview.mime};base64,${e.preview.base64}`,
          } }));
          return;
        case 'task-done':
          if (e.status === 'succeeded') {
            setLive((prev) => ({ ...prev, [e.taskId]: { progress: 1, stage: prev[e.taskId]?.stage ?? null } }));
          }
          refetch();
          return;
        case 'job-done':
          refetch();
          return;
        case 'job-retried':
          setLive((prev) => Object.fromEntries(Object.entries(prev).filter(([taskId]) => !e.taskIds.includes(taskId))));
          refetch();
          return;
        default: {
          const unknown: never = e;
          void unknown;
        }
      }
    };
    const source = openJobEvents(jobId, onEvent);
    source.addEventListener('open', () => {
      setInterrupted(false);
      refetch(); // after a reconnect the stream replays what was missed, but the view may have moved on too
    });
    source.addEventListener('error', () => {
      if (abort.signal.aborted) return;
      setInterrupted(true);
      // CLOSED: EventSource gave up (an HTTP error, not a dropped connection); poll instead.
      if (source.readyState === EventSource.CLOSED) setStreamGone(true);
    });
    refetch();
    return () => {
      abort.abort();
      source.close();
      refetchRef.current = () => {};
    };
  }, [jobId, run]);

  // After the id changes, the state holds the previous job's view until the new one's first answer: never shown.
  const current = job?.id === jobId ? job : null;
  const finished = current ? isTerminal(current.status) : false;
  // A job the API does not know will not start existing: stop asking.
  const missing = loadError instanceof ApiRequestError && loadError.status === 404;
  useEffect(() => {
    if (!streamGone || finished || missing) return;
    const timer = setInterval(() => refetchRef.current(), fallbackPollMs);
    return () => clearInterval(timer);
  }, [streamGone, finished, missing]);

  const progress = useMemo(() => {
    if (!current) return 0;
    if (current.tasks.length === 0) return current.progress;
    const sum = current.tasks.reduce((acc, task) => acc + taskProgress(task, live[task.id]), 0);
    return sum / current.tasks.length;
  }, [current, live]);

  const replace = useCallback((view: JobView) => {
    if (view.id !== jobId) return;
    if (current && isTerminal(current.status) && !isTerminal(view.status)) setRun((n) => n + 1);
    setJob(view);
  }, [jobId, current]);

  const status = current && current.status === 'queued' && Object.keys(live).length > 0 ? 'running' : current?.status ?? null;
  return { job: current, status, live, progress, loadError, interrupted: interrupted && !finished, replace };
}
