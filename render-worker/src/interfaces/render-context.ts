import type { RenderProgress, RenderUsage } from '@shotfarm/shared';
import type { Storage } from '@shotfarm/shared/storage';

/** What a backend gets besides the task: where bytes live, how to report, and when to stop. */
export interface RenderContext {
  /** Aborted when the job is canceled or the worker shuts down. */
  signal: AbortSignal;
  /** → job.updateProgress → QueueEvents → the manager → SSE. */
  progress(p: RenderProgress): Promise<void>;
  storage: Storage;
  /** What the task spent on rented compute; reported with the result for the cost ledger. The last report wins. */
  reportUsage(usage: RenderUsage): void;
}
