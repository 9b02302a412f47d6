import { useCallback, useEffect, useId, useRef, useState, type DragEvent } from 'react';
import { Button } from 'antd';
import type { AssetView } from '@shotfarm/shared';
import { uploadAsset } from '../api/client.ts';
import { describeError } from '../i18n/error-message.ts';
import { useI18n } from '../i18n/i18n.ts';
import { ErrorNotice } from './error-notice.tsx';

const acceptedTypes = 'image/jpeg,image/png,image/webp';

/** Moves one item of a list from one place to another (for reordering photos). */
export function moveItem<T>(list: readonly T[], from: number, to: number): T[] {
  if (from === to || from < 0 || to < 0 || from >= list.length || to >= list.length) return [...list];
  const next = [...list];
  const [item] = next.splice(from, 1);
  next.splice(to, 0, item as T);
  return next;
}

export interface MultiUploadProps {
  /** The photos in order, at most `max`. */
  assets: readonly AssetView[];
  max: number;
  onChange: (assets: AssetView[]) => void;
  acceptPaste?: boolean;
}

/**
 * Several photos at once for a recipe with numbered inputs of one role (a slideshow's image1…image6): choose,
 * drop or paste many, reorder by dragging or with the arrow buttons, remove one. Their order is the inputs' order.
 */
export function MultiUpload({ assets, max, onChange, acceptPaste = true }: MultiUploadProps) {
  const { t } = useI18n();
  const inputRef = useRef<HTMLInputElement>(null);
  const hintId = useId();
  const [uploading, setUploading] = useState(0);
  const [error, setError] = useState<unknown>(null);
  const [dragFrom, setDragFrom] = useState<number | null>(null);
  const latest = useRef(assets);
  latest.current = assets;

  const add = useCallback(async (files: File[]) => {
    const room = max - latest.current.length;
    const images = files.filter((f) => !f.type || f.type.startsWith('image/')).slice(0, Math.max(0, room));
    if (images.length === 0) return;
    setError(null);
    setUploading((n) => n + images.length);
    // One after another, so the photos keep the order they were chosen in.
    for (const file of images) {
      try {
        const asset = await uploadAsset(file, file.name || 'pasted-image.png');
        onChange([...latest.current, asset].slice(0, max));
      } catch (e) {
        setError(e);
      } finally {
        setUploading((n) => n - 1);
      }
    }
  }, [max, onChange]);

  useEffect(() => {
    if (!acceptPaste) return undefined;
    const onPaste = (e: ClipboardEvent): void => {
      const files = [...(e.clipboardData?.files ?? [])].filter((f) => f.type.startsWith('image/'));
      if (files.length === 0) return;
      e.preventDefault();
      void add(files);
    };
    document.addEventListener('paste', onPaste);
    return () => document.removeEventListener('paste', onPaste);
  }, [add, acceptPaste]);

  const onDrop = (e: DragEvent<HTMLDivElement>): void => {
    e.preventDefault();
    if (e.dataTransfer.files.length > 0) void add([...e.dataTransfer.files]);
  };
  const full = assets.length >= max;

  return (
    <div className="multi-upload" data-testid="multi-upload">
      <ol className="multi-upload-list">
        {assets.map((a, i) => (
          <li key={`${a.id}-${i}`} className={dragFrom === i ? 'multi-upload-item is-dragging' : 'multi-upload-item'} draggable
            onDragStart={() => setDragFrom(i)} onDragEnd={() => setDragFrom(null)}
            onDragOver={(e) => { if (dragFrom !== null) e.preventDefault(); }}
            onDrop={(e) => { if (dragFrom === null) return; e.preventDefault(); e.stopPropagation(); onChange(moveItem(assets, dragFrom, i)); setDragFrom(null); }}
            data-testid="multi-upload-item" data-asset={a.id}>
            <span className="multi-upload-n" aria-hidden="true">{i + 1}</span>
            <img src={a.thumbnailUrl ?? a.url} alt={t('upload.previewAlt')} />
            <span className="multi-upload-actions">
              <Button size="small" type="text" disabled={i === 0} onClick={() => onChange(moveItem(assets, i, i - 1))} aria-label={t('upload.moveUp')}>←</Button>
              <Button size="small" type="text" disabled={i === assets.length - 1} onClick={() => onChange(moveItem(assets, i, i + 1))} aria-label={t('upload.moveDown')}>→</Button>
              <Button size="small" type="text" danger onClick={() => onChange(assets.filter((_, j) => j !== i))} aria-label={t('upload.remove')} data-testid="multi-upload-remove">✕</Button>
            </span>
          </li>
        ))}
        {Array.from({ length: uploading }, (_, i) => <li key={`pending-${i}`} className="multi-upload-item is-pending" role="status">{t('upload.uploading')}</li>)}
      </ol>
      {!full && (
        <div className="drop-zone multi-upload-zone" onDragOver={(e) => { if ([...e.dataTransfer.types].includes('Files')) e.preventDefault(); }} onDrop={onDrop}
          onClick={(e) => { if (!(e.target as Element).closest('button')) inputRef.current?.click(); }} data-testid="upload-zone">
          <p className="drop-prompt">
            <button type="button" className="link-button" onClick={() => inputRef.current?.click()}>{t('upload.choose')}</button>
            {' '}<span className="muted">({assets.length}/{max})</span>
          </p>
          <p className="drop-hint" id={hintId}>{t('upload.formats')} · {t('upload.multiHint')}</p>
          <input ref={inputRef} type="file" multiple accept={acceptedTypes} className="visually-hidden" tabIndex={-1}
            aria-label={t('upload.inputLabel')} aria-describedby={hintId} data-testid="multi-upload-input"
            onChange={(e) => { const files = [...(e.currentTarget.files ?? [])]; e.currentTarget.value = ''; void add(files); }} />
        </div>
      )}
      {error !== null && <ErrorNotice error={describeError(error, t)} testId="upload-error" />}
    </div>
  );
}
