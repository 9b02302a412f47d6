import { zipSync, type Zippable } from 'fflate';

/** What the server takes from a photo ZIP (it sniffs the bytes too): the rest of a folder is left out. */
const photoExtension = /\.(jpe?g|png|webp|gif|tiff?|avif)$/i;

/** A file picked from a folder: browsers give its path below the chosen folder's parent as `webkitRelativePath`. */
export type FolderFile = File & { webkitRelativePath?: string };

/** Where a file sits in the folder the person chose: `photos/vase.jpg`, or its bare name when the browser gives none. */
export const folderPathOf = (f: FolderFile): string => (f.webkitRelativePath || f.name).replace(/\\/g, '/');

/** The photos of a folder, hidden files (`.DS_Store`, `._x.jpg`) and non-photos left out. */
export function photosOfFolder(files: readonly FolderFile[]): FolderFile[] {
  return files.filter((f) => {
    const parts = folderPathOf(f).split('/');
    return photoExtension.test(f.name) && !parts.some((p) => p.startsWith('.') || p === '__MACOSX');
  });
}

/** A file's bytes (FileReader where `Blob.arrayBuffer` is missing: older browsers, jsdom). */
export function bytesOf(f: Blob): Promise<Uint8Array> {
  if (typeof f.arrayBuffer === 'function') return f.arrayBuffer().then((b) => new Uint8Array(b));
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(new Uint8Array(reader.result as ArrayBuffer));
    reader.onerror = () => reject(reader.error ?? new Error('the file could not be read'));
    reader.readAsArrayBuffer(f);
  });
}

/**
 * A folder of photos as the photo ZIP `POST /api/launches` takes, built in the browser: every photo keeps its path in
 * the folder (`photos/vase.jpg`), so a manifest may name it by that path or, when unique, by its bare file name.
 * Stored, not deflated: JPEG, PNG and WebP do not shrink. Null when the folder holds no photo.
 */
export async function zipPhotoFolder(files: readonly FolderFile[]): Promise<{ zip: File; count: number; folder: string } | null> {
  const photos = photosOfFolder(files);
  if (photos.length === 0) return null;
  const entries: Zippable = {};
  for (const f of photos) entries[folderPathOf(f)] = [await bytesOf(f), { level: 0 }];
  const folder = folderPathOf(photos[0]!).split('/').length > 1 ? folderPathOf(photos[0]!).split('/')[0]! : 'photos';
  const bytes = zipSync(entries, { level: 0 });
  return { zip: new File([bytes], `${folder}.zip`, { type: 'application/zip' }), count: photos.length, folder };
}
