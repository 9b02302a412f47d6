import { useState } from 'react';
import { useI18n } from '../i18n/i18n.ts';
import { isVideo } from '../lib/download-name.ts';

export interface MediaSource {
  url: string;
  thumbnailUrl: string | null;
  width: number;
  height: number;
  mime: string;
}

/** Seconds as people read a clip's length: 8 → "8 s", 8.04 → "8 s", 12.5 → "12.5 s". */
export function clipSeconds(duration: number, language: string): string {
  return new Intl.NumberFormat(language, { maximumFractionDigits: 1 }).format(Math.round(duration * 10) / 10);
}

/**
 * A full-size output: an image, or a video that plays in place (its first frame as the poster, native controls,
 * the clip's own aspect ratio) with its length under it once the browser has read it.
 */
export function OutputMedia({ media, alt, className, testId, style }: { media: MediaSource; alt: string; className?: string; testId: string; style?: React.CSSProperties }) {
  const { t, language } = useI18n();
  const [duration, setDuration] = useState<number | null>(null);
  if (!isVideo(media.mime)) return <img className={className} src={media.url} alt={alt} data-testid={testId} style={style} draggable={false} />;
  return (
    <span className="output-video">
      <video className={className} src={media.url} poster={media.thumbnailUrl ?? undefined} controls playsInline preload="metadata" aria-label={alt}
        style={{ aspectRatio: `${media.width} / ${media.height}`, ...style }} data-testid={`${testId}-video`}
        onLoadedMetadata={(e) => setDuration(Number.isFinite(e.currentTarget.duration) ? e.currentTarget.duration : null)} />
      {duration !== null && <span className="output-video-duration muted" data-testid="video-duration">{t('video.duration', { seconds: clipSeconds(duration, language) })}</span>}
    </span>
  );
}

/** A thumbnail: the image's (or the video's poster) small version, with a play badge on videos. */
export function OutputThumb({ media, alt, testId, style }: { media: MediaSource; alt: string; testId: string; style?: React.CSSProperties }) {
  const { t } = useI18n();
  const video = isVideo(media.mime);
  // A video without a poster has nothing an <img> can show: let the browser draw its first frame.
  if (video && !media.thumbnailUrl) {
    return <video src={media.url} preload="metadata" muted playsInline aria-label={alt} data-testid={testId} style={style} />;
  }
  return (
    <>
      <img src={media.thumbnailUrl ?? media.url} alt={alt} loading="lazy" decoding="async" data-testid={testId} style={style} />
      {video && <span className="video-badge" aria-label={t('video.badge')}>▶ {t('video.badge')}</span>}
    </>
  );
}
