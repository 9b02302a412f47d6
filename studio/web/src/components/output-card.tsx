import { memo } from 'react';
import type { JobOutput } from '@shotfarm/shared';
import { useI18n } from '../i18n/i18n.ts';
import { downloadName, downloadUrl } from '../lib/download-name.ts';
import { OutputThumb } from './output-media.tsx';
import { OutputParams } from './output-params.tsx';

export interface OutputCardProps {
  output: JobOutput;
  /** 1-based, as people count. */
  n: number;
  /** Called with the output's index (n − 1); one stable callback for the whole grid. */
  onOpen: (index: number) => void;
  jobId?: string | null;
  recipeId?: string | null;
}

/**
 * One output with its size, a link to the original and a named download. Memoised on the output: a progress tick
 * re-renders the job, but the same output (same signed URL) must not re-render, let alone reload its thumbnail.
 */
export const OutputCard = memo(function OutputCard({ output, n, onOpen, jobId = null, recipeId = null }: OutputCardProps) {
  const { t } = useI18n();
  const name = downloadName({ jobId, recipeId, n, mime: output.mime });
  return (
    <li className="output-card" data-testid="output-card" data-asset-id={output.assetId} data-mime={output.mime}>
      <button type="button" className="output-thumb" onClick={() => onOpen(n - 1)} aria-label={t('outputs.view', { n })}>
        <OutputThumb media={output} alt={t('outputs.alt', { n })} testId="output-image" style={{ aspectRatio: `${output.width} / ${output.height}` }} />
      </button>
      <div className="output-info">
        <div className="output-line">
          <span className="output-size">{output.width} × {output.height}</span>
          <a className="output-link" href={output.url} target="_blank" rel="noopener" data-testid="output-original">
            {t('outputs.original')}
            <span className="visually-hidden">{t('common.opensInNewTab')}</span>
            <svg className="icon-external" viewBox="0 0 16 16" aria-hidden="true" focusable="false">
              <path d="M6 3H3v10h10v-3M9 3h4v4M13 3L7 9" fill="none" stroke="currentColor" strokeWidth="1.5" />
            </svg>
          </a>
          <a className="output-link" href={downloadUrl(output.url, name)} download={name} data-testid="output-download" aria-label={`${t('viewer.download')} ${name}`}>⤓</a>
        </div>
        <OutputParams params={output.params} recipeId={recipeId} limit={3} />
      </div>
    </li>
  );
}, (a, b) => a.output.assetId === b.output.assetId && a.output.url === b.output.url && a.output.thumbnailUrl === b.output.thumbnailUrl
  && a.n === b.n && a.onOpen === b.onOpen && a.jobId === b.jobId && a.recipeId === b.recipeId);
