import { useState } from 'react';
import type { JobOutput } from '@shotfarm/shared';
import { useI18n } from '../i18n/i18n.ts';
import { Lightbox } from './lightbox.tsx';
import { OutputCard } from './output-card.tsx';

export interface OutputGridProps {
  outputs: readonly JobOutput[];
  /** The job and recipe the outputs came from: download names and parameter words. */
  jobId?: string | null;
  recipeId?: string | null;
}

export function OutputGrid({ outputs, jobId = null, recipeId = null }: OutputGridProps) {
  const { t } = useI18n();
  const [open, setOpen] = useState<number | null>(null);
  if (outputs.length === 0) return <p className="empty-state" data-testid="outputs-empty">{t('outputs.empty')}</p>;
  return (
    <>
      <ul className="output-grid" data-testid="output-grid">
        {outputs.map((output, i) => (
          <OutputCard key={output.assetId} output={output} n={i + 1} onOpen={setOpen} jobId={jobId} recipeId={recipeId} />
        ))}
      </ul>
      {open !== null && <Lightbox outputs={outputs} index={open} onIndexChange={setOpen} onClose={() => setOpen(null)} jobId={jobId} recipeId={recipeId} />}
    </>
  );
}
