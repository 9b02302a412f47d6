// This file runs in Node at build time and never reaches the browser, which is what the web lint rule guards.
// eslint-disable-next-line no-restricted-imports
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/** The API in development (`pnpm start`); the studio talks to it through the dev server's proxy. */
const apiOrigin = 'http://localhost:3000';
const proxiedPrefixes = ['/api', '/files', '/docs', '/healthz', '/readyz'];

const proxy = Object.fromEntries(proxiedPrefixes.map((prefix) => [prefix, { target: apiOrigin }]));
const webRoot = fileURLToPath(new URL('.', import.meta.url));

// Run from studio/ (`pnpm build:web`); the API serves web/dist at `/` (server/src/plugins/web.ts).
export default defineConfig({
  root: webRoot,
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true },
  // SSE goes through this proxy too: http-proxy streams the response as it arrives.
  server: { proxy },
  preview: { proxy },
});
