const extensions: Record<string, string> = { 'image/jpeg': 'jpg', 'image/png': 'png', 'image/webp': 'webp', 'video/mp4': 'mp4', 'video/webm': 'webm' };

/**
 * A file name people can keep: `<job or SKU>-<recipe>-<n>.<ext>`, e.g. `3f9a2c1b-studio-local-2.jpg`. The job is
 * its id's first block (enough to find it again); the recipe its name without the type.
 */
export function downloadName(opts: { jobId: string | null; sku?: string | null; recipeId: string | null; n: number; mime: string }): string {
  const safe = (s: string): string => s.replace(/[^\p{L}\p{N}._-]+/gu, '-').replace(/^-+|-+$/g, '');
  const owner = safe(opts.sku ?? '') || (opts.jobId ? opts.jobId.split('-')[0]! : 'shotfarm');
  const recipe = opts.recipeId ? safe(opts.recipeId.split('/').at(-1) ?? '') : '';
  const ext = extensions[opts.mime] ?? opts.mime.split('/')[1] ?? 'bin';
  return [owner, recipe, String(opts.n)].filter(Boolean).join('-') + `.${ext}`;
}

/**
 * The file's URL asking the server to send it as an attachment with that name. Only the studio's own signed
 * `/files/` URLs take the extra parameter; an S3 presigned URL signs its whole query, so it is left alone (the
 * link's `download` attribute names it where the browser allows).
 */
export function downloadUrl(url: string, name: string): string {
  try {
    const parsed = new URL(url, globalThis.location?.href ?? 'http://localhost/');
    if (!parsed.pathname.startsWith('/files/')) return url;
    parsed.searchParams.set('download', name);
    return parsed.href;
  } catch {
    return url;
  }
}

export const isVideo = (mime: string): boolean => mime.startsWith('video/');
