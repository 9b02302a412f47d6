import { createRequire } from 'node:module';
import type * as OpenCvModule from '@techstark/opencv-js';

/** OpenCV's JavaScript/WASM build (`@techstark/opencv-js`, a maintained npm build of opencv.js, with GrabCut). */
export type OpenCv = typeof OpenCvModule;

let loading: Promise<OpenCv> | null = null;

/**
 * Loads OpenCV once per process (about 0.4 s: the WASM module is compiled on first use) and resolves when its
 * runtime is ready. Later calls share the same instance.
 */
export function loadOpenCv(): Promise<OpenCv> {
  loading ??= new Promise<OpenCv>((resolve, reject) => {
    try {
      // The build is a UMD script (CommonJS on Node): required, not imported, so its global set-up runs as written.
      const cv = createRequire(import.meta.url)('@techstark/opencv-js') as OpenCv & { onRuntimeInitialized?: () => void; then?: unknown };
      // Emscripten's module object is a thenable: once ready, its `then` goes, or every promise that resolves to
      // it would adopt it (and call it) instead of returning it.
      const ready = (): void => { delete cv.then; resolve(cv); };
      if (typeof (cv as { Mat?: unknown }).Mat === 'function') ready();
      else cv.onRuntimeInitialized = ready;
    } catch (cause) {
      reject(cause instanceof Error ? cause : new Error(String(cause)));
    }
  });
  return loading;
}
