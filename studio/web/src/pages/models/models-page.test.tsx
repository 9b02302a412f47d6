import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ModelVersionView } from '@shotfarm/shared';
import { createI18n, I18nProvider, type Language } from '../../i18n/i18n.ts';
import { activationOf, ModelTable } from './model-table.tsx';
import { niceMax, ShadowCharts } from './shadow-chart.tsx';

const card = (trainedOn: 'simulator' | 'clicks'): ModelVersionView['card'] => ({
  trainedOn, data: trainedOn === 'simulator' ? 'SIMULATED clicks, not real shoppers' : 'logged clicks: 1800 image-day rows',
  dataWindow: trainedOn === 'clicks' ? { from: '2026-10-01', to: '2026-10-12' } : null, rows: trainedOn === 'clicks' ? 1800 : null,
  impressions: 540_000, clicks: 16_000,
  metrics: { withinProductAuc: 0.612, withinProductAucCi95: [0.598, 0.626], expectedCalibrationError: 0.0031, logLoss: trainedOn === 'clicks' ? 0.1402 : null },
  comparison: null,
});
const version = (v: number, status: ModelVersionView['status'], trainedOn: 'simulator' | 'clicks', decision?: 'better' | 'not-better'): ModelVersionView => ({
  name: 'ctr', version: v, modelVersion: `ctr-v${v}`, status, createdAt: '2026-12-01T00:00:00.000Z', promotedBy: null,
  shadow: status === 'candidate' ? { images: 412, spearman: 0.4321, meanShift: -0.0042, points: [{ active: 0.02, shadow: 0.03 }, { active: 0.05, shadow: 0.04 }, { active: 0.08, shadow: 0.09 }] } : null,
  card: {
    ...card(trainedOn),
    comparison: decision ? {
      againstVersion: 1, products: 30, impressions: 54_000, active: { withinProductAuc: 0.5, logLoss: 0.15 }, candidate: { withinProductAuc: 0.61, logLoss: 0.14 },
      aucGain: decision === 'better' ? 0.11 : -0.01, aucGainCi95: decision === 'better' ? [0.08, 0.14] : [-0.03, 0.01],
      logLossGain: decision === 'better' ? 0.01 : -0.0002, logLossGainCi95: decision === 'better' ? [0.006, 0.014] : [-0.001, 0.0006],
      bootstrapSamples: 1000, confidence: 0.95, decision,
    } : null,
  },
});
const versions = [version(3, 'candidate', 'clicks', 'not-better'), version(2, 'active', 'clicks', 'better'), version(1, 'retired', 'simulator')];
const inLanguage = (language: Language, ui: React.ReactNode) => render(<I18nProvider instance={createI18n(language)}>{ui}</I18nProvider>);

