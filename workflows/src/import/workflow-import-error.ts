/**
 * Why an import failed, with the code the API answers. Kept free of HTTP so the CLI and the route share it;
 * the route maps `code` to a 422.
 */
export type WorkflowImportErrorCode = 'SF_WORKFLOW_INVALID' | 'SF_WORKFLOW_NODES_UNKNOWN' | 'SF_WORKFLOW_TOO_LARGE' | 'SF_WORKFLOW_TOO_COMPLEX';

export class WorkflowImportError extends Error {
  readonly code: WorkflowImportErrorCode;

  constructor(code: WorkflowImportErrorCode, message: string) {
    super(message);
    this.name = 'WorkflowImportError';
    this.code = code;
  }
}

/** How to get a file we can always read: the editor's API export needs no node definitions. */
export const apiExportHint =
  'export the workflow with "Export (API)" in the ComfyUI menu (older editors: enable dev mode, then "Save (API format)") and import that file';

/** A UI-format workflow whose classes object_info does not define; the conversion needs every one of them. */
export class WorkflowNodesUnknownError extends WorkflowImportError {
  readonly missingClasses: string[];

  constructor(missingClasses: string[], haveObjectInfo: boolean) {
    const what = haveObjectInfo
      ? `the workflow uses node classes the ComfyUI server does not know: ${missingClasses.join(', ')}`
      : `no ComfyUI node definitions (object_info) are available to convert this UI-format workflow (classes: ${missingClasses.join(', ')})`;
    super('SF_WORKFLOW_NODES_UNKNOWN', `${what}; ${apiExportHint}`);
    this.name = 'WorkflowNodesUnknownError';
    this.missingClasses = missingClasses;
  }
}

export const invalidWorkflow = (message: string): WorkflowImportError => new WorkflowImportError('SF_WORKFLOW_INVALID', message);
/** The file, or text it embeds once inflated, is over the size cap (the route answers 413). */
export const workflowTooLarge = (message: string): WorkflowImportError => new WorkflowImportError('SF_WORKFLOW_TOO_LARGE', message);
/** Too many nodes, too deep, or too slow to import (the route answers 422). */
export const workflowTooComplex = (message: string): WorkflowImportError => new WorkflowImportError('SF_WORKFLOW_TOO_COMPLEX', message);
