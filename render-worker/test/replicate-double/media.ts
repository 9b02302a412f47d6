import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';

const run = promisify(execFile);

/** A real PNG, coloured from `n` so two outputs never share bytes (hence never share a storage key). */
export function makePng(n: number): Promise<Buffer> {
  return sharp({ create: { width: 64, height: 48, channels: 3, background: { r: (n * 53) % 256, g: (n * 97) % 256, b: (n * 29) % 256 } } }).png().toBuffer();
}

let mp4: Promise<Buffer> | undefined;

/** A real half-second H.264 MP4 (64×48), made once per process with ffmpeg's test source. */
export function makeMp4(): Promise<Buffer> {
  mp4 ??= (async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'replicate-double-'));
    try {
      const file = path.join(dir, 'out.mp4');
      await run('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc=size=64x48:rate=10', '-t', '0.5', '-pix_fmt', 'yuv420p', '-c:v', 'libx264', '-movflags', '+faststart', file]);
      return await readFile(file);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  })();
  return mp4;
}
