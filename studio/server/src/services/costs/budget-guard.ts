import { asc, desc, eq, inArray } from 'drizzle-orm';
import { dailyCapMilliFen, remainingOf, tasksThatFit } from '@shotfarm/shared/costs';
import { tables, type Db } from '@shotfarm/shared/db';
import { BudgetExceededError, withDetails } from '../../errors.ts';
import type { TaskEnqueuer } from '../jobs/task-enqueuer.ts';
import type { TaskRecorder } from '../jobs/task-recorder.ts';
import type { CostLedger } from './cost-ledger.ts';
import type { PriceBookStore } from './price-book-store.ts';

export interface BudgetGuardDeps {
  db: Db;
  ledger: CostLedger;
  prices: PriceBookStore;
  recorder: TaskRecorder;
  enqueuer: TaskEnqueuer;
  log: { error: (o: object, msg: string) => void };
}

/**
 * Budgets that stop spend. Before dispatch: a job whose estimate is more than what is left of its own budget or of
 * today's organisation-wide cap is refused (402). While it runs: after every charged attempt, the queued tasks that
 * no longer fit (spent + running tasks' expected cost) are taken off the queue and marked `skipped_budget`.
 */
export class BudgetGuard {
  #gating = new Map<string, Promise<void>>();

  constructor(private readonly deps: BudgetGuardDeps) {}

  /** The daily cap in force and what is left of it today; both null without a cap. */
  async daily(now = new Date()): Promise<{ cap: number | null; spent: number; remaining: number | null }> {
    const cap = dailyCapMilliFen(this.deps.prices.current.content, this.deps.ledger.overrides);
    const spent = await this.deps.ledger.spentOnDay(now);
    return { cap, spent, remaining: remainingOf(cap, spent) };
  }

  /** Refuse a job that cannot fit: 402 SF_BUDGET_EXCEEDED with `{estimate, remaining, cap, scope}`. */
  async checkSubmission(estimate: number | null, budget: number | null): Promise<void> {
    if (estimate === null) return;
    if (budget !== null && estimate > budget) {
      throw withDetails(new BudgetExceededError(`the job is expected to cost ${estimate} milli-fen, more than its budget of ${budget}`),
        { estimate, remaining: budget, cap: budget, scope: 'job' });
    }
    const day = await this.daily();
    if (day.remaining !== null && estimate > day.remaining) {
      throw withDetails(new BudgetExceededError(`the job is expected to cost ${estimate} milli-fen, more than the ${day.remaining} left of today's cap of ${day.cap}`),
        { estimate, remaining: day.remaining, cap: day.cap, scope: 'day' });
    }
  }

  /** Run the gate for a job after one of its attempts was charged; concurrent calls for a job share one pass. */
  afterAttempt(jobId: string): Promise<void> {
    const running = this.#gating.get(jobId);
    if (running) return running.then(() => this.afterAttempt(jobId));
    const pass = this.#gate(jobId).catch((err: unknown) => this.deps.log.error({ err, jobId }, 'budget gate failed'))
      .finally(() => this.#gating.delete(jobId));
    this.#gating.set(jobId, pass);
    return pass;
  }

  /** Wait for every gate pass in flight (before the database closes). */
  async settle(): Promise<void> {
    while (this.#gating.size > 0) await Promise.all([...this.#gating.values()]);
  }

  async #gate(jobId: string): Promise<void> {
    const { db } = this.deps;
    const [job] = await db.select({ budget: tables.jobs.budgetMilliFen, estimate: tables.jobs.estimateMilliFen }).from(tables.jobs).where(eq(tables.jobs.id, jobId));
    if (!job) return;
    const tasks = await db.select({ id: tables.tasks.id, status: tables.tasks.status }).from(tables.tasks).where(eq(tables.tasks.jobId, jobId)).orderBy(asc(tables.tasks.index));
    const perTaskEstimate = job.estimate !== null && tasks.length > 0 ? Math.ceil(job.estimate / tasks.length) : 0;
    if (job.budget !== null) {
      const queued = tasks.filter((t) => t.status === 'queued');
      if (queued.length > 0) {
        const perTask = Math.max(perTaskEstimate, await this.deps.ledger.dearestAttempt(jobId));
        const fit = tasksThatFit({
          capMilliFen: job.budget, spentMilliFen: await this.deps.ledger.spentByJob(jobId),
          runningTasks: tasks.filter((t) => t.status === 'running').length, perTaskMilliFen: perTask, queuedTasks: queued.length,
        });
        // The later tasks go first, so the designer gets the first variants they asked for.
        await this.#skip(jobId, queued.slice(fit).map((t) => t.id));
      }
    }
    await this.#gateDay(perTaskEstimate);
  }

  /** The organisation's cap: once today's spend and the running tasks leave no room, the newest jobs' queued tasks are skipped. */
  async #gateDay(perTaskHint: number): Promise<void> {
    const day = await this.daily();
    if (day.cap === null) return;
    const { db } = this.deps;
    const open = await db.select({ id: tables.tasks.id, jobId: tables.tasks.jobId, status: tables.tasks.status, estimate: tables.jobs.estimateMilliFen })
      .from(tables.tasks).innerJoin(tables.jobs, eq(tables.tasks.jobId, tables.jobs.id))
      .where(inArray(tables.tasks.status, ['queued', 'running'])).orderBy(desc(tables.jobs.priority), asc(tables.jobs.id), asc(tables.tasks.index));
    const queued = open.filter((t) => t.status === 'queued');
    if (queued.length === 0) return;
    const fit = tasksThatFit({ capMilliFen: day.cap, spentMilliFen: day.spent, runningTasks: open.length - queued.length, perTaskMilliFen: perTaskHint, queuedTasks: queued.length });
    const byJob = new Map<string, string[]>();
    for (const t of queued.slice(fit)) byJob.set(t.jobId, [...(byJob.get(t.jobId) ?? []), t.id]);
    for (const [jobId, ids] of byJob) await this.#skip(jobId, ids);
  }

  /** Queue first, then the database, and only for tasks the queue gave up: a task a worker already holds runs and is charged. */
  async #skip(jobId: string, taskIds: string[]): Promise<void> {
    const removed: string[] = [];
    for (const taskId of taskIds) {
      const job = await this.deps.enqueuer.findRenderJob(taskId);
      if (!job) { removed.push(taskId); continue; }
      try {
        const state = await job.getState();
        if (state === 'active' || state === 'completed' || state === 'failed') continue;
        await job.remove();
        removed.push(taskId);
      } catch {
        // Locked by a worker: it is running, so it will be charged; leave it.
      }
    }
    await this.deps.recorder.skipForBudget(jobId, removed);
  }
}

