import { Tag, Tooltip } from 'antd';
import type { ComfyBlocklisting } from '@shotfarm/shared';
import { useI18n } from '../../i18n/i18n.ts';

/**
 * "Blocklisted for N recipes" on a server some render worker stopped sending recipes to; the tooltip says
 * which recipe, which worker and since when. Nothing when the server is blocklisted for none.
 */
export function BlocklistTag({ entries }: { entries: readonly ComfyBlocklisting[] }) {
  const { t, language } = useI18n();
  if (entries.length === 0) return null;
  const recipes = new Set(entries.map((e) => e.recipeId)).size; // two workers may blocklist the same recipe
  const time = (iso: string) => new Date(iso).toLocaleString(language, { dateStyle: 'short', timeStyle: 'short' });
  const details = (
    <div data-testid="farm-blocklist-details">
      <p>{t('farm.server.blocklistedHint')}</p>
      <ul>
        {entries.map((e) => (
          <li key={`${e.recipeId}\u0000${e.worker}`}>
            {t('farm.server.blocklistedEntry', { recipe: e.recipeId, worker: e.worker, since: time(e.since), failures: e.failures })}
          </li>
        ))}
      </ul>
    </div>
  );
  return (
    <Tooltip title={details} trigger={['hover', 'focus']}>
      {/* Focusable, so the list is reachable without a mouse. */}
      <Tag color="volcano" tabIndex={0} data-testid="farm-blocklisted">{t('farm.server.blocklisted', { count: recipes })}</Tag>
    </Tooltip>
  );
}
