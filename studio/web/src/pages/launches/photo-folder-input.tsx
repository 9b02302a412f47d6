import { useState } from 'react';
import { useI18n } from '../../i18n/i18n.ts';
import { zipPhotoFolder, type FolderFile } from './photo-folder.ts';

/** `webkitdirectory` is not in React's input attributes, though every current browser supports it. */
const folderPicker = { webkitdirectory: '', directory: '' } as Record<string, string>;

/**
 * "Or a folder of photos": the person picks a folder instead of a ZIP; its photos are packed into a ZIP in the
 * browser and handed on as the launch's photo ZIP. Says how many photos it found, or that it found none.
 */
export function PhotoFolderInput({ onPacked }: { onPacked: (zip: File | null) => void }) {
  const { t } = useI18n();
  const [note, setNote] = useState<{ kind: 'empty' | 'packing' } | { kind: 'packed'; count: number; folder: string } | null>(null);
  const onChange = async (files: FileList | null) => {
    if (!files || files.length === 0) { setNote(null); onPacked(null); return; }
    setNote({ kind: 'packing' });
    const packed = await zipPhotoFolder(Array.from(files) as FolderFile[]);
    if (!packed) { setNote({ kind: 'empty' }); onPacked(null); return; }
    setNote({ kind: 'packed', count: packed.count, folder: packed.folder });
    onPacked(packed.zip);
  };
  return (
    <>
      <label className="field-label">
        {t('launches.photoFolder')}{' '}
        <input type="file" multiple data-testid="launch-photo-folder" {...folderPicker} onChange={(e) => void onChange(e.target.files)} />
      </label>
      {note && (
        <p className="muted" role="status" data-testid="launch-photo-folder-note" data-kind={note.kind}>
          {note.kind === 'packed' ? t('launches.folderPacked', { count: note.count, folder: note.folder })
            : t(note.kind === 'packing' ? 'launches.folderPacking' : 'launches.folderEmpty')}
        </p>
      )}
    </>
  );
}
