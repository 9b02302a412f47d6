import type { ErrorCode } from './codes.ts';

/**
 * A failure with a stable code, safe to cross a process or queue boundary: workers throw it,
 * the manager records `code` and `message` on the task. `retryable: false` tells the worker to
 * fail the task now (BullMQ's UnrecoverableError) instead of spending its remaining attempts.
 */
export class TaskError extends Error {
  readonly code: ErrorCode;
  readonly retryable: boolean;
  constructor(code: ErrorCode, message: string, opts: { retryable?: boolean; cause?: unknown } = {}) {
    super(message, { cause: opts.cause });
    this.name = 'TaskError';
    this.code = code;
    this.retryable = opts.retryable ?? false;
  }
}
