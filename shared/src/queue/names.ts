/**
 * Every BullMQ queue and Redis channel name in one place. Plain words; the prefix keeps Shotfarm's keys
 * apart from anything else in a shared Redis. BullMQ refuses `:` in queue names.
 */
export const queueNames = {
  /** Flow parents: one per job; the manager finalises the job when every child is done. */
  jobs: 'jobs',
  /** Flow children: one render task per variant; render workers consume it. */
  render: 'render',
  /** Score tasks: one per stored image (uploads and outputs); scorer workers consume it. */
  score: 'score',
  /** Train tasks (issue 17): retrain the CTR model on exported rows; scorer hosts consume it. */
  train: 'train',
  /** The manager's own retraining runs (export rows, train, compare, promote); on demand or on MODEL_RETRAIN_CRON. */
  modelRetrain: 'model-retrain',
} as const;
export type QueueName = (typeof queueNames)[keyof typeof queueNames];

export const defaultQueuePrefix = 'shotfarm';

/** Pub/sub channel on which the manager asks workers to abort running tasks (payload: a task id). */
export const cancelChannel = (prefix: string): string => `${prefix}:cancel`;

/**
 * Redis key marking a task canceled (value `1`, expiring after {@link canceledTaskTtlS}). Set by the manager before it
 * removes or aborts the task; a render worker checks it before it starts a task and before it hands back outputs, so a
 * task enqueued again by a race (the reconciler, a retry) or picked up between the removal and the abort never renders.
 */
export const canceledTaskKey = (prefix: string, taskId: string): string => `${prefix}:canceled:${taskId}`;
/** Longer than any task stays queued. */
export const canceledTaskTtlS = 7 * 24 * 3600;

/** Redis key holding the active model's pointer (an `ActiveModelPointer` as JSON), per model name. */
export const activeModelKey = (prefix: string, name: string): string => `${prefix}:models:${name}:active`;
/** Redis key of the shadow model's pointer (issue 17): a candidate that scores every image beside the active one. */
export const shadowModelKey = (prefix: string, name: string): string => `${prefix}:models:${name}:shadow`;

/**
 * Redis hash of the ComfyUI blocklist: which render worker stopped sending which recipe to which server.
 * One field per (worker, server, recipe), each a `ComfyBlocklistRecord` as JSON; workers write, the farm page reads.
 */
export const comfyBlocklistKey = (prefix: string): string => `${prefix}:comfyui:blocklist`;
