import { useCallback, useEffect, useId, useRef, useState, type DragEvent } from 'react';
import type { AssetView } from '@shotfarm/shared';
import { uploadAsset } from '../api/client.ts';
import { describeError, type ErrorDescription } from '../i18n/error-message.ts';
import { useI18n, type Translate } from '../i18n/i18n.ts';
import { formatBytes } from '../lib/format-bytes.ts';
import { useAssetScore } from '../hooks/use-asset-score.ts';
import { ErrorNotice } from './error-notice.tsx';
import { GateBadges } from './gate-badges.tsx';

/** What the picker offers; the API sniffs the bytes anyway (SF_UPLOAD_NOT_IMAGE). */
const acceptedTypes = 'image/jpeg,image/png,image/webp';
const mimeLabels: Record<string, string> = { 'image/jpeg': 'JPEG', 'image/png': 'PNG', 'image/webp': 'WebP' };

type UploadProblem = { kind: 'api'; error: unknown } | { kind: 'not-image'; name: string };

export interface UploadPanelProps {
  asset: AssetView | null;
  onUploaded: (asset: AssetView) => void;
  /** Whether a paste anywhere on the page lands here; with several inputs only one panel takes it. @defaultValue true */
  acceptPaste?: boolean;
}

/** Drop, pick or paste one product photo; shows what the API stored. */
export function UploadPanel({ asset, onUploaded, acceptPaste = true }: UploadPanelProps) {
  const { t } = useI18n();
  const inputId = useId();
  const hintId = useId();
  const inputRef = useRef<HTMLInputElement>(null);
  const pending = useRef<AbortController | null>(null);
  const [uploading, setUploading] = useState(false);
  const [localPreview, setLocalPreview] = useState<string | null>(null);
  const [problem, setProblem] = useState<UploadProblem | null>(null);
  const [dragActive, setDragActive] = useState(false);
  // Uploads are scored too: the designer sees at once whether the photo meets each marketplace's rules.
  const score = useAssetScore(asset?.id ?? null);

  const upload = useCallback(async (file: File) => {
    // Some systems give no type (a file without extension): let the API's sniffing decide those.
    if (file.type && !file.type.startsWith('image/')) {
      setProblem({ kind: 'not-image', name: file.name });
      return;
    }
    pending.current?.abort();
    const controller = new AbortController();
    pending.current = controller;
    const preview = URL.createObjectURL(file);
    setLocalPreview(preview);
    setProblem(null);
    setUploading(true);
    try {
      onUploaded(await uploadAsset(file, file.name || 'pasted-image.png', controller.signal));
    } catch (error) {
      if (!controller.signal.aborted) setProblem({ kind: 'api', error });
    } finally {
      URL.revokeObjectURL(preview);
      if (pending.current === controller) {
        pending.current = null;
        setUploading(false);
        setLocalPreview(null);
      }
    }
  }, [onUploaded]);

  // Paste anywhere on the page: designers copy straight out of Photoshop or a screenshot tool.
  useEffect(() => {
    const onPaste = (e: ClipboardEvent): void => {
      if (!acceptPaste) return;
      const file = [...(e.clipboardData?.files ?? [])].find((f) => f.type.startsWith('image/'));
      if (!file) return;
      e.preventDefault();
      void upload(file);
    };
    // A drop that misses the zone must not navigate away from the page (and lose the job being watched).
    const onWindowDrop = (e: globalThis.DragEvent): void => e.preventDefault();
    document.addEventListener('paste', onPaste);
    window.addEventListener('dragover', onWindowDrop);
    window.addEventListener('drop', onWindowDrop);
    return () => {
      document.removeEventListener('paste', onPaste);
      window.removeEventListener('dragover', onWindowDrop);
      window.removeEventListener('drop', onWindowDrop);
    };
  }, [upload, acceptPaste]);

  useEffect(() => () => pending.current?.abort(), []);

  const onDragOver = (e: DragEvent<HTMLDivElement>): void => {
    if (![...e.dataTransfer.types].includes('Files')) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = 'copy';
    setDragActive(true);
  };
  const onDragLeave = (e: DragEvent<HTMLDivElement>): void => {
    if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setDragActive(false);
  };
  const onDrop = (e: DragEvent<HTMLDivElement>): void => {
    e.preventDefault();
    setDragActive(false);
    const file = e.dataTransfer.files[0];
    if (file) void upload(file);
  };

  const shown = localPreview ?? (asset ? asset.thumbnailUrl ?? asset.url : null);
  const className = ['drop-zone', dragActive && 'is-dragging', shown && 'has-image'].filter(Boolean).join(' ');
  return (
    <div className="upload-panel">
      <div
        className={className}
        onDragEnter={onDragOver}
        onDragOver={onDragOver}
        onDragLeave={onDragLeave}
        onDrop={onDrop}
        onClick={(e) => {
          // The whole zone is a click target for the mouse; the button inside is the keyboard path.
          const target = e.target as Element;
          if (!uploading && !target.closest('button, input, a')) inputRef.current?.click();
        }}
        aria-busy={uploading}
        data-testid="upload-zone"
      >
        {shown ? (
          <figure className="upload-preview">
            <img src={shown} alt={t('upload.previewAlt')} data-testid="upload-preview" />
            {uploading && <span className="upload-overlay" role="status">{t('upload.uploading')}</span>}
          </figure>
        ) : (
          <svg className="drop-icon" viewBox="0 0 48 48" aria-hidden="true" focusable="false">
            <rect x="6" y="10" width="36" height="28" rx="4" fill="none" stroke="currentColor" strokeWidth="2.5" />
            <path d="M12 32l9-10 6 6 4-4 6 8z" fill="currentColor" opacity=".35" />
            <circle cx="32" cy="19" r="3" fill="currentColor" opacity=".35" />
          </svg>
        )}
        <div className="drop-text">
          {asset && !uploading && !dragActive && (
            <p className="upload-meta" data-testid="upload-meta">
              <span className="badge badge-success">{t('upload.done')}</span>
              <span>{t('upload.dimensions', { width: asset.width, height: asset.height })}</span>
              <span>{formatBytes(asset.bytes)} · {mimeLabels[asset.mime] ?? asset.mime}</span>
            </p>
          )}
          {asset && !uploading && !dragActive && <GateBadges score={score} />}
          {dragActive ? (
            <p className="drop-prompt">{t('upload.dropNow')}</p>
          ) : (
            <p className="drop-prompt">
              {asset || uploading ? null : <>{t('upload.prompt')} </>}
              <button type="button" className={asset ? 'button button-secondary button-small' : 'link-button'} onClick={() => inputRef.current?.click()} disabled={uploading}>
                {asset ? t('upload.replace') : t('upload.choose')}
              </button>
            </p>
          )}
          <p className="drop-hint" id={hintId}>{t('upload.formats')} · {t('upload.pasteHint')}</p>
        </div>
        <input
          ref={inputRef}
          id={inputId}
          type="file"
          accept={acceptedTypes}
          className="visually-hidden"
          tabIndex={-1}
          aria-label={t('upload.inputLabel')}
          aria-describedby={hintId}
          data-testid="upload-input"
          onChange={(e) => {
            const file = e.currentTarget.files?.[0];
            e.currentTarget.value = ''; // picking the same file again must fire change again
            if (file) void upload(file);
          }}
        />
      </div>
      {problem && <ErrorNotice error={describeProblem(problem, t)} testId="upload-error" />}
    </div>
  );
}

function describeProblem(problem: UploadProblem, t: Translate): ErrorDescription {
  switch (problem.kind) {
    case 'api':
      return describeError(problem.error, t);
    case 'not-image':
      return { message: t('upload.notAnImage', { name: problem.name }), code: null, fields: [], serverMessage: null };
  }
}
