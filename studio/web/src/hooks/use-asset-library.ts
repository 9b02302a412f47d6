import { useInfiniteQuery } from '@tanstack/react-query';
import { listAssets } from '../api/client.ts';

/** Uploads per request: the library grid and the picker show a page, then load more on demand. */
export const libraryPageSize = 60;

/** The query key of the upload library, for invalidating it after an upload. */
export const libraryQueryKey = ['assets', 'upload'] as const;

/** The upload library, newest first, paged by `GET /api/assets?kind=upload` cursors. */
export function useAssetLibrary(enabled = true) {
  return useInfiniteQuery({
    queryKey: libraryQueryKey, enabled, initialPageParam: undefined as string | undefined,
    queryFn: ({ signal, pageParam }) => listAssets({ kind: 'upload', limit: libraryPageSize, ...(pageParam ? { cursor: pageParam } : {}) }, signal),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}
