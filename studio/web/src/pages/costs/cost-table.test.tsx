import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { CostRollupRow } from '@shotfarm/shared';
import { createI18n, I18nProvider, type Language } from '../../i18n/i18n.ts';
import { CostTable } from './cost-table.tsx';

const row = (key: string | null, amount: number, over: Partial<CostRollupRow> = {}): CostRollupRow => ({
  key, tasks: 2, failedTasks: 0, gpuSeconds: 12.5, idleAmount: 0, amount, images: 2, approved: 1, live: 1,
  perImage: Math.round(amount / 2), perApprovedImage: amount, perLiveImage: amount, ...over,
});
const rows = [row('product-shot/iclight-relight', 4_400), row('model-swap/qwen-edit-tryon', 125_000, { idleAmount: 25_000 }), row(null, 700, { images: 0, approved: 0, live: 0, perImage: null, perApprovedImage: null, perLiveImage: null })];
const total = row(null, 130_100, { tasks: 6, images: 4, idleAmount: 25_000 });

const inLanguage = (language: Language, ui: React.ReactNode) => render(<I18nProvider instance={createI18n(language)}>{ui}</I18nProvider>);

describe('the cost table', () => {
  // antd's table measures the scrollbar with getComputedStyle(el, '::-webkit-scrollbar'); jsdom has no pseudo-elements.
  const original = window.getComputedStyle;
  beforeAll(() => { window.getComputedStyle = (elt: Element) => original(elt); });
  afterAll(() => { window.getComputedStyle = original; });
  afterEach(cleanup);

  it('shows ¥ for people, dearest first, a dash where nothing went live, and the total, in en', () => {
    inLanguage('en', <CostTable rows={rows} total={total} testId="t" />);
    const body = screen.getAllByRole('row').slice(1, 4);
    expect(within(body[0]!).getByText('model-swap/qwen-edit-tryon')).toBeTruthy();
    expect(within(body[0]!).getAllByText('¥1.25').length).toBeGreaterThan(0);
    expect(within(body[2]!).getByText('(none)')).toBeTruthy();
    expect(within(body[2]!).getAllByText('—').length).toBe(2);
    expect(screen.getByTestId('t-total').textContent).toBe('¥1.30');
  }, 60_000);

  it('sorts by a column when its header is clicked, and speaks zh-CN', () => {
    inLanguage('zh-CN', <CostTable rows={rows} total={total} testId="t" />);
    expect(screen.getByText('（无）')).toBeTruthy();
    fireEvent.click(screen.getAllByRole('columnheader')[6]!);
    const first = screen.getAllByRole('row')[1]!;
    // Ascending by images after the click: the line that made none first.
    expect(within(first).getByText('（无）')).toBeTruthy();
  }, 60_000);
});
