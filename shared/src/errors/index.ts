export { ErrorCodes, type ErrorCode } from './codes.ts';
export { TaskError } from './task-error.ts';
