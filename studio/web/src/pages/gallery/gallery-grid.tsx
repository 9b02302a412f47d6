import { memo, useEffect, useLayoutEffect, useRef, useState, type KeyboardEvent } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { Language, Translate } from '../../i18n/i18n.ts';
import { GalleryCard } from './gallery-card.tsx';
import type { GalleryItem } from './gallery-items.ts';

/** A cell: thumbnail plus the score line under it. */
const cellWidth = 220;
const rowHeight = 330;
/** Rows before the end at which the next page is fetched. */
const loadAheadRows = 3;

/** Columns that fit the grid's width, measured, so the virtualiser knows how many rows there are. */
function useColumns(ref: React.RefObject<HTMLElement | null>): number {
  const [columns, setColumns] = useState(4);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el || typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(([entry]) => setColumns(Math.max(1, Math.floor((entry?.contentRect.width ?? cellWidth) / cellWidth))));
    observer.observe(el);
    return () => observer.disconnect();
  }, [ref]);
  return columns;
}

export interface GalleryGridProps {
  items: readonly GalleryItem[];
  selected: readonly string[];
  /** Index of the keyboard cursor's card. */
  active: number;
  onActiveChange: (index: number) => void;
  onToggle: (assetId: string) => void;
  /** Enter on the grid: compare when 2–4 are selected, else the active card's single-image view. */
  onCompare: () => void;
  /** Opens one card's single-image view. */
  onOpen: (index: number) => void;
  /** A recipe id → its title in the page's language. */
  titleOf: (recipeId: string | null) => string;
  /** Asked when the last rows come into view; the page decides whether there is more. */
  onNearEnd: () => void;
  label: string;
  t: Translate;
  language: Language;
}

/**
 * The virtualised grid: only the rows in view (and a few either side) are in the DOM. It owns the scroll
 * state, so a scroll frame re-renders this and nothing else on the page (the toolbar's selects are costly).
 * Keyboard: arrows move the cursor, Space selects, Enter opens the image (or compares the selection).
 */
export const GalleryGrid = memo(function GalleryGrid({ items, selected, active, onActiveChange, onToggle, onCompare, onOpen, titleOf, onNearEnd, label, t, language }: GalleryGridProps) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const columns = useColumns(scrollRef);
  const rows = Math.ceil(items.length / columns);
  const virtualizer = useVirtualizer({ count: rows, getScrollElement: () => scrollRef.current, estimateSize: () => rowHeight, overscan: 3 });
  useEffect(() => { virtualizer.scrollToIndex(Math.floor(active / columns)); }, [active, columns, virtualizer]);
  const lastRow = virtualizer.getVirtualItems().at(-1)?.index ?? 0;
  useEffect(() => { if (lastRow >= rows - loadAheadRows) onNearEnd(); }, [lastRow, rows, onNearEnd]);

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>): void => {
    const moves: Record<string, number> = { ArrowRight: 1, ArrowLeft: -1, ArrowDown: columns, ArrowUp: -columns, Home: -items.length, End: items.length };
    const move = moves[e.key];
    if (move !== undefined) {
      e.preventDefault();
      onActiveChange(Math.min(items.length - 1, Math.max(0, active + move)));
    } else if (e.key === ' ') {
      e.preventDefault();
      const item = items[active];
      if (item) onToggle(item.assetId);
    } else if (e.key === 'Enter') {
      e.preventDefault();
      if (selected.length >= 2) onCompare();
      else if (items[active]) onOpen(active);
    }
  };

  return (
    <div ref={scrollRef} className="gallery-scroll" role="grid" aria-label={label} aria-rowcount={rows} tabIndex={0}
      aria-activedescendant={items.length > 0 ? `gallery-cell-${active}` : undefined} onKeyDown={onKeyDown} data-testid="gallery-grid">
      <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
        {virtualizer.getVirtualItems().map((row) => (
          <div key={row.key} role="row" aria-rowindex={row.index + 1} className="gallery-row"
            style={{ position: 'absolute', top: 0, left: 0, right: 0, height: rowHeight, transform: `translateY(${row.start}px)`, gridTemplateColumns: `repeat(${columns}, minmax(0, 1fr))` }}>
            {items.slice(row.index * columns, row.index * columns + columns).map((item, i) => {
              const index = row.index * columns + i;
              return <GalleryCard key={item.assetId} item={item} index={index} selected={selected.includes(item.assetId)} active={index === active} onToggle={onToggle}
                onOpen={onOpen} recipeTitle={titleOf(item.recipeId)} t={t} language={language} />;
            })}
          </div>
        ))}
      </div>
    </div>
  );
});
