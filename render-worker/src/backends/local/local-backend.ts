import type { JobType, RenderOutput, RenderTask } from '@shotfarm/shared';
import { TaskError } from '@shotfarm/shared';
import type { RenderBackend, RenderContext } from '../../interfaces/index.ts';
import { runProductShotTask } from './product-shot-task.ts';
import { runShortVideoTask } from './short-video/index.ts';

/** Runs one recipe's task on this machine's CPU. */
export type LocalRecipeRunner = (task: RenderTask, ctx: RenderContext) => Promise<RenderOutput[]>;

/** Recipe id → runner: a map, so the worker can report which recipes it runs. */
export const localRecipeRunners: ReadonlyMap<string, LocalRecipeRunner> = new Map([
  ['product-shot/studio-local', runProductShotTask],
  ['short-video/slideshow-local', (task, ctx) => runShortVideoTask(task, ctx)],
]);

/** The embedded default: sharp and ffmpeg on the worker's CPU, no GPU. */
export class LocalBackend implements RenderBackend {
  readonly id = 'local';
  readonly jobTypes: readonly JobType[] = ['product-shot', 'short-video'];

  async render(task: RenderTask, ctx: RenderContext): Promise<RenderOutput[]> {
    const run = localRecipeRunners.get(task.recipe.id);
    if (!run) throw new TaskError('SF_RENDER_NO_BACKEND', `the local backend has no runner for recipe ${task.recipe.id}`);
    return run(task, ctx);
  }

  async close(): Promise<void> {}
}
