import { useEffect } from 'react';
import { Button, Modal } from 'antd';
import type { JobView, ReviewVerdict } from '@shotfarm/shared';
import { OutputMedia } from '../../components/output-media.tsx';
import { useI18n } from '../../i18n/i18n.ts';
import { isVideo } from '../../lib/download-name.ts';
import { ReviewActions, ScoreLine } from './gallery-card.tsx';
import type { GalleryItem } from './gallery-items.ts';
import { ItemCaption } from './item-caption.tsx';

export interface ImageViewerProps {
  items: readonly GalleryItem[];
  index: number;
  onIndexChange: (index: number) => void;
  onClose: () => void;
  /** The job whose sweep the gallery shows, for each image's sweep cell. */
  sweepJob?: JobView;
  /** A verdict given here, so the grid's card shows it without a reload. */
  onReviewed?: (assetId: string, verdict: ReviewVerdict) => void;
}

/**
 * One image large, with everything needed to decide on it: where it came from (recipe, sweep cell, parameters in
 * words), its scores and marketplace rules, approve / reject and a named download. ← → step through the gallery.
 */
export function ImageViewer({ items, index, onIndexChange, onClose, sweepJob, onReviewed }: ImageViewerProps) {
  const { t, language } = useI18n();
  const item = items[index];
  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      // Arrow keys inside a video's controls seek; leave those alone.
      if ((e.target as Element | null)?.closest?.('video, input, textarea')) return;
      if (e.key === 'ArrowLeft' && index > 0) onIndexChange(index - 1);
      else if (e.key === 'ArrowRight' && index < items.length - 1) onIndexChange(index + 1);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [index, items.length, onIndexChange]);
  if (!item) return null;
  const n = index + 1;
  return (
    <Modal open onCancel={onClose} footer={null} width="min(1280px, 96vw)" destroyOnHidden centered
      title={t('viewer.title', { n, count: items.length })} data-testid="image-viewer">
      <div className="image-viewer" data-testid="image-viewer-body" data-asset={item.assetId}>
        <div className="image-viewer-media">
          <OutputMedia key={item.assetId} media={item} alt={t('outputs.alt', { n })} testId="viewer-image" className="viewer-media" />
        </div>
        <aside className="image-viewer-side">
          <ItemCaption item={item} sweepJob={sweepJob} />
          <h3 className="subheading">{t('viewer.scores')}</h3>
          {isVideo(item.mime) ? <p className="muted" data-testid="viewer-video-note">{t('viewer.videoNotScored')}</p> : (
            <>
              <ScoreLine item={item} t={t} language={language} />
              {item.score && (
                <ul className="viewer-gates" data-testid="viewer-gates">
                  {Object.entries(item.score.gates).map(([id, gate]) => (
                    <li key={id} className={gate.pass ? 'is-pass' : 'is-fail'}>
                      <strong>{t(`gate.profile.${id}` as 'gate.profile.taobao-main')}</strong>{' '}
                      {gate.pass ? t('gate.pass') : gate.failedRule?.message[language]}
                    </li>
                  ))}
                </ul>
              )}
            </>
          )}
          <ReviewActions key={item.assetId} item={item} n={n} onReviewed={(v) => onReviewed?.(item.assetId, v)} />
          <div className="image-viewer-nav">
            <Button size="small" disabled={index === 0} onClick={() => onIndexChange(index - 1)}>{t('lightbox.previous')}</Button>
            <Button size="small" disabled={index === items.length - 1} onClick={() => onIndexChange(index + 1)}>{t('lightbox.next')}</Button>
          </div>
        </aside>
      </div>
    </Modal>
  );
}
