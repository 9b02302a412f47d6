import { useState } from 'react';
import { Alert } from 'antd';
import type { AssetView } from '@shotfarm/shared';
import { GateBadges } from '../../components/gate-badges.tsx';
import { UploadPanel } from '../../components/upload-panel.tsx';
import { useAssetScore } from '../../hooks/use-asset-score.ts';
import { useI18n } from '../../i18n/i18n.ts';

/**
 * 素材 / Assets, first version: upload, and see each upload's marketplace gate result. The API lists no assets
 * yet (there is no `GET /api/assets`), so the library is this session's uploads.
 */
export default function AssetsPage() {
  const { t } = useI18n();
  const [uploads, setUploads] = useState<AssetView[]>([]);
  return (
    <main id="main" className="workspace workspace-single" tabIndex={-1}>
      <h1 className="page-title">{t('assets.title')}</h1>
      <Alert type="info" showIcon message={t('assets.hint')} />
      <div className="assets-upload">
        <UploadPanel asset={null} onUploaded={(a) => setUploads((prev) => [a, ...prev.filter((p) => p.id !== a.id)])} />
      </div>
      {uploads.length === 0 ? <p className="empty-state">{t('assets.empty')}</p> : (
        <ul className="asset-list" data-testid="asset-list">
          {uploads.map((a) => <AssetRow key={a.id} asset={a} />)}
        </ul>
      )}
    </main>
  );
}

function AssetRow({ asset }: { asset: AssetView }) {
  const { t } = useI18n();
  const score = useAssetScore(asset.id);
  return (
    <li className="asset-row">
      <img src={asset.thumbnailUrl ?? asset.url} alt={t('upload.previewAlt')} width={96} height={96} loading="lazy" />
      <div>
        <p className="muted">{t('upload.dimensions', { width: asset.width, height: asset.height })}</p>
        <GateBadges score={score} />
      </div>
    </li>
  );
}
