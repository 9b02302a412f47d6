import { useState } from 'react';
import { Button, Modal } from 'antd';
import type { AssetView } from '@shotfarm/shared';
import { ErrorNotice } from '../../components/error-notice.tsx';
import { useAssetLibrary } from '../../hooks/use-asset-library.ts';
import { describeError } from '../../i18n/error-message.ts';
import { useI18n } from '../../i18n/i18n.ts';

/**
 * "Pick from the library": an earlier upload as a job input, instead of dropping the same photo again. The
 * library loads only when the modal first opens, so the Create page costs no extra request until asked.
 */
export function LibraryPicker({ onPick }: { onPick: (asset: AssetView) => void }) {
  const { t } = useI18n();
  const [open, setOpen] = useState(false);
  const [opened, setOpened] = useState(false);
  const library = useAssetLibrary(opened);
  const items = library.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <>
      <div className="library-pick">
        <Button onClick={() => { setOpened(true); setOpen(true); }} data-testid="library-pick">{t('assets.pick')}</Button>
      </div>
      <Modal open={open} onCancel={() => setOpen(false)} footer={null} title={t('assets.pickTitle')} width={720} destroyOnHidden>
        {library.isError && <ErrorNotice error={describeError(library.error, t)} />}
        {library.isSuccess && items.length === 0 && <p className="empty-state">{t('assets.empty')}</p>}
        <ul className="library-picker" data-testid="library-picker">
          {items.map((a, i) => (
            <li key={a.id}>
              <button type="button" className="library-picker-item" aria-label={t('assets.pickItem', { n: i + 1 })} data-asset={a.id}
                onClick={() => { onPick(a); setOpen(false); }}>
                <img src={a.thumbnailUrl ?? a.url} alt="" width={112} height={112} loading="lazy" />
              </button>
            </li>
          ))}
        </ul>
        {library.hasNextPage && (
          <Button onClick={() => void library.fetchNextPage()} loading={library.isFetchingNextPage}>{t('assets.loadMore')}</Button>
        )}
      </Modal>
    </>
  );
}
