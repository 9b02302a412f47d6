import { EventEmitter } from 'node:events';
import type { JobEvent, TaskPreviewEvent } from '@shotfarm/shared';

const allJobs = Symbol('all jobs');
const previewChannel = (jobId: string): string => `preview:${jobId}`;

/**
 * In-process fan-out of recorded job events to open SSE streams. The database's `job_events` table is
 * the source of truth (a reconnecting client replays from it); this bus only saves them a poll.
 */
export class JobEventBus {
  readonly #emitter = new EventEmitter().setMaxListeners(0);

  publish(event: JobEvent): void {
    this.#emitter.emit(event.jobId, event);
    this.#emitter.emit(allJobs, event);
  }

  /** Every job's events (the manager's own reactions, such as scoring finished outputs). */
  subscribeAll(listener: (event: JobEvent) => void): () => void {
    this.#emitter.on(allJobs, listener);
    return () => { this.#emitter.off(allJobs, listener); };
  }

  /** Live previews go only to open streams: they are not recorded, so this is their one path. */
  publishPreview(event: TaskPreviewEvent): void {
    this.#emitter.emit(previewChannel(event.jobId), event);
  }

  subscribePreviews(jobId: string, listener: (event: TaskPreviewEvent) => void): () => void {
    this.#emitter.on(previewChannel(jobId), listener);
    return () => { this.#emitter.off(previewChannel(jobId), listener); };
  }

  /** Returns the unsubscribe function. */
  subscribe(jobId: string, listener: (event: JobEvent) => void): () => void {
    this.#emitter.on(jobId, listener);
    return () => { this.#emitter.off(jobId, listener); };
  }
}
