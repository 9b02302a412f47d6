import { useState } from 'react';
import type { JobOutput } from '@shotfarm/shared';
import { useI18n } from '../i18n/i18n.ts';
import { Lightbox } from './lightbox.tsx';
import { OutputCard } from './output-card.tsx';

export interface OutputGridProps {
  outputs: readonly JobOutput[];
}

export function OutputGrid({ outputs }: OutputGridProps) {
  const { t } = useI18n();
  const [open, setOpen] = useState<number | null>(null);
  if (outputs.length === 0) return <p className="empty-state" data-testid="outputs-empty">{t('outputs.empty')}</p>;
  return (
    <>
      <ul className="output-grid" data-testid="output-grid">
        {outputs.map((output, i) => (
          <OutputCard key={output.assetId} output={output} n={i + 1} onOpen={() => setOpen(i)} />
        ))}
      </ul>
      {open !== null && <Lightbox outputs={outputs} index={open} onIndexChange={setOpen} onClose={() => setOpen(null)} />}
    </>
  );
}
