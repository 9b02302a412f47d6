import type { JobOutput } from '@shotfarm/shared';
import { useI18n } from '../i18n/i18n.ts';
import { OutputParams } from './output-params.tsx';

export interface OutputCardProps {
  output: JobOutput;
  /** 1-based, as people count. */
  n: number;
  onOpen: () => void;
}

export function OutputCard({ output, n, onOpen }: OutputCardProps) {
  const { t } = useI18n();
  return (
    <li className="output-card" data-testid="output-card" data-asset-id={output.assetId}>
      <button type="button" className="output-thumb" onClick={onOpen} aria-label={t('outputs.view', { n })}>
        <img
          src={output.thumbnailUrl ?? output.url}
          alt={t('outputs.alt', { n })}
          loading="lazy"
          decoding="async"
          data-testid="output-image"
          style={{ aspectRatio: `${output.width} / ${output.height}` }}
        />
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
        </div>
        <OutputParams params={output.params} />
      </div>
    </li>
  );
}
