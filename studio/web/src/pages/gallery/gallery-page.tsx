import { useCallback, useEffect, useMemo, useState } from 'react';
import { useSearchParams } from 'react-router';
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { Button, Modal } from 'antd';
import { CompareView } from '../../components/compare-view/compare-view.tsx';
import { ErrorNotice } from '../../components/error-notice.tsx';
import { ActiveCtrModelContext, useActiveCtrModel } from '../../components/click-appeal.tsx';
import { describeError } from '../../i18n/error-message.ts';
import { useI18n } from '../../i18n/i18n.ts';
import { getJob } from '../../api/client.ts';
import type { ReviewVerdict } from '@shotfarm/shared';
import { recipeTitle, useRecipes } from '../../hooks/use-recipes.ts';
import { ImageViewer } from './image-viewer.tsx';
import { ItemCaption } from './item-caption.tsx';
import { ReviewActions, ScoreLine } from './gallery-card.tsx';
import { GalleryGrid } from './gallery-grid.tsx';
import { galleryFilterFromSearch, loadGalleryPage, type GalleryFilter } from './gallery-items.ts';
import { GalleryFilterBar } from './gallery-filter-bar.tsx';
import { SweepGrid } from './sweep-grid.tsx';

const minCompare = 2;
const maxCompare = 4;

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
  const { t, language } = useI18n();
  const [search, setSearch] = useSearchParams();
  const filter = useMemo(() => galleryFilterFromSearch(search), [search]);
  const items = useInfiniteQuery({
    queryKey: ['gallery', filter], initialPageParam: undefined as string | undefined,
    queryFn: ({ signal, pageParam }) => loadGalleryPage(filter, pageParam, signal),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const sweepJob = useQuery({
    queryKey: ['gallery-sweep', filter.jobId], enabled: filter.jobId !== undefined,
    queryFn: ({ signal }) => getJob(filter.jobId!, signal),
  });
  // Verdicts given on this page (in the single-image view or compare), shown on the cards without a reload.
  const [verdicts, setVerdicts] = useState<Record<string, ReviewVerdict>>({});
  const list = useMemo(() => (items.data?.pages.flatMap((p) => p.items) ?? []).map((i) => (verdicts[i.assetId] && verdicts[i.assetId] !== i.review ? { ...i, review: verdicts[i.assetId]! } : i)), [items.data, verdicts]);
  const onReviewed = useCallback((assetId: string, verdict: ReviewVerdict) => setVerdicts((prev) => ({ ...prev, [assetId]: verdict })), []);
  const [viewing, setViewing] = useState<number | null>(null);
  const recipes = useRecipes();
  const titleOf = useCallback((id: string | null) => (id ? recipeTitle(recipes.data, id, language) : ''), [recipes.data, language]);
  const [selected, setSelected] = useState<string[]>([]);
  const [active, setActive] = useState(0);
  // A new order or filter is a new list: the cursor position from the old one means nothing in it.
  useEffect(() => { setActive(0); }, [filter]);
  const [comparing, setComparing] = useState(false);

  const toggle = useCallback((assetId: string) => {
    setSelected((prev) => (prev.includes(assetId) ? prev.filter((id) => id !== assetId) : prev.length >= maxCompare ? prev : [...prev, assetId]));
  }, []);
  const canCompare = selected.length >= minCompare && selected.length <= maxCompare;
  const compare = useCallback(() => { if (canCompare) setComparing(true); }, [canCompare]);
  // Infinite scroll: the grid says when its last rows are in view; the next page loads unless one is on its way.
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = items;
  const nearEnd = useCallback(() => { if (hasNextPage && !isFetchingNextPage) void fetchNextPage(); }, [hasNextPage, isFetchingNextPage, fetchNextPage]);
  const setFilter = useCallback((next: GalleryFilter) => setSearch(filterToSearch(next)), [setSearch]);

  // Only for the compare view, which lists at most four: not a map of 5,000 items rebuilt on every scroll frame.
  const compared = comparing ? selected.flatMap((id) => list.filter((i) => i.assetId === id)) : [];

  const ctrModel = useActiveCtrModel();
  return (
    <ActiveCtrModelContext.Provider value={ctrModel}>
    <main id="main" className="workspace workspace-single" tabIndex={-1}>
      <div className="gallery-toolbar">
        <h1 className="page-title">{t('gallery.title')}</h1>
        {list.length > 0 && <span className="muted" data-testid="gallery-count">{t(items.hasNextPage ? 'gallery.countMore' : 'gallery.count', { count: list.length })}</span>}
        <span className="muted" aria-live="polite">{t('gallery.selected', { count: selected.length })}</span>
        <Button type="primary" disabled={!canCompare} onClick={() => setComparing(true)} data-testid="compare-open">{t('gallery.compare')}</Button>
        <Button disabled={selected.length === 0} onClick={() => setSelected([])}>{t('gallery.clear')}</Button>
        <span className="muted gallery-hint">{t('gallery.keyboardHintView')}</span>
      </div>
      <GalleryFilterBar filter={filter} onChange={setFilter} />
      {sweepJob.data?.sweep && <SweepGrid job={sweepJob.data} selected={selected} onToggle={toggle} />}
      {items.isError && <ErrorNotice error={describeError(items.error, t)} />}
      {items.isSuccess && list.length === 0 && <p className="empty-state" data-testid="gallery-empty">{t(filterToSearch(filter).size > 0 ? 'gallery.emptyFiltered' : 'gallery.empty')}</p>}
      <GalleryGrid items={list} selected={selected} active={active} onActiveChange={setActive} onToggle={toggle} onCompare={compare}
        onOpen={setViewing} titleOf={titleOf} onNearEnd={nearEnd} label={t('gallery.title')} t={t} language={language} />
      {viewing !== null && (
        <ImageViewer items={list} index={viewing} onIndexChange={setViewing} onClose={() => setViewing(null)} sweepJob={sweepJob.data} onReviewed={onReviewed} />
      )}
      <Modal open={comparing} onCancel={() => setComparing(false)} footer={null} width="95vw" destroyOnHidden title={null} closable={false}>
        {comparing && (
          <CompareView onClose={() => setComparing(false)} items={compared.map((item) => ({
            id: item.assetId, url: item.url, mime: item.mime, poster: item.thumbnailUrl,
            caption: <><ItemCaption item={item} sweepJob={sweepJob.data} limit={6} /><ScoreLine item={item} t={t} language={language} /></>,
            actions: <ReviewActions item={item} n={list.indexOf(item) + 1} onReviewed={(v) => onReviewed(item.assetId, v)} />,
          }))} />
        )}
      </Modal>
    </main>
    </ActiveCtrModelContext.Provider>
  );
}
