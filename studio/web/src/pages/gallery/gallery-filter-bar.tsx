import { Select, Tag } from 'antd';
import { useI18n, type MessageKey } from '../../i18n/i18n.ts';
import { galleryGateFilters, galleryReviewFilters, gallerySorts, type GalleryFilter } from './gallery-items.ts';

/** Marketplace profiles the scorer gates by (the scorer's `gates/index.ts`); each has a `gate.profile.*` label. */
const gateProfiles = ['taobao-main', 'taobao-white', 'pdd-main', 'amazon-main'] as const;
const all = 'all';
type GateChoice = NonNullable<GalleryFilter['gate']> | typeof all;
type ReviewChoice = NonNullable<GalleryFilter['review']> | typeof all;

export interface GalleryFilterBarProps {
  filter: GalleryFilter;
  onChange: (filter: GalleryFilter) => void;
}

/** Sort by score and filter by gate verdict and review; every choice is a server query, so it holds at 5,000 images. */
export function GalleryFilterBar({ filter, onChange }: GalleryFilterBarProps) {
  const { t } = useI18n();
  const set = (patch: Partial<GalleryFilter>): void => {
    const next: GalleryFilter = { ...filter, ...patch };
    for (const key of Object.keys(patch) as (keyof GalleryFilter)[]) if (patch[key] === undefined) delete next[key];
    onChange(next);
  };
  return (
    <div className="gallery-filters" role="group" aria-label={t('gallery.filters')}>
      <label className="field-inline">
        <span>{t('gallery.sortLabel')}</span>
        <Select size="small" value={filter.sort} onChange={(sort) => set({ sort })} id="gallery-sort" data-testid="gallery-sort" popupMatchSelectWidth={false}
          options={gallerySorts.map((s) => ({ value: s, label: t(`gallery.sort.${s}` as MessageKey) }))} aria-label={t('gallery.sortLabel')} />
      </label>
      <label className="field-inline">
        <span>{t('gallery.gateLabel')}</span>
        <Select size="small" value={filter.profile} onChange={(profile) => set({ profile })} id="gallery-profile" data-testid="gallery-profile" popupMatchSelectWidth={false}
          options={gateProfiles.map((p) => ({ value: p, label: t(`gate.profile.${p}` as MessageKey) }))} aria-label={t('gallery.profileLabel')} />
        <Select<GateChoice> size="small" value={filter.gate ?? all} onChange={(gate) => set({ gate: gate === all ? undefined : gate })} id="gallery-gate" data-testid="gallery-gate" popupMatchSelectWidth={false}
          options={[{ value: all as GateChoice, label: t('gallery.any') }, ...galleryGateFilters.map((g) => ({ value: g, label: t(`gallery.gate.${g}` as MessageKey) }))]} aria-label={t('gallery.gateLabel')} />
      </label>
      <label className="field-inline">
        <span>{t('gallery.reviewLabel')}</span>
        <Select<ReviewChoice> size="small" value={filter.review ?? all} onChange={(review) => set({ review: review === all ? undefined : review })} id="gallery-review" data-testid="gallery-review" popupMatchSelectWidth={false}
          options={[{ value: all as ReviewChoice, label: t('gallery.any') }, ...galleryReviewFilters.map((r) => ({ value: r, label: t(`gallery.review.${r}` as MessageKey) }))]} aria-label={t('gallery.reviewLabel')} />
      </label>
      {filter.jobId && (
        <Tag closable onClose={() => set({ jobId: undefined })} data-testid="gallery-job-filter" title={filter.jobId}>
          {t('gallery.ofJob', { id: filter.jobId.slice(-8) })}
        </Tag>
      )}
    </div>
  );
}
