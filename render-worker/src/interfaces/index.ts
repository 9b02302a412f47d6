export type { RenderBackend } from './render-backend.ts';
export type { RenderContext } from './render-context.ts';
