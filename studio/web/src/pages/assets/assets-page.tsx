import { useQueryClient } from '@tanstack/react-query';
import { Alert, Button } from 'antd';
import type { AssetView } from '@shotfarm/shared';
import { ErrorNotice } from '../../components/error-notice.tsx';
import { GateBadges } from '../../components/gate-badges.tsx';
import { UploadPanel } from '../../components/upload-panel.tsx';
import { useAssetScore } from '../../hooks/use-asset-score.ts';
import { describeError } from '../../i18n/error-message.ts';
import { useI18n } from '../../i18n/i18n.ts';
import { libraryQueryKey, useAssetLibrary } from '../../hooks/use-asset-library.ts';

/** 素材 / Assets: the upload library from `GET /api/assets?kind=upload`, each with its marketplace gate result. */
export default function AssetsPage() {
  const { t } = useI18n();
  const queryClient = useQueryClient();
  const library = useAssetLibrary();
  const uploads = library.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <main id="main" className="workspace workspace-single" tabIndex={-1}>
      <h1 className="page-title">{t('assets.title')}</h1>
      <Alert type="info" showIcon message={t('assets.hint')} />
      <div className="assets-upload">
        <UploadPanel asset={null} onUploaded={() => void queryClient.invalidateQueries({ queryKey: libraryQueryKey })} />
      </div>
      {library.isError && <ErrorNotice error={describeError(library.error, t)} />}
      {library.isSuccess && uploads.length === 0 ? <p className="empty-state">{t('assets.empty')}</p> : (
        <ul className="asset-list" data-testid="asset-list">
          {uploads.map((a) => <AssetRow key={a.id} asset={a} />)}
        </ul>
      )}
      {library.hasNextPage && (
        <Button onClick={() => void library.fetchNextPage()} loading={library.isFetchingNextPage}>{t('assets.loadMore')}</Button>
      )}
    </main>
  );
}

function AssetRow({ asset }: { asset: AssetView }) {
  const { t } = useI18n();
  const score = useAssetScore(asset.id);
  return (
    <li className="asset-row" data-asset={asset.id}>
      <img src={asset.thumbnailUrl ?? asset.url} alt={t('upload.previewAlt')} width={96} height={96} loading="lazy" />
      <div>
        <p className="muted">{t('upload.dimensions', { width: asset.width, height: asset.height })}</p>
        <GateBadges score={score} />
      </div>
    </li>
  );
}
