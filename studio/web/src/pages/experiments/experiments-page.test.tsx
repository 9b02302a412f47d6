import { cleanup, render, screen, within } from '@testing-library/react';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ExperimentView } from '@shotfarm/shared';
import { createI18n, I18nProvider, type Language } from '../../i18n/i18n.ts';
import { ArmTable } from './experiments-page.tsx';

const arm = (assetId: string, impressions: number, clicks: number, pBest: number, weight: number, control = false): ExperimentView['arms'][number] => ({
  assetId, control, predictedCtr: control ? null : 0.031, impressions, clicks, ctr: { mean: clicks / impressions, low: 0.04, high: 0.06 },
  prior: { alpha: 1, beta: 1 }, posterior: { alpha: 1 + clicks, beta: 1 + impressions - clicks }, pBest, weight,
});
const view = {
  id: '01930000-0000-7000-8000-000000000001', sku: 'SKU-1', slot: 'main', status: 'running', policy: 'thompson', autoPromote: false,
  decision: { state: 'srm', reason: 'srm', leaderAssetId: null }, armCount: 2, createdAt: '2026-12-01T00:00:00.000Z', endedAt: null,
  guardrails: { minImpressionsPerArm: 1000, minClicksPerArm: 20, minRuntimeS: 86400, maxRuntimeS: 2592000 }, priorStrength: 20,
  arms: [arm('01930000-0000-7000-8000-00000000000a', 1000, 50, 0.97, 0.96, true), arm('01930000-0000-7000-8000-00000000000b', 1000, 30, 0.03, 0.04)],
  srmPValue: 0.0001, promotedAssetId: null, weightsHistory: [],
} satisfies ExperimentView;

const inLanguage = (language: Language, ui: React.ReactNode) => render(<I18nProvider instance={createI18n(language)}>{ui}</I18nProvider>);

describe('experiment arm table', () => {
  const original = window.getComputedStyle;
  beforeAll(() => { window.getComputedStyle = (elt: Element) => original(elt); });
  afterAll(() => { window.getComputedStyle = original; });
  afterEach(cleanup);

  it('shows counts, the CTR with its interval, P(best) and traffic per arm, in en', () => {
    inLanguage('en', <ArmTable view={view} labels={['Image 1', 'Image 2']} onPromote={() => undefined} />);
    const rows = screen.getAllByRole('row').slice(1);
    expect(rows).toHaveLength(2);
    expect(within(rows[0]!).getByText('5.00% [4.00%, 6.00%]')).toBeTruthy();
    expect(within(rows[0]!).getByText('97.0%')).toBeTruthy();
    expect(within(rows[0]!).getByText('Control')).toBeTruthy();
    // The scorer's prediction is shown as click appeal relative to the other arms, never as a CTR percentage (issue 17).
    expect(within(rows[1]!).getByTestId('ctr').textContent).toBe('Click appeal ×1.00');
    expect(within(rows[1]!).queryByText('3.10%')).toBeNull();
    expect(screen.getAllByText('Promote')).toHaveLength(2);
  }, 30_000); // antd's first table render is slow on a loaded machine

  it('speaks zh-CN and hides promotion once the experiment has ended', () => {
    inLanguage('zh-CN', <ArmTable view={view} labels={['图片 1', '图片 2']} onPromote={undefined} />);
    expect(screen.getByText('对照')).toBeTruthy();
    expect(screen.getByText('点击率 [95% 区间]')).toBeTruthy();
    expect(screen.queryByText('发布')).toBeNull();
  }, 30_000);
});
