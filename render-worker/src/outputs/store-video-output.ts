import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Params, RenderOutput, RenderTask } from '@shotfarm/shared';
import type { Storage } from '@shotfarm/shared/storage';
import { storeImageOutput } from './store-output.ts';

const run = promisify(execFile);

export interface StoreVideoOptions {
  task: Pick<RenderTask, 'jobId' | 'taskId'>;
  bytes: Buffer;
  params: Params;
  /** @defaultValue 'ffmpeg' and 'ffprobe' on PATH */
  ffmpegPath?: string;
  ffprobePath?: string;
}

/**
 * Store an MP4 a backend fetched (ComfyUI, Replicate), with its first frame as the poster the thumbnail is made
 * from; keys as for images (task + content hash), so a retry that gets the same bytes writes the same objects.
 * ffprobe reads the size; both tools need a file, because an MP4 whose index sits at the end cannot be read from a pipe.
 */
export async function storeVideoOutput(storage: Storage, opts: StoreVideoOptions): Promise<RenderOutput> {
  const dir = await mkdtemp(path.join(tmpdir(), 'sf-video-'));
  try {
    const file = path.join(dir, 'in.mp4');
    await writeFile(file, opts.bytes);
    const probe = await run(opts.ffprobePath ?? 'ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=width,height', '-of', 'json', file]);
    const stream = (JSON.parse(probe.stdout) as { streams?: { width?: number; height?: number }[] }).streams?.[0];
    if (!stream?.width || !stream.height) throw new Error('the MP4 has no video stream');
    const frame = path.join(dir, 'frame.png');
    await run(opts.ffmpegPath ?? 'ffmpeg', ['-v', 'error', '-y', '-i', file, '-frames:v', '1', frame]);
    return await storeImageOutput(storage, {
      task: opts.task, bytes: opts.bytes, mime: 'video/mp4', width: stream.width, height: stream.height, params: opts.params,
      poster: await readFile(frame),
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
