import { fireEvent, render, screen, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import type { RecipeSummary } from '../../api/client.ts';
import { createI18n, I18nProvider, type Language } from '../../i18n/i18n.ts';
import { RecipeCards } from './recipe-cards.tsx';

const recipe = (id: string, over: Partial<RecipeSummary>): RecipeSummary => ({
  id, version: 1, type: 'product-shot', title: { 'zh-CN': `配方 ${id}`, en: `Recipe ${id}` }, description: { 'zh-CN': '说明', en: 'About it' },
  backend: 'comfyui', available: true, commercialUse: true, inputs: [], params: {}, estimateSecondsPerTask: 12,
  estimateMilliFenPerImage: 2500, sample: null, ...over,
});

const inLanguage = (language: Language, ui: React.ReactNode) => render(<I18nProvider instance={createI18n(language)}>{ui}</I18nProvider>);

describe('RecipeCards', () => {
  const recipes = [
    recipe('a', { sample: { url: '/files/a.png?sig=1', thumbnailUrl: '/files/a.webp?sig=1' } }),
    recipe('b', { estimateMilliFenPerImage: null, commercialUse: false }),
    recipe('c', { backend: 'local', estimateMilliFenPerImage: 0, available: false }),
  ];

  it('shows a real sample, GPU-seconds and ¥ per image, licence and availability on each card', () => {
    const onSelect = vi.fn();
    inLanguage('en', <RecipeCards recipes={recipes} selected="a" onSelect={onSelect} />);
    const [a, b, c] = screen.getAllByTestId('recipe-card');
    expect(within(a!).getByTestId('recipe-sample').getAttribute('src')).toBe('/files/a.webp?sig=1');
    expect(within(a!).getByText('≈ 12 GPU-s per image')).toBeTruthy();
    expect(within(c!).getByText('≈ 12 s per image')).toBeTruthy();
    expect(within(a!).getByTestId('recipe-price').textContent).toBe('≈ ¥0.025 per image');
    expect(a!.getAttribute('aria-checked')).toBe('true');
    // Not run yet, no price configured, non-commercial model licence.
    expect(within(b!).queryByTestId('recipe-sample')).toBeNull();
    expect(within(b!).getByText('No sample yet: shown after its first run')).toBeTruthy();
    expect(within(b!).getByTestId('recipe-price').textContent).toBe('No price configured');
    expect(within(b!).getByTestId('non-commercial')).toBeTruthy();
    expect(within(c!).getByTestId('recipe-price').textContent).toBe('≈ ¥0 per image');
    fireEvent.keyDown(b!, { key: 'Enter' });
    expect(onSelect).toHaveBeenCalledWith('b');
  });

  it('speaks zh-CN', () => {
    inLanguage('zh-CN', <RecipeCards recipes={recipes} selected={null} onSelect={() => {}} />);
    expect(screen.getAllByTestId('recipe-price').map((p) => p.textContent)).toEqual(['约 ¥0.025 / 张', '未配置价格', '约 ¥0 / 张']);
    expect(screen.getByText('不可用')).toBeTruthy();
  });
});
