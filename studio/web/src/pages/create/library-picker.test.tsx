import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { AssetListItem } from '@shotfarm/shared';
import { createI18n, I18nProvider, type Language } from '../../i18n/i18n.ts';
import { LibraryPicker } from './library-picker.tsx';

const asset = (n: number): AssetListItem => ({
  id: `0190a000-0000-7000-8000-00000000000${n}`, kind: 'upload', mime: 'image/jpeg', width: 800, height: 600, bytes: 1000,
  url: `/files/u${n}.jpg?sig=x`, thumbnailUrl: `/files/u${n}.webp?sig=x`, jobId: null, params: null, createdAt: '2026-03-01T10:00:00.000Z', recipe: null, score: null, review: null,
});

function renderPicker(language: Language, onPick = vi.fn()) {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(<QueryClientProvider client={client}><I18nProvider instance={createI18n(language)}><LibraryPicker onPick={onPick} /></I18nProvider></QueryClientProvider>);
  return onPick;
}

afterEach(() => { vi.unstubAllGlobals(); });

describe('LibraryPicker', () => {
  // antd's modal measures the scrollbar with getComputedStyle(el, '::-webkit-scrollbar'); jsdom has no pseudo-elements.
  const original = window.getComputedStyle;
  beforeAll(() => { window.getComputedStyle = (elt: Element) => original(elt); });
  afterAll(() => { window.getComputedStyle = original; });

  it('asks for the library only when opened, shows thumbnails, and hands back the picked asset', async () => {
    const fetchMock = vi.fn(async (_url: string) => new Response(JSON.stringify({ items: [asset(1), asset(2)], nextCursor: null }), { status: 200, headers: { 'content-type': 'application/json' } }));
    vi.stubGlobal('fetch', fetchMock);
    const onPick = renderPicker('en');
    expect(fetchMock).not.toHaveBeenCalled();
    fireEvent.click(screen.getByRole('button', { name: 'Pick from the library' }));
    const second = await screen.findByRole('button', { name: 'Pick asset 2' });
    expect(fetchMock.mock.calls[0]![0]).toMatch(/^\/api\/assets\?kind=upload&limit=\d+$/);
    expect(second.querySelector('img')!.getAttribute('src')).toBe('/files/u2.webp?sig=x');
    fireEvent.click(second);
    expect(onPick).toHaveBeenCalledWith(asset(2));
  });

  it('says the library is empty, in zh-CN', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => new Response(JSON.stringify({ items: [], nextCursor: null }), { status: 200 })));
    renderPicker('zh-CN');
    fireEvent.click(screen.getByRole('button', { name: '从素材库选择' }));
    await waitFor(() => expect(screen.getByText('素材库里还没有图片。')).toBeTruthy());
  });
});
