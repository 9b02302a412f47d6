import { useRef, useState, type KeyboardEvent, type PointerEvent, type ReactNode, type WheelEvent } from 'react';
import { Button, Space } from 'antd';
import { useI18n } from '../../i18n/i18n.ts';
import { cssTransform, identityTransform, panBy, transformForKey, zoomAbout, zoomFactor, type ViewTransform } from './view-transform.ts';

export interface CompareItem {
  id: string;
  url: string;
  /** A video plays in its pane (poster, controls); zoom and pan apply to it as to an image. */
  mime?: string;
  poster?: string | null;
  /** Shown under the image: recipe, parameters, scores. */
  caption?: ReactNode;
  /** Approve / reject / download for this image. */
  actions?: ReactNode;
}

export interface CompareViewProps {
  items: readonly CompareItem[];
  onClose?: () => void;
}

/**
 * 2–4 images side by side with one shared zoom and pan: wheel or +/- zooms, drag or arrow keys pan, 0 resets,
 * and every pane follows, so a designer compares the same detail across variants.
 */
export function CompareView({ items, onClose }: CompareViewProps) {
  const { t } = useI18n();
  const [view, setView] = useState<ViewTransform>(identityTransform);
  const drag = useRef<{ x: number; y: number } | null>(null);

  const onWheel = (e: WheelEvent<HTMLDivElement>): void => {
    const rect = e.currentTarget.getBoundingClientRect();
    // About the pointer, in pane coordinates relative to the centre (transform-origin is the centre).
    const at = { x: e.clientX - rect.left - rect.width / 2, y: e.clientY - rect.top - rect.height / 2 };
    setView((v) => zoomAbout(v, e.deltaY < 0 ? zoomFactor : 1 / zoomFactor, at));
  };
  const onPointerDown = (e: PointerEvent<HTMLDivElement>): void => {
    drag.current = { x: e.clientX, y: e.clientY };
    e.currentTarget.setPointerCapture?.(e.pointerId);
  };
  const onPointerMove = (e: PointerEvent<HTMLDivElement>): void => {
    const from = drag.current;
    if (!from) return;
    drag.current = { x: e.clientX, y: e.clientY };
    setView((v) => panBy(v, e.clientX - from.x, e.clientY - from.y));
  };
  const onPointerUp = (): void => { drag.current = null; };
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>): void => {
    if (e.key === 'Escape' && onClose) { e.preventDefault(); onClose(); return; }
    const next = transformForKey(view, e.key);
    if (next) { e.preventDefault(); setView(next); }
  };

  return (
    <div className="compare-view" role="group" aria-label={t('compare.title', { count: items.length })} aria-describedby="compare-hint"
      tabIndex={0} onKeyDown={onKeyDown} data-testid="compare-view" data-scale={view.scale}>
      <div className="compare-toolbar">
        <strong>{t('compare.title', { count: items.length })}</strong>
        <span className="muted" aria-live="polite" data-testid="compare-zoom">{t('compare.zoom', { percent: Math.round(view.scale * 100) })}</span>
        <Space size="small">
          <Button size="small" onClick={() => setView((v) => zoomAbout(v, 1 / zoomFactor))} aria-label={t('compare.zoomOut')}>−</Button>
          <Button size="small" onClick={() => setView((v) => zoomAbout(v, zoomFactor))} aria-label={t('compare.zoomIn')}>+</Button>
          <Button size="small" onClick={() => setView(identityTransform)}>{t('compare.reset')}</Button>
          {onClose && <Button size="small" onClick={onClose} data-testid="compare-close">{t('compare.close')}</Button>}
        </Space>
      </div>
      <p id="compare-hint" className="muted compare-hint">{t('compare.hint')}</p>
      <div className="compare-panes" style={{ gridTemplateColumns: `repeat(${items.length}, minmax(0, 1fr))` }}>
        {items.map((item, i) => (
          <figure key={item.id} className="compare-pane" data-testid="compare-pane">
            <div className="compare-viewport" onWheel={onWheel} onPointerDown={onPointerDown} onPointerMove={onPointerMove}
              onPointerUp={onPointerUp} onPointerCancel={onPointerUp}>
              {item.mime?.startsWith('video/')
                ? <video src={item.url} poster={item.poster ?? undefined} controls playsInline preload="metadata" aria-label={t('compare.item', { n: i + 1 })}
                  style={{ transform: cssTransform(view) }} data-testid="compare-video" onPointerDown={(e) => e.stopPropagation()} />
                : <img src={item.url} alt={t('compare.item', { n: i + 1 })} draggable={false}
                  style={{ transform: cssTransform(view) }} data-testid="compare-image" />}
            </div>
            <figcaption>
              {item.caption}
              {item.actions}
            </figcaption>
          </figure>
        ))}
      </div>
    </div>
  );
}
