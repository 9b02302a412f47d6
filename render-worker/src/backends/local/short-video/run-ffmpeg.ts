import { spawn } from 'node:child_process';
import { TaskError } from '@shotfarm/shared';

/** stderr lines kept for the failure message: the cause is in the last few, and a task message stays short. */
const keptStderrLines = 8;

export interface RunFfmpegOptions {
  /** Killing ffmpeg is how a canceled task stops using the CPU. */
  signal: AbortSignal;
  /** Frames the output will have, to turn `frame=` into a fraction. */
  totalFrames: number;
  onProgress?: (fraction: number) => void;
  /** @defaultValue 'ffmpeg' on PATH */
  ffmpegPath?: string;
  /** Told the process id once ffmpeg runs, for logs and for checking a cancel really ended it. */
  onSpawn?: (pid: number) => void;
}

/**
 * Runs ffmpeg with `-progress pipe:1` in `args`, reporting `frame=N / totalFrames` as it encodes.
 * Rejects with SF_RENDER_CANCELED when the signal aborts (ffmpeg is killed first) and with
 * SF_RENDER_FFMPEG_FAILED on a non-zero exit or a missing binary.
 */
export function runFfmpeg(args: readonly string[], opts: RunFfmpegOptions): Promise<void> {
  return new Promise((resolve, reject) => {
    if (opts.signal.aborted) { reject(new TaskError('SF_RENDER_CANCELED', 'canceled before encoding')); return; }
    const child = spawn(opts.ffmpegPath ?? 'ffmpeg', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    if (child.pid !== undefined) opts.onSpawn?.(child.pid);
    const stderr: string[] = [];
    let pending = '';
    const onAbort = () => { child.kill('SIGKILL'); };
    opts.signal.addEventListener('abort', onAbort, { once: true });
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        const m = /^frame=(\d+)/.exec(line);
        if (m && opts.onProgress) opts.onProgress(Math.min(1, Number(m[1]) / opts.totalFrames));
      }
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr.push(...chunk.split('\n').filter((l) => l.trim() !== ''));
      stderr.splice(0, Math.max(0, stderr.length - keptStderrLines));
    });
    child.once('error', (cause) => {
      opts.signal.removeEventListener('abort', onAbort);
      reject(new TaskError('SF_RENDER_FFMPEG_FAILED', `ffmpeg could not start: ${cause.message}`, { cause }));
    });
    child.once('close', (code, sig) => {
      opts.signal.removeEventListener('abort', onAbort);
      if (opts.signal.aborted) reject(new TaskError('SF_RENDER_CANCELED', 'canceled while encoding the video'));
      else if (code === 0) resolve();
      // A bad exit code repeats on retry (same inputs, same command); a kill from outside (OOM) may not.
      else reject(new TaskError('SF_RENDER_FFMPEG_FAILED', `ffmpeg exited with ${code ?? sig}: ${stderr.join(' | ')}`, { retryable: code === null }));
    });
  });
}
