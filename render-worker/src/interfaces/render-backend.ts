import type { JobType, RenderOutput, RenderTask } from '@shotfarm/shared';
import type { BackendId } from '@shotfarm/workflows';
import type { RenderContext } from './render-context.ts';

/** Something that turns one render task into stored outputs. Retries belong to BullMQ, not to backends. */
export interface RenderBackend {
  /** Stable id, written on every task row and cost-ledger line. */
  readonly id: BackendId;
  /** Job types it can run; the API answers 422 SF_BACKEND_REQUIRED for the others. */
  readonly jobTypes: readonly JobType[];
  /** Render, store the outputs under `storageKeys.output`, and describe them. */
  render(task: RenderTask, ctx: RenderContext): Promise<RenderOutput[]>;
  close(): Promise<void>;
}
