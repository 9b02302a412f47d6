import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RenderProgress, RenderTask } from '@shotfarm/shared';
import { FolderStorage, UrlSigner, type Storage } from '@shotfarm/shared/storage';
import { LocalBackend } from '../local-backend.ts';
import { runFfmpeg } from './run-ffmpeg.ts';
import { runShortVideoTask } from './short-video-task.ts';

const run = promisify(execFile);
const products = path.resolve(fileURLToPath(new URL('../../../../../../shared/fixtures/images/products', import.meta.url)));
const photoFiles = ['cc0-shoes-132e5fa5.jpg', 'dreambooth-teapot-04.jpg', 'dreambooth-clock-03.jpg'];
// The contract's shortest video; ultrafast keeps 1080p encodes within seconds on two shared cores.
const fast = { x264Preset: 'ultrafast' } as const;

interface Probe { width: number; height: number; codec: string; pixFmt: string; durationS: number; frames: number }

async function probe(bytes: Buffer, dir: string): Promise<Probe> {
  const file = path.join(dir, `probe-${Math.random().toString(16).slice(2)}.mp4`);
  await writeFile(file, bytes);
  const { stdout } = await run('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-count_frames', '-show_entries',
    'stream=width,height,codec_name,pix_fmt,nb_read_frames:format=duration', '-of', 'json', file]);
  const j = JSON.parse(stdout) as { streams: { width: number; height: number; codec_name: string; pix_fmt: string; nb_read_frames: string }[]; format: { duration: string } };
  const s = j.streams[0]!;
  return { width: s.width, height: s.height, codec: s.codec_name, pixFmt: s.pix_fmt, durationS: Number(j.format.duration), frames: Number(s.nb_read_frames) };
}

