import { EventEmitter } from 'node:events';
import type { JobEvent } from '@shotfarm/shared';

/**
 * In-process fan-out of recorded job events to open SSE streams. The database's `job_events` table is
 * the source of truth (a reconnecting client replays from it); this bus only saves them a poll.
 */
export class JobEventBus {
  readonly #emitter = new EventEmitter().setMaxListeners(0);

  publish(event: JobEvent): void {
    this.#emitter.emit(event.jobId, event);
  }

  /** Returns the unsubscribe function. */
  subscribe(jobId: string, listener: (event: JobEvent) => void): () => void {
    this.#emitter.on(jobId, listener);
    return () => { this.#emitter.off(jobId, listener); };
  }
}
