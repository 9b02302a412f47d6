import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { MemoryRouter } from 'react-router';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { JobEvent, JobView, Task } from '@shotfarm/shared';
import { useJob } from '../hooks/use-job.ts';
import { createI18n, I18nProvider, type Language } from '../i18n/i18n.ts';
import { JobPanel } from './job-panel.tsx';

const jobId = '0190a000-0000-7000-8000-0000000000a1';
const taskIds = ['0190a000-0000-7000-8000-0000000000b1', '0190a000-0000-7000-8000-0000000000b2', '0190a000-0000-7000-8000-0000000000b3'] as const;
const assetId = (n: number) => `0190a000-0000-7000-8000-0000000000c${n}`;

type TaskState = Pick<Task, 'status'> & Partial<Task>;

const task = (index: number, state: TaskState): Task => ({
  id: taskIds[index]!, jobId, index, progress: state.status === 'succeeded' ? 1 : 0, params: {}, seed: 1000 + index,
  attempts: state.status === 'queued' ? 0 : 1, retries: 0, backend: state.status === 'succeeded' ? 'cpu' : null, usage: null,
  startedAt: state.status === 'queued' ? null : '2026-03-01T10:00:01.000Z',
  finishedAt: state.status === 'succeeded' || state.status === 'failed' ? '2026-03-01T10:00:05.000Z' : null,
  ...state,
  error: state.status === 'failed' ? { code: 'SF_RENDER_FAILED', message: 'sampler blew up' } : state.error ?? null,
});

/** A three-variant product shot; `tasks` gives each variant's state, the job's outputs follow its succeeded tasks. */
function jobView(status: JobView['status'], tasks: TaskState[], extra: Partial<JobView> = {}): JobView {
  const all = tasks.map((state, i) => task(i, state));
  const done = all.filter((t) => t.status === 'succeeded');
  return {
    id: jobId, type: 'product-shot', recipe: { id: 'product-shot/studio-local', version: 1 }, status,
    progress: done.length / all.length, variants: all.length, priority: 5, retries: 0, params: {},
    inputs: { product: '0190a000-0000-7000-8000-0000000000d1' }, tasks: all,
    outputs: done.map((t) => ({
      assetId: assetId(t.index + 1), taskId: t.id, url: `/files/o${t.index}.png?sig=x`, thumbnailUrl: null,
      width: 1024, height: 1024, mime: 'image/png', params: {},
    })),
    createdAt: '2026-03-01T10:00:00.000Z',
    finishedAt: status === 'succeeded' || status === 'failed' || status === 'canceled' ? '2026-03-01T10:00:06.000Z' : null,
    ...extra,
  };
}

const failedView = () => jobView('failed', [{ status: 'succeeded' }, { status: 'failed' }, { status: 'failed' }], {
  error: { code: 'SF_RENDER_FAILED', message: '2 of 3 tasks failed' },
});
/**
 * What the retry answers: the failed tasks queued again, their failure forgotten, the job counted as retried once;
 * running, as the server derives it from one succeeded and two queued tasks.
 */
const retriedView = () => jobView('running', [
  { status: 'succeeded' }, { status: 'queued', retries: 1 }, { status: 'queued', retries: 1 },
], { retries: 1 });
const retriedHalfDoneView = () => jobView('running', [
  { status: 'succeeded' }, { status: 'succeeded', retries: 1 }, { status: 'queued', retries: 1 },
], { retries: 1 });
const retriedSucceededView = () => jobView('succeeded', [
  { status: 'succeeded' }, { status: 'succeeded', retries: 1 }, { status: 'succeeded', retries: 1 },
], { retries: 1 });

/**
 * A test double of the browser's EventSource: records every stream the page opens and lets the test deliver
 * named events. Delivering on a closed stream fails the test — a real one would never hand it to the page.
 */
class FakeEventSource extends EventTarget {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSED = 2;
  static instances: FakeEventSource[] = [];
  readyState: number = FakeEventSource.CONNECTING;
  constructor(readonly url: string) {
    super();
    FakeEventSource.instances.push(this);
  }
  close(): void {
    this.readyState = FakeEventSource.CLOSED;
  }
  emit(event: JobEvent): void {
    if (this.readyState === FakeEventSource.CLOSED) throw new Error(`event ${event.type} on a closed stream`);
    this.dispatchEvent(new MessageEvent(event.type, { data: JSON.stringify(event) }));
  }
}

interface Answer {
  status: number;
  body: unknown;
}
type Route = () => Answer | Promise<Answer>;

/** A fake `fetch` answering `METHOD path` from `routes`; every call is recorded. */
function fakeApi(routes: Record<string, Route>) {
  const calls: string[] = [];
  const fetchMock = vi.fn(async (input: string, init?: RequestInit) => {
    const key = `${init?.method ?? 'GET'} ${input}`;
    calls.push(key);
    const route = routes[key];
    if (!route) return new Response(JSON.stringify({ code: 'SF_ROUTE_NOT_FOUND', message: key }), { status: 404 });
    const answer = await route();
    return new Response(JSON.stringify(answer.body), { status: answer.status, headers: { 'content-type': 'application/json' } });
  });
  vi.stubGlobal('fetch', fetchMock);
  return calls;
}
const ok = (body: unknown): Answer => ({ status: 200, body });