describe('short-video/slideshow-local on the CPU (sharp + ffmpeg)', () => {
  let dir: string;
  let storage: Storage;
  const inputs: RenderTask['inputs'] = {};

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'sf-slideshow-test-'));
    storage = new FolderStorage({ root: path.join(dir, 'objects'), publicBaseUrl: 'http://127.0.0.1:1', signer: new UrlSigner('x'.repeat(32)), defaultTtlS: 60 });
    for (const [i, file] of photoFiles.entries()) {
      const key = `uploads/test/p${i}.jpg`;
      await storage.put(key, await readFile(path.join(products, file)), { contentType: 'image/jpeg' });
      inputs[`image${i + 1}`] = { key, mime: 'image/jpeg' };
    }
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  const task = (params: Record<string, string | number>, images: number): RenderTask => ({
    jobId: 'job1', taskId: `t${Math.random().toString(16).slice(2)}`, jobType: 'short-video',
    recipe: { id: 'short-video/slideshow-local', version: 1 }, backend: 'local',
    inputs: Object.fromEntries(Object.entries(inputs).slice(0, images)), params, variantIndex: 0, seed: 1,
  });
  const context = (signal = new AbortController().signal) => {
    const seen: RenderProgress[] = [];
    return { seen, ctx: { signal, storage, progress: async (p: RenderProgress) => { seen.push(p); }, reportUsage: () => undefined } };
  };

  it.each([
    ['9:16', 1080, 1920, 1, 'fade', 25],
    ['1:1', 1080, 1080, 3, 'slideleft', 30],
    ['16:9', 1920, 1080, 2, 'circleopen', 25],
  ] as const)('renders %s as an H.264 MP4 of exactly that size and 5 s (%i×%i, %i photos)', async (aspect, w, h, images, transition, fps) => {
    const { seen, ctx } = context();
    const [out] = await runShortVideoTask(task({ aspect, durationS: 5, transition, fps, caption: '' }, images), ctx, fast);
    expect(out).toMatchObject({ mime: 'video/mp4', width: w, height: h });
    const bytes = await storage.get(out!.key);
    expect(bytes.subarray(4, 8).toString('latin1')).toBe('ftyp');
    // +faststart: the index (moov) comes before the media (mdat).
    expect(bytes.indexOf('moov')).toBeLessThan(bytes.indexOf('mdat'));
    const p = await probe(bytes, dir);
    expect(p).toMatchObject({ width: w, height: h, codec: 'h264', pixFmt: 'yuv420p', frames: 5 * fps });
    expect(p.durationS).toBeCloseTo(5, 1);
    expect(out!.params).toMatchObject({ aspect, durationS: 5, transition, fps, images });
    const thumb = await sharp(await storage.get(out!.thumbKey)).metadata();
    expect(thumb.format).toBe('webp');
    expect(Math.max(thumb.width!, thumb.height!)).toBe(256);
    expect(seen.some((s) => s.stage === 'encoding' && s.fraction > 0.1 && s.fraction < 1)).toBe(true);
    expect(seen.at(-1)).toEqual({ fraction: 1, stage: 'stored' });
  });

  it('burns in a Chinese caption inside its band and nowhere else', async () => {
    const params = { aspect: '1:1', durationS: 5, background: 'white', caption: '新品上市 限时八折' } as const;
    const [withCaption] = await runShortVideoTask(task(params, 1), context().ctx, fast);
    const [without] = await runShortVideoTask(task({ ...params, caption: '' }, 1), context().ctx, fast);
    const strip = async (key: string, top: number, height: number) => {
      const file = path.join(dir, `cap-${Math.random().toString(16).slice(2)}.mp4`);
      await writeFile(file, await storage.get(key));
      const png = path.join(dir, `cap-${Math.random().toString(16).slice(2)}.png`);
      await run('ffmpeg', ['-v', 'error', '-y', '-i', file, '-frames:v', '1', png]);
      return sharp(png).extract({ left: 250, top, width: 580, height }).greyscale().raw().toBuffer();
    };
    const meanAbsDiff = (x: Buffer, y: Buffer) => x.reduce((s, v, i) => s + Math.abs(v - y[i]!), 0) / x.length;
    // The band ends at 86 % of the height (y 790…928 at 1080 px); the glyph row sits inside it.
    const glyphsWith = await strip(withCaption!.key, 840, 40);
    const glyphsWithout = await strip(without!.key, 840, 40);
    expect(meanAbsDiff(glyphsWith, glyphsWithout)).toBeGreaterThan(20);
    expect(glyphsWith.filter((v) => v > 220).length).toBeGreaterThan(glyphsWith.length * 0.05); // white strokes
    const above = await strip(withCaption!.key, 600, 40);
    expect(meanAbsDiff(above, await strip(without!.key, 600, 40))).toBeLessThan(3); // nothing drawn outside the band
  });

  it('refuses a caption with SF_RENDER_FONT_MISSING when no CJK font exists', async () => {
    await expect(runShortVideoTask(task({ caption: '你好', durationS: 5 }, 1), context().ctx, { ...fast, fonts: [{ file: path.join(dir, 'no-such-font.ttc'), family: 'Nope' }] }))
      .rejects.toMatchObject({ code: 'SF_RENDER_FONT_MISSING' });
  });

  it('kills ffmpeg when the task is canceled and fails with SF_RENDER_CANCELED', async () => {
    const abort = new AbortController();
    let pid: number | undefined;
    const { ctx } = context(abort.signal);
    const started = Date.now();
    const rendering = runShortVideoTask({ ...task({ aspect: '16:9', durationS: 15, fps: 30 }, 3), taskId: 'cancel' }, ctx, {
      x264Preset: 'veryslow', onFfmpegSpawn: (p) => { pid = p; setTimeout(() => abort.abort(), 300); },
    });
    await expect(rendering).rejects.toMatchObject({ code: 'SF_RENDER_CANCELED' });
    expect(pid).toBeDefined();
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(() => process.kill(pid!, 0)).toThrow(/ESRCH/);
    expect((await storage.list('outputs/job1/')).filter((k) => k.includes('/cancel/'))).toEqual([]);
  });

  it('fails with SF_RENDER_FFMPEG_FAILED, not retried, when ffmpeg refuses its input or is missing', async () => {
    const signal = new AbortController().signal;
    await expect(runFfmpeg(['-v', 'error', '-i', path.join(dir, 'missing.png'), '-f', 'null', '-'], { signal, totalFrames: 1 }))
      .rejects.toMatchObject({ code: 'SF_RENDER_FFMPEG_FAILED', retryable: false, message: expect.stringContaining('missing.png') });
    await expect(runFfmpeg(['-version'], { signal, totalFrames: 1, ffmpegPath: path.join(dir, 'no-ffmpeg') }))
      .rejects.toMatchObject({ code: 'SF_RENDER_FFMPEG_FAILED' });
  });

  it('is dispatched by the local backend, which now runs short-video jobs', async () => {
    const backend = new LocalBackend();
    expect(backend.jobTypes).toContain('short-video');
    await expect(backend.render(task({ durationS: 3 }, 1), context().ctx)).rejects.toMatchObject({ code: 'SF_RENDER_TASK_INVALID' });
  });
});
