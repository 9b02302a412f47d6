import { z } from 'zod';
import { Id } from './ids.ts';

/** Money is integer milli-fen (¥0.00001); floats never enter the ledger. */
export const MilliFen = z.int();
export type MilliFen = z.infer<typeof MilliFen>;
export const milliFenPerYuan = 100_000;

export const CostKind = z.enum(['gpu-seconds', 'cpu-seconds', 'api-call', 'storage']);
export type CostKind = z.infer<typeof CostKind>;

/** One line of the cost ledger: what a task spent, on which backend. */
export const CostEntry = z.object({
  id: Id,
  jobId: Id,
  taskId: Id.nullable(),
  backend: z.string(),
  kind: CostKind,
  /** Seconds of compute or a count of calls, in thousandths so the quantity is an integer too. */
  quantityMilli: z.int().nonnegative(),
  amountMilliFen: MilliFen,
  createdAt: z.iso.datetime(),
});
export type CostEntry = z.infer<typeof CostEntry>;
