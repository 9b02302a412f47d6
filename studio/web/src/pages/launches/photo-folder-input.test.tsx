import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { unzipSync } from 'fflate';
import { describe, expect, it, vi } from 'vitest';
import { createI18n, I18nProvider, type Language } from '../../i18n/i18n.ts';
import { PhotoFolderInput } from './photo-folder-input.tsx';
import { bytesOf, photosOfFolder } from './photo-folder.ts';

// Real product photos from the fixtures beside the repo (../shared/fixtures), read at test time. Tests run from the repo
// root (in jsdom, import.meta.url is not a file URL).
const products = path.resolve(process.cwd(), '../shared/fixtures/images/products');

/** A file as a browser gives it from a picked folder: its bytes, name, and path below the folder's parent. */
function folderFile(bytes: Uint8Array, relativePath: string, type = 'image/jpeg'): File {
  const f = new File([bytes as BlobPart], path.posix.basename(relativePath), { type });
  Object.defineProperty(f, 'webkitRelativePath', { value: relativePath });
  return f;
}

async function pickedFolder(): Promise<{ files: File[]; originals: Map<string, Uint8Array> }> {
  const originals = new Map<string, Uint8Array>();
  for (const name of ['dreambooth-vase-02.jpg', 'dreambooth-can-00.jpg']) originals.set(`新品/${name}`, new Uint8Array(await readFile(path.join(products, name))));
  originals.set('新品/sub/dreambooth-teapot-04.jpg', new Uint8Array(await readFile(path.join(products, 'dreambooth-teapot-04.jpg'))));
  const files = [...originals].map(([p, bytes]) => folderFile(bytes, p));
  // What a real folder also holds: Finder litter, a note, a resource fork.
  files.push(folderFile(new Uint8Array([0, 1, 2]), '新品/.DS_Store', ''), folderFile(new TextEncoder().encode('notes'), '新品/readme.txt', 'text/plain'),
    folderFile(new Uint8Array([9, 9]), '新品/__MACOSX/._dreambooth-vase-02.jpg'));
  return { files, originals };
}

function inLanguage(language: Language, onPacked: (zip: File | null) => void) {
  return render(<I18nProvider instance={createI18n(language)}><PhotoFolderInput onPacked={onPacked} /></I18nProvider>);
}

describe('a folder of photos instead of a ZIP', () => {
  it('offers a folder picker', () => {
    inLanguage('zh-CN', () => undefined);
    const input = screen.getByTestId('launch-photo-folder');
    expect(input.hasAttribute('webkitdirectory')).toBe(true);
    expect(screen.getByText('或选择商品图文件夹')).toBeTruthy();
  });

  it('packs the folder\'s photos, under their folder paths and byte for byte, into the photo ZIP', async () => {
    const { files, originals } = await pickedFolder();
    const onPacked = vi.fn<(zip: File | null) => void>();
    inLanguage('en', onPacked);
    fireEvent.change(screen.getByTestId('launch-photo-folder'), { target: { files } });
    await waitFor(() => expect(onPacked).toHaveBeenCalled());
    const zip = onPacked.mock.calls[0]![0]!;
    expect(zip.name).toBe('新品.zip');
    expect(zip.type).toBe('application/zip');
    const entries = unzipSync(await bytesOf(zip));
    expect(Object.keys(entries).sort()).toEqual([...originals.keys()].sort());
    for (const [name, bytes] of originals) expect(Buffer.from(entries[name]!).equals(Buffer.from(bytes))).toBe(true);
    expect(screen.getByTestId('launch-photo-folder-note').textContent).toBe('3 photos from the folder "新品" packed as a ZIP (the manifest may name them folder/file or by file name alone)');
  });

  it('says so in Chinese when the folder holds no photo, and hands on nothing', async () => {
    const onPacked = vi.fn<(zip: File | null) => void>();
    inLanguage('zh-CN', onPacked);
    fireEvent.change(screen.getByTestId('launch-photo-folder'), { target: { files: [folderFile(new TextEncoder().encode('x'), 'docs/readme.txt', 'text/plain')] } });
    await waitFor(() => expect(onPacked).toHaveBeenCalledWith(null));
    expect(screen.getByTestId('launch-photo-folder-note').textContent).toBe('该文件夹中没有图片（支持 JPEG、PNG、WebP、GIF、TIFF、AVIF）');
  });

  it('keeps only photos: hidden files and resource forks are left out', () => {
    const f = (p: string) => folderFile(new Uint8Array(), p);
    expect(photosOfFolder([f('a/x.JPG'), f('a/y.webp'), f('a/.hidden.jpg'), f('a/.cache/z.png'), f('a/__MACOSX/x.jpg'), f('a/doc.pdf')]).map((x) => x.webkitRelativePath))
      .toEqual(['a/x.JPG', 'a/y.webp']);
  });
});
