import { memo } from 'react';
import { useMutation, useQuery } from '@tanstack/react-query';
import { Button, Checkbox, Tag, Tooltip } from 'antd';
import { getAssetScore, reviewAsset, type ReviewVerdict } from '../../api/client.ts';
import { useI18n } from '../../i18n/i18n.ts';
import type { GalleryItem } from './gallery-items.ts';

/** While the scorer has not reached an image, ask again this often. */
const scorePollMs = 3_000;

export function useScore(assetId: string) {
  return useQuery({
    queryKey: ['score', assetId],
    queryFn: ({ signal }) => getAssetScore(assetId, signal),
    refetchInterval: (q) => (q.state.data === null ? scorePollMs : false),
    staleTime: Infinity,
  });
}

/** Gate pass or the first failed rule per marketplace, then quality and predicted CTR. */
export function ScoreLine({ assetId }: { assetId: string }) {
  const { t, language } = useI18n();
  const score = useScore(assetId).data;
  if (!score) return <span className="muted" data-testid="gate-pending">{t('gate.pending')}</span>;
  return (
    <span className="score-line">
      {Object.entries(score.gate).map(([id, gate]) => {
        const failed = gate.rules.find((r) => !r.pass);
        return (
          <Tooltip key={id} title={failed ? failed.message[language] : t('gate.pass')}>
            <Tag color={gate.pass ? 'green' : 'red'} data-testid="gate-badge" data-pass={gate.pass}>
              {t(`gate.profile.${id}` as 'gate.profile.taobao-main')}
            </Tag>
          </Tooltip>
        );
      })}
      <span data-testid="quality-score">{t('gate.quality', { score: Math.round(score.quality.score * 100) })}</span>{' · '}
      <span data-testid="ctr">{t('gallery.ctr', { value: (score.ctr.predicted * 100).toFixed(1) })}</span>
    </span>
  );
}

/** Approve / reject (labels for the scorer) and download the original. */
export function ReviewActions({ item }: { item: GalleryItem }) {
  const { t } = useI18n();
  const review = useMutation({ mutationFn: (verdict: ReviewVerdict) => reviewAsset(item.assetId, verdict) });
  const done = review.data?.verdict;
  return (
    <span className="review-actions">
      <Button size="small" type={done === 'approve' ? 'primary' : 'default'} onClick={() => review.mutate('approve')} loading={review.isPending && review.variables === 'approve'}
        data-testid="approve" aria-pressed={done === 'approve'}>{done === 'approve' ? t('gallery.approved') : t('gallery.approve')}</Button>
      <Button size="small" danger={done === 'reject'} onClick={() => review.mutate('reject')} loading={review.isPending && review.variables === 'reject'}
        data-testid="reject" aria-pressed={done === 'reject'}>{done === 'reject' ? t('gallery.rejected') : t('gallery.reject')}</Button>
      <Button size="small" href={item.url} download target="_blank" rel="noopener" aria-label={t('gallery.download')}>⤓</Button>
    </span>
  );
}

export interface GalleryCardProps {
  item: GalleryItem;
  index: number;
  selected: boolean;
  active: boolean;
  onToggle: (assetId: string) => void;
}

/** One thumbnail with its scores; the hover title carries recipe and parameters. */
export const GalleryCard = memo(function GalleryCard({ item, index, selected, active, onToggle }: GalleryCardProps) {
  const { t } = useI18n();
  const params = Object.entries(item.params).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(' · ');
  return (
    <div className={`gallery-card${selected ? ' is-selected' : ''}${active ? ' is-active' : ''}`} data-testid="gallery-card"
      data-asset={item.assetId} role="gridcell" aria-selected={selected} id={`gallery-cell-${index}`}>
      <button type="button" className="gallery-thumb" tabIndex={-1} onClick={() => onToggle(item.assetId)} title={[item.recipe, params].filter(Boolean).join('\n')}>
        <img src={item.thumbnailUrl ?? item.url} alt={t('outputs.alt', { n: index + 1 })} loading="lazy" decoding="async" data-testid="gallery-thumb" />
      </button>
      <div className="gallery-meta">
        <Checkbox checked={selected} onChange={() => onToggle(item.assetId)} aria-label={t('gallery.select', { n: index + 1 })} tabIndex={-1} data-testid="gallery-select" />
        <ScoreLine assetId={item.assetId} />
      </div>
    </div>
  );
});
