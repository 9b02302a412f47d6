import { memo } from 'react';
import { useMutation, useQuery } from '@tanstack/react-query';
import { Button } from 'antd';
import { summariseScore, type ScoreSummary } from '@shotfarm/shared';
import { getAssetScore, reviewAsset, type ReviewVerdict } from '../../api/client.ts';
import { useI18n, type Language, type Translate } from '../../i18n/i18n.ts';
import { OutputThumb } from '../../components/output-media.tsx';
import { ClickAppeal } from '../../components/click-appeal.tsx';
import { downloadName, downloadUrl, isVideo } from '../../lib/download-name.ts';
import type { GalleryItem } from './gallery-items.ts';

/** While the scorer has not reached an image, ask again this often (only mounted cards ask: the grid is virtual). */
const scorePollMs = 4_000;

/** The item's score from the list, or — while it was still pending when the page loaded — polled until it arrives. */
function useItemScore(item: GalleryItem): ScoreSummary | null {
  const polled = useQuery({
    queryKey: ['score', item.assetId],
    queryFn: async ({ signal }) => { const s = await getAssetScore(item.assetId, signal); return s ? summariseScore(s) : null; },
    enabled: item.score === null,
    refetchInterval: (q) => (q.state.data === null ? scorePollMs : false),
    staleTime: Infinity,
  });
  return item.score ?? polled.data ?? null;
}

interface Words {
  t: Translate;
  language: Language;
}

/** A score the list already carried, or one still being polled for (only then a query per card). */
export function ScoreLine({ item, t, language }: { item: GalleryItem } & Words) {
  // The scorer reads images only: a video is finished when it is rendered, and says so instead of waiting for a score.
  if (isVideo(item.mime)) return <span className="gate-tag is-video" data-testid="video-not-scored" title={t('viewer.videoNotScored')}>{t('gallery.videoDone')}</span>;
  return item.score ? <ScoreBadges score={item.score} t={t} language={language} /> : <PolledScoreLine item={item} t={t} language={language} />;
}

function PolledScoreLine({ item, t, language }: { item: GalleryItem } & Words) {
  const score = useItemScore(item);
  return score ? <ScoreBadges score={score} t={t} language={language} /> : <span className="muted" data-testid="gate-pending">{t('gate.pending')}</span>;
}

/**
 * Gate pass or the first failed rule per marketplace, then quality and click appeal (see ClickAppeal). Plain elements with a
 * native title, not antd Tags with Tooltips, and words handed down rather than a translation hook each: a
 * scrolling gallery mounts a row of these every frame.
 */
function ScoreBadges({ score, t, language }: { score: ScoreSummary } & Words) {
  return (
    <span className="score-line">
      {Object.entries(score.gates).map(([id, gate]) => (
        <span key={id} className={gate.pass ? 'gate-tag is-pass' : 'gate-tag is-fail'} data-testid="gate-badge" data-pass={gate.pass}
          title={gate.failedRule ? gate.failedRule.message[language] : t('gate.pass')}>
          {t(`gate.profile.${id}` as 'gate.profile.taobao-main')}
        </span>
      ))}
      <span data-testid="quality-score">{t('gate.quality', { score: Math.round(score.quality * 100) })}</span>{' · '}
      <ClickAppeal score={score} t={t} />
    </span>
  );
}

/** Approve / reject (labels for the scorer) and download the original; starts from the verdict the list carries. */
export function ReviewActions({ item, n = 1, onReviewed }: { item: GalleryItem; n?: number; onReviewed?: (verdict: ReviewVerdict) => void }) {
  const { t } = useI18n();
  const name = downloadName({ jobId: item.jobId, recipeId: item.recipeId, n, mime: item.mime });
  const review = useMutation({ mutationFn: (verdict: ReviewVerdict) => reviewAsset(item.assetId, verdict), onSuccess: (r) => onReviewed?.(r.verdict) });
  const done = review.data?.verdict ?? item.review;
  return (
    <span className="review-actions">
      <Button size="small" type={done === 'approve' ? 'primary' : 'default'} onClick={() => review.mutate('approve')} loading={review.isPending && review.variables === 'approve'}
        data-testid="approve" aria-pressed={done === 'approve'}>{done === 'approve' ? t('gallery.approved') : t('gallery.approve')}</Button>
      <Button size="small" danger={done === 'reject'} onClick={() => review.mutate('reject')} loading={review.isPending && review.variables === 'reject'}
        data-testid="reject" aria-pressed={done === 'reject'}>{done === 'reject' ? t('gallery.rejected') : t('gallery.reject')}</Button>
      <Button size="small" href={downloadUrl(item.url, name)} download={name} aria-label={`${t('gallery.download')} ${name}`} data-testid="download">⤓ {t('viewer.download')}</Button>
    </span>
  );
}

export interface GalleryCardProps {
  item: GalleryItem;
  index: number;
  selected: boolean;
  active: boolean;
  onToggle: (assetId: string) => void;
  /** Opens the single-image view of this card. */
  onOpen: (index: number) => void;
  /** The recipe's title in the page's language (the hover title and the caption). */
  recipeTitle: string;
  /** From the page, which re-renders on a language switch anyway; a card only re-renders when these change. */
  t: Translate;
  language: Language;
}

/** One thumbnail with its scores; the hover title carries recipe and parameters. */
export const GalleryCard = memo(function GalleryCard({ item, index, selected, active, onToggle, onOpen, recipeTitle, t, language }: GalleryCardProps) {
  return (
    <div className={`gallery-card${selected ? ' is-selected' : ''}${active ? ' is-active' : ''}`} data-testid="gallery-card"
      data-asset={item.assetId} role="gridcell" aria-selected={selected} id={`gallery-cell-${index}`}>
      <button type="button" className="gallery-thumb" tabIndex={-1} onClick={() => onToggle(item.assetId)} onDoubleClick={() => onOpen(index)} title={recipeTitle}>
        <OutputThumb media={item} alt={t('outputs.alt', { n: index + 1 })} testId="gallery-thumb" />
      </button>
      <button type="button" className="gallery-open" tabIndex={-1} onClick={() => onOpen(index)} aria-label={t('viewer.open')} title={t('viewer.open')} data-testid="gallery-open">⤢</button>
      <div className="gallery-meta">
        <input type="checkbox" className="gallery-check" checked={selected} onChange={() => onToggle(item.assetId)} aria-label={t('gallery.select', { n: index + 1 })} tabIndex={-1} data-testid="gallery-select" />
        <ScoreLine item={item} t={t} language={language} />
      </div>
    </div>
  );
});
