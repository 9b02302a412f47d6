import { parentPort, workerData } from 'node:worker_threads';
import { importWorkflow, WorkflowImportError, type ImportWorkflowInput } from '@shotfarm/workflows/import';

/**
 * Runs one workflow import in a worker thread (see workflow-import-runner.ts): parsing and walking a big graph
 * happens here, so the API's event loop keeps answering while it runs.
 */
const input = workerData as ImportWorkflowInput & { file?: Uint8Array };
try {
  const result = importWorkflow({ ...input, file: input.file ? Buffer.from(input.file.buffer, input.file.byteOffset, input.file.byteLength) : undefined });
  parentPort!.postMessage({ ok: true, result });
} catch (e) {
  if (e instanceof WorkflowImportError) {
    // The classes a UI file needs that no server defines cross the thread too: the studio lists them for the designer.
    const missingClasses = (e as { missingClasses?: string[] }).missingClasses;
    parentPort!.postMessage({ ok: false, code: e.code, message: e.message, ...(missingClasses && { missingClasses }) });
  }
  else parentPort!.postMessage({ ok: false, code: 'SF_INTERNAL', message: e instanceof Error ? e.message : String(e) });
}
