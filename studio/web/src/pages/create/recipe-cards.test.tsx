import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import type { RecipeSummary } from '../../api/client.ts';
import { createI18n, I18nProvider, type Language } from '../../i18n/i18n.ts';
import { defaultRecipeOf, RecipeCards } from './recipe-cards.tsx';

const recipe = (id: string, over: Partial<RecipeSummary>): RecipeSummary => ({
  id, version: 1, type: 'product-shot', title: { 'zh-CN': `配方 ${id}`, en: `Recipe ${id}` }, description: { 'zh-CN': '说明', en: 'About it' },
  backend: 'comfyui', available: true, unavailableReasons: [], paramText: {}, commercialUse: true, inputs: [], params: {}, estimateSecondsPerTask: 12,
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
    expect(within(b!).getByText('No sample yet').getAttribute('title')).toBe('No sample yet: shown after its first run');
    expect(within(b!).getByTestId('recipe-price').textContent).toBe('No price configured');
    expect(within(b!).getByTestId('non-commercial')).toBeTruthy();
    expect(within(c!).getByTestId('recipe-price').textContent).toBe('≈ ¥0 per image');
    fireEvent.keyDown(b!, { key: 'Enter' });
    expect(onSelect).toHaveBeenCalledWith('b');
  });

  it('speaks zh-CN', () => {
    inLanguage('zh-CN', <RecipeCards recipes={recipes} selected={null} onSelect={() => {}} />);
    expect(screen.getAllByTestId('recipe-price').map((p) => p.textContent)).toEqual(['约 ¥0.025 / 张', '未配置价格', '约 ¥0 / 张']);
    expect(screen.getByTestId('recipe-unavailable').textContent).toBe('暂不可用');
  });

  it('says on the card why a recipe cannot run and who makes it available, in both languages', () => {
    const gpu = [recipe('g', { available: false, unavailableReasons: ['backend-not-enabled', 'no-comfyui-servers'] })];
    inLanguage('en', <RecipeCards recipes={gpu} selected={null} onSelect={() => {}} />);
    const reasons = screen.getByTestId('recipe-unavailable-reason').textContent;
    expect(reasons).toContain('an administrator adds comfyui to RENDER_BACKENDS');
    expect(reasons).toContain('COMFYUI_URLS');
    cleanup();
    inLanguage('zh-CN', <RecipeCards recipes={gpu} selected={null} onSelect={() => {}} />);
    expect(screen.getByTestId('recipe-unavailable-reason').textContent).toContain('管理员需设置 COMFYUI_URLS');
  });

  it('marks commercial use either way, and explains a non-commercial licence on the chosen card', () => {
    inLanguage('en', <RecipeCards recipes={recipes} selected="b" onSelect={() => {}} />);
    expect(screen.getAllByTestId('commercial')).toHaveLength(2);
    expect(screen.getByTestId('non-commercial-note').textContent).toMatch(/internal review only/);
  });
});

describe('defaultRecipeOf', () => {
  it('prefers a recipe that runs here and may be sold, then one that may be sold, never a non-commercial one first', () => {
    const nc = recipe('nc', { commercialUse: false, available: false });
    const off = recipe('off', { available: false });
    const on = recipe('on', {});
    expect(defaultRecipeOf([nc, off, on])?.id).toBe('on');
    expect(defaultRecipeOf([nc, off])?.id).toBe('off');
    expect(defaultRecipeOf([nc])?.id).toBe('nc');
    expect(defaultRecipeOf([on, recipe('pref', {})], 'pref')?.id).toBe('pref');
  });
});