const getUrl = `GET /api/jobs/${jobId}`;
const retryUrl = `POST /api/jobs/${jobId}/retry`;
const eventsUrl = `/api/jobs/${jobId}/events`;

function Watched({ id }: { id: string }) {
  const watch = useJob(id);
  return <JobPanel jobId={id} watch={watch} />;
}

function renderPanel(language: Language) {
  return render(
    <MemoryRouter>
      <I18nProvider instance={createI18n(language)}><Watched id={jobId} /></I18nProvider>
    </MemoryRouter>,
  );
}

const statusOf = () => screen.getByTestId('job-status').getAttribute('data-status');
const streams = () => FakeEventSource.instances;

beforeEach(() => {
  FakeEventSource.instances = [];
  vi.stubGlobal('EventSource', FakeEventSource);
});
afterEach(() => { vi.unstubAllGlobals(); });

describe('JobPanel retry', () => {
  it.each([
    ['zh-CN', '重试失败的 2 张'],
    ['en', 'Retry 2 failed'],
  ] as const)('offers to retry the 2 failed tasks of a failed job, in %s', async (language, label) => {
    fakeApi({ [getUrl]: () => ok(failedView()) });
    renderPanel(language);
    const button = await screen.findByTestId('retry-job');
    expect(button.textContent).toBe(label);
    expect(statusOf()).toBe('failed');
    // Identical errors are one line that counts them.
    expect(screen.getAllByTestId('task-error').reduce((n, li) => n + Number(li.getAttribute('data-count')), 0)).toBe(2);
  });

  it.each([
    ['a running job', () => jobView('running', [{ status: 'succeeded' }, { status: 'failed' }, { status: 'running' }])],
    ['a job that succeeded', () => jobView('succeeded', [{ status: 'succeeded' }, { status: 'succeeded' }, { status: 'succeeded' }])],
  ])('offers no retry for %s', async (_name, view) => {
    fakeApi({ [getUrl]: () => ok(view()) });
    renderPanel('en');
    await waitFor(() => expect(screen.getByTestId('job-panel')).toBeTruthy());
    expect(screen.queryByTestId('retry-job')).toBeNull();
  });

  it('retries once, shows the reopened job, and follows it on a new stream until it succeeds', async () => {
    let current = failedView();
    let answerRetry!: () => void;
    const calls = fakeApi({
      [getUrl]: () => ok(current),
      [retryUrl]: () => new Promise<Answer>((resolve) => {
        answerRetry = () => { current = retriedView(); resolve(ok(current)); };
      }),
    });
    renderPanel('zh-CN');
    const button = await screen.findByTestId('retry-job');
    // The finished job's stream has nothing more to say.
    await waitFor(() => expect(streams()[0]!.readyState).toBe(FakeEventSource.CLOSED));
    expect(streams()).toHaveLength(1);
    expect(streams()[0]!.url).toBe(eventsUrl);

    fireEvent.click(button);
    fireEvent.click(button);
    expect(button).toHaveProperty('disabled', true);
    expect(button.textContent).toBe('正在重试…');
    await act(async () => { answerRetry(); });
    expect(calls.filter((c) => c === retryUrl)).toHaveLength(1);

    await waitFor(() => expect(statusOf()).toBe('running'));
    expect(screen.queryByTestId('retry-job')).toBeNull();
    expect(screen.getByTestId('cancel-job')).toBeTruthy();
    expect(screen.getByTestId('job-retries').textContent).toBe('已重试 1 次');
    expect(screen.queryByTestId('task-error')).toBeNull();
    expect(streams()).toHaveLength(2);
    const stream = streams()[1]!;
    expect(stream.url).toBe(eventsUrl);
    expect(stream.readyState).not.toBe(FakeEventSource.CLOSED);

    // The new stream replays the first run before the retry; its end is not this run's.
    act(() => stream.emit({ type: 'job-done', seq: 4, jobId, status: 'failed' }));
    act(() => stream.emit({ type: 'job-retried', seq: 5, jobId, taskIds: [taskIds[1], taskIds[2]], retries: 1 }));
    await act(async () => {});
    expect(stream.readyState).not.toBe(FakeEventSource.CLOSED);
    expect(statusOf()).toBe('running');

    current = retriedHalfDoneView();
    act(() => stream.emit({ type: 'task-done', seq: 10, jobId, taskId: taskIds[1], status: 'succeeded', outputAssetIds: [assetId(2)] }));
    await waitFor(() => expect(screen.getAllByTestId('task-chip').map((c) => c.getAttribute('data-status'))).toEqual(['succeeded', 'succeeded', 'queued']));
    expect(stream.readyState).not.toBe(FakeEventSource.CLOSED);

    current = retriedSucceededView();
    act(() => stream.emit({ type: 'task-done', seq: 11, jobId, taskId: taskIds[2], status: 'succeeded', outputAssetIds: [assetId(3)] }));
    act(() => stream.emit({ type: 'job-done', seq: 12, jobId, status: 'succeeded' }));
    await waitFor(() => expect(statusOf()).toBe('succeeded'));
    await waitFor(() => expect(stream.readyState).toBe(FakeEventSource.CLOSED));
    expect(screen.queryByTestId('retry-job')).toBeNull();
    expect(screen.queryByTestId('cancel-job')).toBeNull();
    expect(screen.queryByTestId('job-error')).toBeNull();
    expect(screen.getByTestId('job-gallery-link').getAttribute('href')).toBe(`/gallery?job=${jobId}`);
  });

  it('keeps a replayed stream open past the old run\'s job-done while the retried job runs', async () => {
    const calls = fakeApi({ [getUrl]: () => ok(retriedView()) });
    renderPanel('en');
    await waitFor(() => expect(statusOf()).toBe('running'));
    const stream = streams()[0]!;
    const gets = () => calls.filter((c) => c === getUrl).length;
    const before = gets();

    // The stream replays the first run from the start: progress and failure of task 2, the job failing, the retry.
    act(() => stream.emit({ type: 'task-progress', seq: 1, jobId, taskId: taskIds[1], progress: 0.6, stage: 'sampling' }));
    act(() => stream.emit({ type: 'task-done', seq: 2, jobId, taskId: taskIds[1], status: 'failed', outputAssetIds: [] }));
    act(() => stream.emit({ type: 'job-done', seq: 3, jobId, status: 'failed' }));
    act(() => stream.emit({ type: 'job-retried', seq: 4, jobId, taskIds: [taskIds[1], taskIds[2]], retries: 1 }));

    await waitFor(() => expect(gets()).toBe(before + 3));
    await act(async () => {}); // let the last refetch land
    expect(stream.readyState).not.toBe(FakeEventSource.CLOSED);
    expect(streams()).toHaveLength(1);
    expect(statusOf()).toBe('running');
    // The old run's 60 % of task 2 is gone with the retry: only task 1 counts as done.
    expect(screen.getByText('33%')).toBeTruthy();
    expect(screen.getAllByTestId('task-chip').map((c) => c.getAttribute('data-status'))).toEqual(['succeeded', 'queued', 'queued']);

    // The new run goes on on the same stream.
    act(() => stream.emit({ type: 'task-progress', seq: 5, jobId, taskId: taskIds[1], progress: 0.5, stage: 'sampling' }));
    expect(screen.getByText('50%')).toBeTruthy();
  });

  it.each([
    ['zh-CN', '任务还在进行中，等它结束后再重试失败的图片。', '重试失败的 2 张'],
    ['en', 'The job is still running. Retry its failed images once it has finished.', 'Retry 2 failed'],
  ] as const)('says why a retry was refused (409 SF_JOB_NOT_FINISHED), in %s', async (language, message, label) => {
    fakeApi({
      [getUrl]: () => ok(failedView()),
      [retryUrl]: () => ({ status: 409, body: { code: 'SF_JOB_NOT_FINISHED', message: 'job 0190a… is running' } }),
    });
    renderPanel(language);
    fireEvent.click(await screen.findByTestId('retry-job'));
    const notice = await screen.findByTestId('retry-error');
    expect(notice.getAttribute('data-code')).toBe('SF_JOB_NOT_FINISHED');
    expect(notice.querySelector('.notice-message')!.textContent).toBe(message);
    const button = screen.getByTestId('retry-job');
    expect(button).toHaveProperty('disabled', false);
    expect(button.textContent).toBe(label);
    expect(statusOf()).toBe('failed');
    expect(streams()).toHaveLength(1);
  });
});

