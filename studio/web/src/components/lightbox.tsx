import { useEffect, useRef } from 'react';
import type { JobOutput } from '@shotfarm/shared';
import { useI18n } from '../i18n/i18n.ts';
import { downloadName, downloadUrl } from '../lib/download-name.ts';
import { OutputMedia } from './output-media.tsx';
import { OutputParams } from './output-params.tsx';

export interface LightboxProps {
  outputs: readonly JobOutput[];
  index: number;
  onIndexChange: (index: number) => void;
  onClose: () => void;
  /** For download names (`<job>-<recipe>-<n>.jpg`). */
  jobId?: string | null;
  recipeId?: string | null;
}

/**
 * The full-size image in a modal `<dialog>`: the browser traps focus, closes on Esc and restores focus
 * to the opening button. ← and → step through the outputs; a click on the backdrop closes. Every way out goes
 * through `dialog.close()`, so `onClose` runs once.
 */
export function Lightbox({ outputs, index, onIndexChange, onClose, jobId = null, recipeId = null }: LightboxProps) {
  const { t } = useI18n();
  const dialogRef = useRef<HTMLDialogElement>(null);
  const closeRef = useRef<HTMLButtonElement>(null);
  const output = outputs[index];

  useEffect(() => {
    const dialog = dialogRef.current;
    if (dialog && !dialog.open) dialog.showModal();
    closeRef.current?.focus(); // after showModal, which would otherwise focus the first link
  }, []);

  if (!output) return null;
  const n = index + 1;
  const step = (delta: number): void => onIndexChange((index + delta + outputs.length) % outputs.length);

  return (
    <dialog
      ref={dialogRef}
      className="lightbox"
      aria-label={t('lightbox.label', { n, count: outputs.length })}
      onClose={(e) => { if (!e.currentTarget.open) onClose(); }}
      onClick={(e) => { if (e.target === e.currentTarget) e.currentTarget.close(); }}
      onKeyDown={(e) => {
        if (e.key === 'ArrowLeft') step(-1);
        else if (e.key === 'ArrowRight') step(1);
      }}
      data-testid="lightbox"
    >
      <div className="lightbox-body">
        <OutputMedia key={output.assetId} className="lightbox-image" media={output} alt={t('outputs.alt', { n })} testId="lightbox-image" />
        <div className="lightbox-bar">
          <span className="lightbox-caption">
            {t('lightbox.label', { n, count: outputs.length })} · {output.width} × {output.height}
          </span>
          <OutputParams params={output.params} recipeId={recipeId} />
          <div className="lightbox-actions">
            <a className="button button-secondary button-small" href={output.url} target="_blank" rel="noopener">
              {t('lightbox.openOriginal')}
            </a>
            <a className="button button-secondary button-small" href={downloadUrl(output.url, downloadName({ jobId, recipeId, n, mime: output.mime }))}
              download={downloadName({ jobId, recipeId, n, mime: output.mime })} data-testid="lightbox-download">
              {t('viewer.download')}
            </a>
            {outputs.length > 1 && (
              <>
                <button type="button" className="button button-secondary button-small" onClick={() => step(-1)}>{t('lightbox.previous')}</button>
                <button type="button" className="button button-secondary button-small" onClick={() => step(1)}>{t('lightbox.next')}</button>
              </>
            )}
            <button type="button" className="button button-primary button-small" ref={closeRef} onClick={() => dialogRef.current?.close()} data-testid="lightbox-close">
              {t('lightbox.close')}
            </button>
          </div>
        </div>
      </div>
    </dialog>
  );
}