describe('the Models page', () => {
  const original = window.getComputedStyle;
  beforeAll(() => { window.getComputedStyle = (elt: Element) => original(elt); });
  afterAll(() => { window.getComputedStyle = original; });
  afterEach(cleanup);

  it('lists each version with what it was trained on, its metrics and comparison, and which is active (en)', () => {
    inLanguage('en', <ModelTable versions={versions} canManage onActivate={() => undefined} onShadow={() => undefined} busy={false} />);
    const rows = screen.getAllByRole('row').slice(1);
    expect(rows.map((r) => within(r).getByTestId('model-status').textContent)).toEqual(['Candidate', 'Active', 'Retired']);
    expect(within(rows[2]!).getByTestId('model-trained-on').textContent).toBe('simulated clicks (not real shoppers)');
    expect(within(rows[1]!).getByTestId('model-trained-on').textContent).toBe('real clicks');
    expect(within(rows[1]!).getByText('0.612 [0.598, 0.626]')).toBeTruthy();
    expect(within(rows[1]!).getByTestId('model-comparison').textContent).toBe('vs v1:AUC +0.110 [+0.080, +0.140]log-loss +0.0100 [+0.0060, +0.0140]');
    expect(within(rows[0]!).getByText('Not shown better')).toBeTruthy();
    expect(within(rows[0]!).getByTestId('model-shadow-stats').textContent).toBe('In shadow: 412 images, rank correlation with the active model ρ = 0.43');
    expect(within(rows[1]!).queryByTestId('model-shadow-stats')).toBeNull();
    // The active one has no button; the retired one rolls back; the candidate not shown better needs the audited override.
    expect(within(rows[1]!).queryByRole('button')).toBeNull();
    expect(within(rows[2]!).getByTestId('model-rollback').textContent).toBe('Roll back to this version');
    expect(within(rows[0]!).getByTestId('model-override').textContent).toBe('Force activate (audited)');
    expect(within(rows[0]!).getByTestId('model-shadow').textContent).toBe('Score in shadow');
    expect(within(rows[2]!).queryByTestId('model-shadow')).toBeNull();
  }, 30_000);

  it('confirms before switching, and sends the override only for a candidate not shown better (zh-CN)', () => {
    const onActivate = vi.fn<(version: number, override: boolean) => void>();
    inLanguage('zh-CN', <ModelTable versions={versions} canManage onActivate={onActivate} busy={false} />);
    fireEvent.click(screen.getByTestId('model-override'));
    expect(screen.getByText('这个版本没有在留出天上证明更好。仍要启用？此操作会记入审计日志。')).toBeTruthy();
    fireEvent.click(screen.getAllByRole('button', { name: '强制启用（记入审计）' }).at(-1)!);
    expect(onActivate).toHaveBeenLastCalledWith(3, true);
    fireEvent.click(screen.getByTestId('model-rollback'));
    fireEvent.click(screen.getAllByRole('button', { name: '回滚到此版本' }).at(-1)!);
    expect(onActivate).toHaveBeenLastCalledWith(1, false);
    expect(screen.getByText('启用中')).toBeTruthy();
  }, 30_000);

  it('shows no buttons to someone who is not an admin', () => {
    inLanguage('en', <ModelTable versions={versions} canManage={false} onActivate={() => undefined} busy={false} />);
    expect(screen.queryAllByRole('button')).toHaveLength(0);
    expect(versions.map(activationOf)).toEqual(['override', 'none', 'rollback']);
  }, 30_000);

  it('draws each shadow comparison as a chart: one dot per image, placed by the two predictions (en and zh-CN)', () => {
    const { container } = inLanguage('en', <ShadowCharts versions={versions} />);
    expect(screen.getAllByTestId('shadow-chart')).toHaveLength(1); // only v3 scored in shadow
    expect(screen.getByText('ctr-v3 in shadow: 412 images')).toBeTruthy();
    expect(screen.getByText("Active model's prediction when scored (%)")).toBeTruthy();
    const dots = screen.getAllByTestId('shadow-chart-point');
    expect(dots).toHaveLength(3);
    // Axes run to 0.1 (the largest prediction, 0.09, rounded up): 0.02 → 52 + 0.2 × 256 px across.
    expect(Number(dots[0]!.getAttribute('cx'))).toBeCloseTo(52 + 0.2 * 256, 6);
    expect(Number(dots[0]!.getAttribute('cy'))).toBeCloseTo(12 + 188 - 0.3 * 188, 6);
    // The dot above the diagonal predicts more under the shadow than under the active model.
    const diagonalAt = (prediction: number) => 12 + 188 - (prediction / 0.1) * 188;
    expect(Number(dots[0]!.getAttribute('cy'))).toBeLessThan(diagonalAt(0.02));
    expect(Number(dots[1]!.getAttribute('cy'))).toBeGreaterThan(diagonalAt(0.05));
    expect(dots[1]!.textContent).toBe('active 5.00%, shadow 4.00%');
    expect(container.querySelector('svg')!.getAttribute('aria-label')).toBe('ctr-v3 in shadow: 412 images');
    cleanup();
    inLanguage('zh-CN', <ShadowCharts versions={versions} />);
    expect(screen.getByText('影子评分对比')).toBeTruthy();
    expect(screen.getByText('评分时启用模型的预测（%）')).toBeTruthy();
    expect(screen.getByText('ctr-v3 的预测（%）')).toBeTruthy();
    cleanup();
    // Nothing scored in shadow: no chart at all.
    inLanguage('en', <ShadowCharts versions={versions.map((m) => ({ ...m, shadow: null }))} />);
    expect(screen.queryByTestId('shadow-charts')).toBeNull();
    expect([niceMax(0.09), niceMax(0.3), niceMax(0.011), niceMax(0)]).toEqual([0.1, 0.5, 0.02, 1]);
  }, 30_000);
});
