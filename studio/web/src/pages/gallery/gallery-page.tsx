import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { useSearchParams } from 'react-router';
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { useVirtualizer } from '@tanstack/react-virtual';
import { Button, Modal } from 'antd';
import { CompareView } from '../../components/compare-view/compare-view.tsx';
import { ErrorNotice } from '../../components/error-notice.tsx';
import { describeError } from '../../i18n/error-message.ts';
import { useI18n } from '../../i18n/i18n.ts';
import { getJob } from '../../api/client.ts';
import { GalleryCard, ReviewActions, ScoreLine } from './gallery-card.tsx';
import { galleryFilterFromSearch, loadGalleryPage, type GalleryFilter, type GalleryItem } from './gallery-items.ts';
import { GalleryFilterBar } from './gallery-filter-bar.tsx';
import { SweepGrid } from './sweep-grid.tsx';

/** A cell: thumbnail plus the score line under it. */
const cellWidth = 220;
const rowHeight = 330;
const minCompare = 2;
const maxCompare = 4;
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

/** Writes the filter into the page URL (defaults left out), so it survives a reload and can be shared. */
function filterToSearch(filter: GalleryFilter): URLSearchParams {
  const search = new URLSearchParams();
  if (filter.sort !== 'newest') search.set('sort', filter.sort);
  if (filter.gate) search.set('gate', filter.gate);
  if (filter.gate || filter.profile !== 'taobao-main') search.set('profile', filter.profile);
  if (filter.review) search.set('review', filter.review);
  if (filter.jobId) search.set('job', filter.jobId);
  return search;
}

/**
 * 图库 / Gallery: a virtualised grid of every output (only the visible rows are in the DOM), sorted and filtered
 * by score on the server, select 2–4 to compare, approve / reject, download; a job's parameter sweep as a grid
 * with the swept values on its axes. Keyboard: arrows move, Space selects, Enter compares.
 */
export default function GalleryPage() {
  const { t } = useI18n();
  const [search, setSearch] = useSearchParams();
  const filter = useMemo(() => galleryFilterFromSearch(search), [search]);
  const items = useInfiniteQuery({
    queryKey: ['gallery', filter], initialPageParam: undefined as string | undefined,
    queryFn: ({ signal, pageParam }) => loadGalleryPage(filter, pageParam, signal),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const sweepJob = useQuery({
    queryKey: ['job', filter.jobId], enabled: filter.jobId !== undefined,
    queryFn: ({ signal }) => getJob(filter.jobId!, signal),
  });
  const list = useMemo(() => items.data?.pages.flatMap((p) => p.items) ?? [], [items.data]);
  const [selected, setSelected] = useState<string[]>([]);
  const [active, setActive] = useState(0);
  // A new order or filter is a new list: the cursor position from the old one means nothing in it.
  useEffect(() => { setActive(0); }, [filter]);
  const [comparing, setComparing] = useState(false);
  const scrollRef = useRef<HTMLDivElement>(null);
  const columns = useColumns(scrollRef);
  const rows = Math.ceil(list.length / columns);
  const virtualizer = useVirtualizer({ count: rows, getScrollElement: () => scrollRef.current, estimateSize: () => rowHeight, overscan: 3 });

  const toggle = useCallback((assetId: string) => {
    setSelected((prev) => (prev.includes(assetId) ? prev.filter((id) => id !== assetId) : prev.length >= maxCompare ? prev : [...prev, assetId]));
  }, []);
  const canCompare = selected.length >= minCompare && selected.length <= maxCompare;
  useEffect(() => { virtualizer.scrollToIndex(Math.floor(active / columns)); }, [active, columns, virtualizer]);
  // Infinite scroll: the next page loads when the last rendered row comes within a few rows of the end.
  const lastRow = virtualizer.getVirtualItems().at(-1)?.index ?? 0;
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = items;
  useEffect(() => {
    if (hasNextPage && !isFetchingNextPage && lastRow >= rows - loadAheadRows) void fetchNextPage();
  }, [hasNextPage, isFetchingNextPage, fetchNextPage, lastRow, rows]);

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>): void => {
    const moves: Record<string, number> = { ArrowRight: 1, ArrowLeft: -1, ArrowDown: columns, ArrowUp: -columns, Home: -list.length, End: list.length };
    const move = moves[e.key];
    if (move !== undefined) {
      e.preventDefault();
      setActive((a) => Math.min(list.length - 1, Math.max(0, a + move)));
    } else if (e.key === ' ') {
      e.preventDefault();
      const item = list[active];
      if (item) toggle(item.assetId);
    } else if (e.key === 'Enter' && canCompare) {
      e.preventDefault();
      setComparing(true);
    }
  };

  const byId = new Map(list.map((i) => [i.assetId, i]));
  const compared = selected.flatMap((id) => (byId.has(id) ? [byId.get(id)!] : []));

  return (
    <main id="main" className="workspace workspace-single" tabIndex={-1}>
      <div className="gallery-toolbar">
        <h1 className="page-title">{t('gallery.title')}</h1>
        {list.length > 0 && <span className="muted" data-testid="gallery-count">{t(items.hasNextPage ? 'gallery.countMore' : 'gallery.count', { count: list.length })}</span>}
        <span className="muted" aria-live="polite">{t('gallery.selected', { count: selected.length })}</span>
        <Button type="primary" disabled={!canCompare} onClick={() => setComparing(true)} data-testid="compare-open">{t('gallery.compare')}</Button>
        <Button disabled={selected.length === 0} onClick={() => setSelected([])}>{t('gallery.clear')}</Button>
        <span className="muted gallery-hint">{t('gallery.keyboardHint')}</span>
      </div>
      <GalleryFilterBar filter={filter} onChange={(next) => setSearch(filterToSearch(next))} />
      {sweepJob.data?.sweep && <SweepGrid job={sweepJob.data} selected={selected} onToggle={toggle} />}
      {items.isError && <ErrorNotice error={describeError(items.error, t)} />}
      {items.isSuccess && list.length === 0 && <p className="empty-state" data-testid="gallery-empty">{t(filterToSearch(filter).size > 0 ? 'gallery.emptyFiltered' : 'gallery.empty')}</p>}
      <div ref={scrollRef} className="gallery-scroll" role="grid" aria-label={t('gallery.title')} aria-rowcount={rows} tabIndex={0}
        aria-activedescendant={list.length > 0 ? `gallery-cell-${active}` : undefined} onKeyDown={onKeyDown} data-testid="gallery-grid">
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {virtualizer.getVirtualItems().map((row) => (
            <div key={row.key} role="row" aria-rowindex={row.index + 1} className="gallery-row"
              style={{ position: 'absolute', top: 0, left: 0, right: 0, height: rowHeight, transform: `translateY(${row.start}px)`, gridTemplateColumns: `repeat(${columns}, minmax(0, 1fr))` }}>
              {list.slice(row.index * columns, row.index * columns + columns).map((item: GalleryItem, i) => {
                const index = row.index * columns + i;
                return <GalleryCard key={item.assetId} item={item} index={index} selected={selected.includes(item.assetId)} active={index === active} onToggle={toggle} />;
              })}
            </div>
          ))}
        </div>
      </div>
      <Modal open={comparing} onCancel={() => setComparing(false)} footer={null} width="95vw" destroyOnHidden title={null} closable={false}>
        {comparing && (
          <CompareView onClose={() => setComparing(false)} items={compared.map((item) => ({
            id: item.assetId, url: item.url,
            caption: <ScoreLine item={item} />,
            actions: <ReviewActions item={item} />,
          }))} />
        )}
      </Modal>
    </main>
  );
}
