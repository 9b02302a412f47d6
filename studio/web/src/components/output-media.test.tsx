import { render, screen } from '@testing-library/react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { describe, expect, it } from 'vitest';
import type { RecipeSummary } from '../api/client.ts';
import { createI18n, I18nProvider, type Language } from '../i18n/i18n.ts';
import { OutputMedia, OutputThumb } from './output-media.tsx';
import { OutputParams } from './output-params.tsx';

const video = { url: '/files/v.mp4?exp=1&sig=a', thumbnailUrl: '/files/v.webp?exp=1&sig=b', width: 1080, height: 1920, mime: 'video/mp4' };
const image = { ...video, url: '/files/i.png?exp=1&sig=c', mime: 'image/png' };

const slideshow = {
  id: 'short-video/slideshow-local', paramText: {
    aspect: { label: { 'zh-CN': '画面比例', en: 'Aspect ratio' }, options: { '9:16': { 'zh-CN': '竖屏 9:16', en: 'Portrait 9:16' } } },
    fps: { label: { 'zh-CN': '帧率', en: 'Frame rate' }, options: { 25: { 'zh-CN': '25 帧/秒', en: '25 fps' } } },
  },
} as unknown as RecipeSummary;

function inLanguage(language: Language, ui: React.ReactNode) {
  const client = new QueryClient();
  client.setQueryData(['recipes'], [slideshow]);
  return render(<QueryClientProvider client={client}><I18nProvider instance={createI18n(language)}>{ui}</I18nProvider></QueryClientProvider>);
}

describe('OutputMedia', () => {
  it('plays a video in place: a <video> with its poster, controls and its own aspect ratio', () => {
    inLanguage('en', <OutputMedia media={video} alt="Output 1" testId="m" />);
    const el = screen.getByTestId('m-video') as HTMLVideoElement;
    expect(el.tagName).toBe('VIDEO');
    expect(el.getAttribute('poster')).toBe(video.thumbnailUrl);
    expect(el.hasAttribute('controls')).toBe(true);
    expect(el.style.aspectRatio).toBe('1080 / 1920');
    expect(screen.queryByRole('img')).toBeNull();
  });

  it('shows an image as an image', () => {
    inLanguage('en', <OutputMedia media={image} alt="Output 1" testId="m" />);
    expect(screen.getByTestId('m').tagName).toBe('IMG');
  });

  it('badges a video thumbnail, in the page\'s language', () => {
    inLanguage('zh-CN', <OutputThumb media={video} alt="输出 1" testId="t" />);
    expect(screen.getByTestId('t').getAttribute('src')).toBe(video.thumbnailUrl);
    expect(screen.getByText(/视频/)).toBeTruthy();
  });
});

describe('OutputParams', () => {
  it('words a variant\'s parameters from its recipe and leaves out the task\'s own bookkeeping', () => {
    inLanguage('en', <OutputParams params={{ aspect: '9:16', fps: 25, variant: 0, images: 2, seed: 7 }} recipeId="short-video/slideshow-local" />);
    const text = screen.getByTestId('output-params').textContent ?? '';
    expect(text).toContain('Aspect ratio');
    expect(text).toContain('Portrait 9:16');
    expect(text).toContain('25 fps');
    for (const raw of ['variant', 'images', 'seed']) expect(text).not.toContain(raw);
  });
});
