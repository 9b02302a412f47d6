import { fireEvent, render, screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { createI18n, I18nProvider, type Language } from '../../i18n/i18n.ts';
import { CompareView, type CompareItem } from './compare-view.tsx';
import { identityTransform, maxScale, panBy, zoomAbout, zoomFactor } from './view-transform.ts';

const items: CompareItem[] = [
  { id: 'a', url: '/files/a.png', actions: <button type="button">approve a</button> },
  { id: 'b', url: '/files/b.png' },
  { id: 'c', url: '/files/c.png' },
];

function renderCompare(language: Language = 'en', onClose = vi.fn()) {
  render(<I18nProvider instance={createI18n(language)}><CompareView items={items} onClose={onClose} /></I18nProvider>);
  return { view: screen.getByTestId('compare-view'), images: screen.getAllByTestId('compare-image') as HTMLImageElement[], onClose };
}

const transforms = (images: HTMLImageElement[]) => images.map((img) => img.style.transform);

describe('view transform', () => {
  it('zooms about a point so the point stays put, clamps the scale, and resets the pan at 1×', () => {
    const z = zoomAbout(identityTransform, 2, { x: 100, y: 50 });
    expect(z).toEqual({ scale: 2, x: -100, y: -50 });
    // The pane point (100, 50) maps to the same screen point before and after.
    expect(100 * z.scale + z.x).toBe(100);
    let t = identityTransform;
    for (let i = 0; i < 30; i++) t = zoomAbout(t, zoomFactor);
    expect(t.scale).toBe(maxScale);
    expect(zoomAbout(panBy(z, 30, 30), 0.1)).toEqual(identityTransform);
    expect(panBy(identityTransform, 10, 10)).toEqual(identityTransform); // nothing to pan at 1×
  });
});

describe('CompareView', () => {
  it('shows every image side by side, each labelled, with its actions', () => {
    const { images } = renderCompare();
    expect(images.map((i) => i.getAttribute('src'))).toEqual(['/files/a.png', '/files/b.png', '/files/c.png']);
    expect(images.map((i) => i.alt)).toEqual(['Image 1', 'Image 2', 'Image 3']);
    expect(screen.getByRole('group', { name: 'Comparing 3' })).toBeTruthy();
    expect(screen.getByText('approve a')).toBeTruthy();
  });

  it('zooms every pane together from the wheel on any one of them', () => {
    const { view, images } = renderCompare();
    fireEvent.wheel(images[1]!.parentElement!, { deltaY: -100, clientX: 0, clientY: 0 });
    expect(view.dataset.scale).toBe(String(zoomFactor));
    const [first, ...rest] = transforms(images);
    expect(first).toContain(`scale(${zoomFactor})`);
    for (const t of rest) expect(t).toBe(first);
    expect(screen.getByTestId('compare-zoom').textContent).toBe('Zoom 125%');
  });

  it('pans every pane together by dragging one', () => {
    const { images } = renderCompare();
    fireEvent.keyDown(screen.getByTestId('compare-view'), { key: '+' });
    const pane = images[2]!.parentElement!;
    fireEvent.pointerDown(pane, { clientX: 10, clientY: 10, pointerId: 1 });
    fireEvent.pointerMove(pane, { clientX: 40, clientY: 30, pointerId: 1 });
    fireEvent.pointerUp(pane, { pointerId: 1 });
    fireEvent.pointerMove(pane, { clientX: 400, clientY: 300, pointerId: 1 }); // after release: no effect
    for (const t of transforms(images)) expect(t).toBe(`translate(30px, 20px) scale(${zoomFactor})`);
  });

  it('works from the keyboard: +/- zoom, arrows pan, 0 resets, Escape closes', () => {
    const { view, images, onClose } = renderCompare();
    fireEvent.keyDown(view, { key: '+' });
    fireEvent.keyDown(view, { key: '+' });
    expect(Number(view.dataset.scale)).toBeCloseTo(zoomFactor ** 2);
    fireEvent.keyDown(view, { key: 'ArrowLeft' });
    expect(images[0]!.style.transform).toBe(`translate(40px, 0px) scale(${zoomFactor ** 2})`);
    fireEvent.keyDown(view, { key: '-' });
    expect(Number(view.dataset.scale)).toBeCloseTo(zoomFactor);
    fireEvent.keyDown(view, { key: '0' });
    expect(view.dataset.scale).toBe('1');
    for (const t of transforms(images)) expect(t).toBe('translate(0px, 0px) scale(1)');
    fireEvent.keyDown(view, { key: 'Escape' });
    expect(onClose).toHaveBeenCalledOnce();
  });

  it('speaks Chinese by default', () => {
    renderCompare('zh-CN');
    expect(screen.getByRole('group', { name: '对比 3 张' })).toBeTruthy();
    expect(screen.getByRole('button', { name: '放大' })).toBeTruthy();
    expect(screen.getByTestId('compare-zoom').textContent).toBe('缩放 100%');
  });
});