describe('JobPanel gallery link', () => {
  const sweep = [{ param: 'strength', values: [0.4, 0.8] }];

  it.each([
    ['zh-CN', undefined, '在图库中查看', '已重试 1 次'],
    ['en', undefined, 'Open in gallery', 'Retried 1×'],
    ['zh-CN', sweep, '查看参数扫描网格', '已重试 1 次'],
    ['en', sweep, 'Open the sweep grid', 'Retried 1×'],
  ] as const)('links a job with outputs to its gallery view, in %s (sweep: %s)', async (language, axes, label, retried) => {
    const view = { ...retriedSucceededView(), ...(axes ? { sweep: axes.map((a) => ({ ...a, values: [...a.values] })) } : {}) };
    fakeApi({ [getUrl]: () => ok(view) });
    renderPanel(language);
    const link = await screen.findByTestId('job-gallery-link');
    expect(link.getAttribute('href')).toBe(`/gallery?job=${jobId}`);
    expect(link.textContent).toBe(label);
    expect(screen.getByTestId('job-retries').textContent).toBe(retried);
  });

  it('shows no link for a job without outputs, nor a retry count for a job never retried', async () => {
    fakeApi({ [getUrl]: () => ok(jobView('failed', [{ status: 'failed' }, { status: 'failed' }, { status: 'failed' }])) });
    renderPanel('en');
    expect((await screen.findByTestId('retry-job')).textContent).toBe('Retry 3 failed');
    expect(screen.queryByTestId('job-gallery-link')).toBeNull();
    expect(screen.queryByTestId('job-retries')).toBeNull();
  });
});
