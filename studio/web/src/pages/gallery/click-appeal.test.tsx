import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { ModelVersionView, ScoreSummary } from '@shotfarm/shared';
import { createI18n, I18nProvider, useI18n, type Language } from '../../i18n/i18n.ts';
import { ActiveCtrModelContext } from '../../components/click-appeal.tsx';
import { ScoreLine } from './gallery-card.tsx';
import type { GalleryItem } from './gallery-items.ts';

/** A model version as `GET /api/models` answers it; only what the card says matters here. */
function modelVersion(trainedOn: 'simulator' | 'clicks'): ModelVersionView {
  return {
    name: 'ctr', version: trainedOn === 'simulator' ? 1 : 2, modelVersion: trainedOn === 'simulator' ? 'ctr-v1' : 'ctr-v2', status: 'active',
    createdAt: '2026-12-01T00:00:00.000Z', promotedBy: null, shadow: null,
    card: {
      trainedOn, data: trainedOn === 'simulator' ? 'SIMULATED clicks, not real shoppers' : 'impressions and clicks logged by /events',
      dataWindow: null, rows: null, impressions: 100_000, clicks: 3_000,
      metrics: { withinProductAuc: 0.71, withinProductAucCi95: [0.69, 0.73], expectedCalibrationError: 0.004, logLoss: null },
      comparison: null,
    },
  };
}

const score: ScoreSummary = { quality: 0.8, ctr: 0.3512, ctrRelative: 1.3, gates: {} };
const item: GalleryItem = {
  assetId: '0190a000-0000-7000-8000-000000000001', jobId: null, recipe: '', recipeId: null, url: '/x.png', thumbnailUrl: null,
  width: 800, height: 800, mime: 'image/png', params: {}, score, review: null, createdAt: '2026-12-01T00:00:00.000Z',
};

/** The score line as a gallery card renders it, with the words of the provider's language. */
function Line({ item: shown }: { item: GalleryItem }) {
  const { t, language } = useI18n();
  return <ScoreLine item={shown} t={t} language={language} />;
}

function show(language: Language, model: ModelVersionView | undefined, shown: GalleryItem = item): HTMLElement {
  render(
    <I18nProvider instance={createI18n(language)}>
      <ActiveCtrModelContext.Provider value={model}>
        <Line item={shown} />
      </ActiveCtrModelContext.Provider>
    </I18nProvider>,
  );
  return screen.getByTestId('ctr');
}

describe('the gallery tells the truth about what the CTR model\'s number means', () => {
  it.each(['zh-CN', 'en'] as const)('shows no percentage for a simulator-trained model (%s), only the relative appeal with a tooltip saying so', (language) => {
    const ctr = show(language, modelVersion('simulator'));
    expect(ctr.textContent).not.toMatch(/%/);
    expect(ctr.textContent).not.toContain('35.1');
    expect(ctr.textContent).toContain('×1.30');
    expect(ctr.dataset.kind).toBe('relative');
    expect(ctr.title).toContain('ctr-v1');
    expect(ctr.title).toContain(language === 'en' ? 'simulated clicks' : '模拟点击');
  });

  it('shows no percentage while the active model is not known yet', () => {
    const ctr = show('en', undefined);
    expect(ctr.textContent).not.toMatch(/%/);
    expect(ctr.textContent).toBe('Click appeal ×1.30');
    expect(ctr.title).toContain('not known yet');
  });

  it('says the appeal is pending, not a number, when the product\'s average was not read', () => {
    const ctr = show('zh-CN', modelVersion('simulator'), { ...item, score: { quality: 0.8, ctr: 0.3512, gates: {} } });
    expect(ctr.textContent).toBe('点击吸引力 —');
  });

  it.each(['zh-CN', 'en'] as const)('shows the calibrated CTR with its interval for a model trained on real clicks (%s)', (language) => {
    const ctr = show(language, modelVersion('clicks'));
    expect(ctr.dataset.kind).toBe('ctr');
    expect(ctr.textContent).toContain('35.1%');
    expect(ctr.textContent).toContain('34.7–35.5%');
    expect(ctr.title).toContain('ctr-v2');
  });
});
