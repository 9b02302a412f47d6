import { statfs } from 'node:fs/promises';

/** Free space for unprivileged writers on the filesystem holding `dir`, in MB (the nearest existing ancestor is asked). */
export async function freeMegabytes(dir: string): Promise<number> {
  let at = dir;
  for (;;) {
    try {
      const s = await statfs(at);
      return Math.floor((s.bavail * s.bsize) / (1024 * 1024));
    } catch (e) {
      const parent = at.replace(/\/[^/]+\/?$/, '') || '/';
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT' || parent === at) throw e;
      at = parent;
    }
  }
}
