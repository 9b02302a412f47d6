export * from './render-task.ts';
export * from './render-result.ts';
export * from './render-progress.ts';
export * from './task-failure.ts';
export * from './score-task.ts';
export * from './train-task.ts';
