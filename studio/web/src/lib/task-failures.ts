import type { Task } from '@shotfarm/shared';

/**
 * Failures that depend on what was sent, not on the farm's luck: the same photo or parameters fail the same way
 * again, so the studio does not offer "retry" for them (a busy background, an unreadable photo, a refused input).
 */
export const failsAgainCodes: ReadonlySet<string> = new Set([
  'SF_RENDER_BACKGROUND_TOO_BUSY', 'SF_RENDER_INPUT_UNREADABLE', 'SF_RENDER_TASK_INVALID', 'SF_RENDER_COMFY_PROMPT_INVALID',
  'SF_RENDER_COMFY_RECIPE_INVALID', 'SF_RENDER_REPLICATE_INPUT_INVALID', 'SF_RENDER_REPLICATE_REFUSED', 'SF_RENDER_REPLICATE_RECIPE_INVALID',
  'SF_CUTOUT_UNCERTAIN',
]);

/** Tasks that failed with the same code and message, as one line: "16 张均因…". */
export interface FailureGroup {
  code: string;
  message: string;
  /** 1-based variant numbers, in order. */
  variants: number[];
}

/** The failed tasks' errors, grouped by code and message, largest group first. */
export function groupFailures(tasks: readonly Pick<Task, 'index' | 'status' | 'error'>[]): FailureGroup[] {
  const groups = new Map<string, FailureGroup>();
  for (const task of tasks) {
    if (task.status !== 'failed' || !task.error) continue;
    const key = `${task.error.code}\n${task.error.message}`;
    const group = groups.get(key) ?? { code: task.error.code, message: task.error.message, variants: [] };
    group.variants.push(task.index + 1);
    groups.set(key, group);
  }
  return [...groups.values()].map((g) => ({ ...g, variants: g.variants.sort((a, b) => a - b) })).sort((a, b) => b.variants.length - a.variants.length);
}

/** Whether retrying could help: some failed task failed for a reason other than its input. */
export function worthRetrying(tasks: readonly Pick<Task, 'status' | 'error'>[]): boolean {
  return tasks.some((t) => t.status === 'failed' && !(t.error && failsAgainCodes.has(t.error.code)));
}
