import { statfs } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * Free space for unprivileged writers on the filesystem holding `dir`, in MB (the nearest existing ancestor is
 * asked, so a folder not created yet still has an answer). The folder storage's reserve and `/readyz` both read it.
 */
export async function freeMegabytes(dir: string): Promise<number> {
  let at = dir;
  for (;;) {
    try {
      const s = await statfs(at);
      return Math.floor((s.bavail * s.bsize) / (1024 * 1024));
    } catch (e) {
      const parent = dirname(at);
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT' || parent === at) throw e;
      at = parent;
    }
  }
}
