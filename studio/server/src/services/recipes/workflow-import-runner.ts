import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { WorkflowImportError, type ImportWorkflowInput, type ImportWorkflowResult } from '@shotfarm/workflows/import';

/** Heap a single import may use; a workflow within the size caps needs a small fraction of it. */
const importHeapMb = 256;

// The worker runs TypeScript sources, as the API does: a small ESM bootstrap registers tsx's loader, then imports the
// worker module, whether the API runs under tsx or under vitest.
const tsxApi = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api').replace(/index\.cjs$/, 'index.mjs')).href;
const workerFile = new URL('./workflow-import-worker.ts', import.meta.url);
const bootstrap = new URL(`data:text/javascript,${encodeURIComponent(
  `import { register } from ${JSON.stringify(tsxApi)}; register(); await import(${JSON.stringify(workerFile.href)});`)}`);

/**
 * Import a workflow off the event loop, within a time budget: a 20 MB workflow froze the whole API for 10 s.
 * The worker thread is ended when the budget runs out (SF_WORKFLOW_TOO_COMPLEX) or its heap cap is hit
 * (SF_WORKFLOW_TOO_LARGE). Throws `WorkflowImportError` for every refusal, as `importWorkflow` does.
 */
export function importWorkflowOffThread(input: ImportWorkflowInput, timeBudgetMs: number): Promise<ImportWorkflowResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(bootstrap, {
      workerData: input, execArgv: [],
      resourceLimits: { maxOldGenerationSizeMb: importHeapMb, maxYoungGenerationSizeMb: 32 },
    });
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      fn();
      void worker.terminate();
    };
    const timer = setTimeout(() => settle(() => reject(new WorkflowImportError('SF_WORKFLOW_TOO_COMPLEX', `the import took longer than ${timeBudgetMs} ms`))), timeBudgetMs);
    worker.once('message', (m: { ok: true; result: ImportWorkflowResult } | { ok: false; code: string; message: string; missingClasses?: string[] }) => settle(() => {
      if (m.ok) resolve(m.result);
      else if (m.code === 'SF_INTERNAL') reject(new Error(m.message));
      else reject(Object.assign(new WorkflowImportError(m.code as WorkflowImportError['code'], m.message), m.missingClasses ? { missingClasses: m.missingClasses } : {}));
    }));
    worker.once('error', (e: Error & { code?: string }) => settle(() => reject(e.code === 'ERR_WORKER_OUT_OF_MEMORY'
      ? new WorkflowImportError('SF_WORKFLOW_TOO_LARGE', 'the workflow needs more memory to import than one import may use')
      : e)));
    worker.once('exit', (code) => settle(() => reject(new Error(`the import worker exited with code ${code}`))));
  });
}
