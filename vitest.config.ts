import { defineConfig } from 'vitest/config';

// Two projects: `unit` needs no servers (but renders images and runs ONNX: minutes, see the README); `int` starts real Redis, PGlite,
// an S3 server, worker processes and ffmpeg. `npm test` runs both; `vitest --project unit` is the fast loop.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          // Projects with different worker limits must sit in different groups (vitest 4); unit runs first.
          sequence: { groupOrder: 0 },
          include: ['{shared,workflows,render-worker,scorer,studio,bench}/**/*.test.ts', 'scripts/*.test.ts'],
          exclude: ['**/node_modules/**', '**/*.int.test.ts', '**/*.e2e.test.ts'],
        },
      },
      {
        test: {
          // The studio's React components, in jsdom; each test file sets up its own i18next instance.
          name: 'web',
          sequence: { groupOrder: 0 },
          include: ['studio/web/**/*.test.tsx'],
          exclude: ['**/node_modules/**'],
          environment: 'jsdom',
          setupFiles: ['studio/web/test/setup.ts'],
        },
      },
      {
        test: {
          name: 'int',
          sequence: { groupOrder: 1 },
          include: ['{shared,workflows,render-worker,scorer,studio,bench}/**/*.{int,e2e}.test.ts'],
          exclude: ['**/node_modules/**'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          // These start servers and worker processes on a shared 2-core machine, where a busy neighbour can starve a
          // lock renewal or a poll: a failed test runs once more, and fails the suite only if it fails twice (a real
          // regression fails both times). The summary marks a test that needed its retry, so flakiness stays visible.
          retry: 1,
          // Each file starts its own redis-server and data folders; two at a time fits CI's two cores.
          maxWorkers: 2,
        },
      },
    ],
  },
});
