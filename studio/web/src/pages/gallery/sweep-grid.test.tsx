import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { fireEvent, render, screen, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import type { JobView, Task } from '@shotfarm/shared';
import { createI18n, I18nProvider, type Language } from '../../i18n/i18n.ts';
import { SweepGrid } from './sweep-grid.tsx';

const uuid = (n: number) => `0190a000-0000-7000-8000-${String(n).padStart(12, '0')}`;
const jobId = uuid(999);

/** A job as the API shows a sweep: `variants` tasks per combination of the axes' values, one output each. */
function sweepJob(axes: NonNullable<JobView['sweep']>, variants: number, opts: { missing?: number[] } = {}): JobView {
  const combos: Record<string, unknown>[] = axes.reduce<Record<string, unknown>[]>(
    (acc, axis) => acc.flatMap((c) => axis.values.map((v) => ({ ...c, [axis.param]: v }))), [{}]);
  const tasks: Task[] = combos.flatMap((combo, cell) => Array.from({ length: variants }, (_, v) => ({
    id: uuid(cell * variants + v), jobId, index: cell * variants + v, status: 'succeeded' as const, progress: 1,
    params: { prompt: 'a vase', ...combo } as Task['params'], seed: v, attempts: 1, retries: 0, error: null, backend: 'local', usage: null,
    startedAt: null, finishedAt: null,
  })));
  const outputs = tasks.filter((t) => !opts.missing?.includes(t.index)).map((t) => ({
    assetId: uuid(1000 + t.index), taskId: t.id, url: `/files/${t.index}.png`, thumbnailUrl: `/files/${t.index}.webp`, width: 8, height: 8, mime: 'image/png', params: t.params,
  }));
  return {
    id: jobId, type: 'product-shot', recipe: { id: 'product-shot/studio-local', version: 1 }, status: 'succeeded', params: {}, inputs: {},
    variants, priority: 5, retries: 0, progress: 1, sweep: axes, tasks, outputs, createdAt: '2026-03-01T10:00:00.000Z', finishedAt: null,
  } as JobView;
}

/** The recipe list is cached already (empty): the grid's words then come from the dictionary, and nothing is fetched. */
function withRecipes(): QueryClient {
  const client = new QueryClient();
  client.setQueryData(['recipes'], []);
  return client;
}
const inLanguage = (language: Language, ui: React.ReactNode) => render(
  <QueryClientProvider client={withRecipes()}><I18nProvider instance={createI18n(language)}>{ui}</I18nProvider></QueryClientProvider>,
);

describe('SweepGrid', () => {
  it('puts the first axis across and the second down, each cell holding its variants', () => {
    const job = sweepJob([{ param: 'shadow', values: [0, 0.5, 1] }, { param: 'background', values: ['white', 'marble'] }], 2);
    inLanguage('en', <SweepGrid job={job} selected={[]} onToggle={() => {}} />);
    const table = screen.getByTestId('sweep-grid');
    expect(within(table).getByText('Parameter sweep: shadow × background')).toBeTruthy();
    expect(screen.getAllByTestId('sweep-col').map((c) => c.textContent)).toEqual(['0', '0.5', '1']);
    expect(screen.getAllByTestId('sweep-row').map((c) => c.textContent)).toEqual(['white', 'marble']);
    const cells = screen.getAllByTestId('sweep-cell');
    expect(cells).toHaveLength(6);
    // Row "marble", column 0.5: the images of exactly the tasks with those values.
    const marbleHalf = job.tasks.filter((t) => t.params.background === 'marble' && t.params.shadow === 0.5).map((t) => `/files/${t.index}.webp`);
    expect(within(cells[4]!).getAllByRole('button').map((b) => b.querySelector('img')!.getAttribute('src'))).toEqual(marbleHalf);
    expect(within(cells[4]!).getAllByRole('button')[0]!.getAttribute('aria-label')).toBe('Select shadow 0.5 background marble');
  });

  it('draws one row for a one-axis sweep, marks an empty cell, and toggles selection', () => {
    const job = sweepJob([{ param: 'strength', values: [0.2, 0.8] }], 1, { missing: [1] });
    const onToggle = vi.fn();
    inLanguage('zh-CN', <SweepGrid job={job} selected={[uuid(1000)]} onToggle={onToggle} />);
    // The parameter is named as the form names it (param.strength).
    expect(screen.getByText('参数扫描：强度')).toBeTruthy();
    const cells = screen.getAllByTestId('sweep-cell');
    expect(cells).toHaveLength(2);
    expect(within(cells[1]!).getByText('无输出')).toBeTruthy();
    const thumb = within(cells[0]!).getByRole('button');
    expect(thumb.getAttribute('aria-pressed')).toBe('true');
    fireEvent.click(thumb);
    expect(onToggle).toHaveBeenCalledWith(uuid(1000));
  });

  it('draws nothing for a job without a sweep', () => {
    const job = { ...sweepJob([{ param: 'strength', values: [1] }], 1), sweep: undefined };
    const { container } = inLanguage('en', <SweepGrid job={job} selected={[]} onToggle={() => {}} />);
    expect(container.textContent).toBe('');
  });
});
