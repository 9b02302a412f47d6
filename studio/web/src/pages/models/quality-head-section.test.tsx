import { cleanup, render, screen, within } from '@testing-library/react';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ModelVersionView } from '@shotfarm/shared';
import { createI18n, I18nProvider, type Language } from '../../i18n/i18n.ts';
import { ModelTable } from './model-table.tsx';
import { QualityLabelSummary } from './quality-head-section.tsx';

const inLanguage = (language: Language, ui: React.ReactNode) => render(<I18nProvider instance={createI18n(language)}>{ui}</I18nProvider>);

const head: ModelVersionView = {
  name: 'quality', version: 1, modelVersion: 'quality-v1', status: 'active', createdAt: '2026-12-01T00:00:00.000Z', promotedBy: null, shadow: null,
  card: {
    trainedOn: 'labels', data: "designers' verdicts: 400 reviewed outputs", dataWindow: null, rows: 400, impressions: 800, clicks: 420,
    metrics: { withinProductAuc: 0.78, withinProductAucCi95: [0.73, 0.83], expectedCalibrationError: 0.04, logLoss: 0.55 },
    comparison: {
      againstVersion: 0, products: 40, impressions: 400, active: { withinProductAuc: 0.52, logLoss: 0.68 }, candidate: { withinProductAuc: 0.78, logLoss: 0.55 },
      aucGain: 0.26, aucGainCi95: [0.19, 0.33], logLossGain: 0.13, logLossGainCi95: [0.09, 0.17], bootstrapSamples: 2000, confidence: 0.95, decision: 'better',
    },
  },
};

describe('the quality model on the Models page', () => {
  const original = window.getComputedStyle;
  beforeAll(() => { window.getComputedStyle = (elt: Element) => original(elt); });
  afterAll(() => { window.getComputedStyle = original; });
  afterEach(cleanup);

  it('lists a learned head as trained on designers\' labels and compared with the composite (en, zh-CN)', () => {
    inLanguage('en', <ModelTable versions={[head]} canManage={false} onActivate={() => undefined} busy={false} />);
    let row = screen.getAllByRole('row')[1]!;
    expect(within(row).getByTestId('model-trained-on').textContent).toBe("designers' approvals and rejections");
    expect(within(row).getByTestId('model-comparison').textContent).toBe('vs the transparent composite:AUC +0.260 [+0.190, +0.330]log-loss +0.1300 [+0.0900, +0.1700]');
    cleanup();
    inLanguage('zh-CN', <ModelTable versions={[head]} canManage={false} onActivate={() => undefined} busy={false} />);
    row = screen.getAllByRole('row')[1]!;
    expect(within(row).getByTestId('model-trained-on').textContent).toBe('设计师的通过/驳回标注');
    expect(within(row).getByTestId('model-comparison').textContent).toMatch(/^对比透明综合分：AUC \+0\.260/);
  }, 30_000);

  it('says how many labels there are, how many are missing, and that the composite stays until a head is active (en)', () => {
    inLanguage('en', <QualityLabelSummary status={{ labels: 57, approved: 40, rejected: 17, needed: 200, activeVersion: null }} />);
    expect(screen.getByTestId('quality-labels').textContent).toContain('57 labels (40 approved, 17 rejected); training needs at least 200.');
    expect(screen.getByTestId('quality-labels-short').textContent).toBe('143 more labels are needed before the quality model can be trained.');
    expect(screen.getByTestId('quality-active').textContent).toBe('Quality score now: the transparent composite (no learned model is active)');
  });

  it('names the learned head once one is active, and no shortfall once there are enough labels (zh-CN)', () => {
    inLanguage('zh-CN', <QualityLabelSummary status={{ labels: 230, approved: 150, rejected: 80, needed: 200, activeVersion: 'quality-v2' }} />);
    expect(screen.getByTestId('quality-labels').textContent).toContain('已有标注 230 条（通过 150，驳回 80），训练至少需要 200 条。');
    expect(screen.queryByTestId('quality-labels-short')).toBeNull();
    expect(screen.getByTestId('quality-active').textContent).toBe('当前质量分：学习模型 quality-v2');
  });
});
