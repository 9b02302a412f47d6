import { readFile } from 'node:fs/promises';
import path from 'node:path';
import yazl from 'yazl';
import { productPhotos } from './harness.ts';

/** A multipart body for `POST /api/launches`: the manifest, an optional photo ZIP, the plan. */
export function launchForm(manifest: Buffer | string, plan: unknown, photos?: Buffer, manifestName = 'manifest.csv'): { payload: Buffer; headers: Record<string, string> } {
  const boundary = `----shotfarmlaunch${Math.random().toString(16).slice(2)}`;
  const parts: Buffer[] = [];
  const file = (name: string, filename: string, type: string, bytes: Buffer) => parts.push(
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"; filename="${filename}"\r\nContent-Type: ${type}\r\n\r\n`), bytes, Buffer.from('\r\n'));
  file('manifest', manifestName, 'text/csv', typeof manifest === 'string' ? Buffer.from(manifest) : manifest);
  if (photos) file('photos', 'photos.zip', 'application/zip', photos);
  parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="plan"\r\n\r\n${JSON.stringify(plan)}\r\n`));
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(parts), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

/** A ZIP holding the given files (name → bytes), built in memory. */
export async function zipOf(files: Record<string, Buffer>): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const [name, bytes] of Object.entries(files)) zip.addBuffer(bytes, name, { compress: false });
  zip.end();
  const chunks: Buffer[] = [];
  for await (const c of zip.outputStream as AsyncIterable<Buffer>) chunks.push(c);
  return Buffer.concat(chunks);
}

/** Product photos on plain backgrounds that the local cut-out separates (others it may refuse, which is a real failure). */
export const plainPhotos = ['dreambooth-vase-02.jpg', 'dreambooth-can-00.jpg', 'dreambooth-teapot-04.jpg', 'dreambooth-clock-03.jpg', 'cc0-hat-2a12baab.jpg', 'dreambooth-backpack-02.jpg'];

/** The fixture photos as ZIP contents under `photos/`. */
export async function fixturePhotoZip(names: readonly string[] = plainPhotos): Promise<Buffer> {
  const files: Record<string, Buffer> = {};
  for (const n of names) files[`photos/${n}`] = await readFile(path.join(productPhotos, n));
  return zipOf(files);
}
