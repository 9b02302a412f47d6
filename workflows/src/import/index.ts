export * from './convert-ui-to-api.ts';
export * from './detect-bindings.ts';
export * from './extract-workflow-from-image.ts';
export * from './import-workflow.ts';
export * from './object-info.ts';
export * from './ui-workflow.ts';
export * from './workflow-import-error.ts';
