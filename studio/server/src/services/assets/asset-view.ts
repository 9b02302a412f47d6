import type { AssetView } from '@shotfarm/shared';
import type { tables } from '@shotfarm/shared/db';
import type { Storage } from '@shotfarm/shared/storage';

type AssetRow = typeof tables.assets.$inferSelect;

/** An asset row as the API shows it: storage keys become signed URLs (stable within their window). */
export async function toAssetView(storage: Storage, a: AssetRow): Promise<AssetView> {
  return {
    id: a.id, kind: a.kind, mime: a.mime, width: a.width, height: a.height, bytes: a.bytes,
    url: await storage.signedUrl(a.key), thumbnailUrl: a.thumbKey ? await storage.signedUrl(a.thumbKey) : null,
    jobId: a.jobId, params: a.params, createdAt: a.createdAt.toISOString(),
  };
}
