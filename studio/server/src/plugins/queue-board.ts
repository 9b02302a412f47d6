import fp from 'fastify-plugin';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import { declareScopeAccess } from './route-access.ts';

/** Where admins find the queue UI. */
export const queueBoardPath = '/admin/queues';

/**
 * Bull Board, the maintained BullMQ UI, for admins at /admin/queues: every queue's jobs by state, their data, logs and
 * errors. Read-only: retries and cleaning go through the API (job retry, cancel), which keeps the database in step.
 */
export const queueBoardPlugin = fp(async (app) => {
  const serverAdapter = new FastifyAdapter();
  serverAdapter.setBasePath(queueBoardPath);
  const queues = [app.queues.jobs, app.queues.render, app.queues.score];
  createBullBoard({
    queues: queues.map((q) => new BullMQAdapter(q, { readOnlyMode: true })),
    serverAdapter,
    options: { uiConfig: { boardTitle: 'Shotfarm queues' } },
  });
  // The board's scope has its own error handler: answer refusals (401/403 from the access check) and failures in the
  // API's `{ code, message }` shape, as every other route does.
  serverAdapter.setErrorHandler((thrown: Error) => {
    const error = thrown as Error & { code?: string; statusCode?: number };
    const status = error.statusCode ?? 500;
    const code = typeof error.code === 'string' && error.code.startsWith('SF_') ? error.code : status < 500 ? 'SF_REQUEST_INVALID' : 'SF_INTERNAL';
    if (status >= 500) app.log.error({ err: error }, 'queue board failed');
    // Bull Board types its error bodies as its own translation keys; ours is the API's `{ code, message }`.
    return { status, body: { code, message: status >= 500 && !error.code?.startsWith('SF_') ? 'internal error' : error.message } } as unknown as ReturnType<Parameters<FastifyAdapter['setErrorHandler']>[0]>;
  });
  await app.register(async (scope) => {
    declareScopeAccess(scope, 'admin');
    await scope.register(serverAdapter.registerPlugin(), { prefix: queueBoardPath });
  });
}, { name: 'shotfarm-queue-board', fastify: '5.x', dependencies: ['shotfarm-queue', 'shotfarm-route-access'] });
