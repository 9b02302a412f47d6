import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CostGroupBy } from '../schemas/cost-entry.ts';
import { groupKeyOf, rollUp, rollupToCsv, type RollupLine } from './rollup.ts';

const line = fc.record({
  taskId: fc.option(fc.constantFrom('t1', 't2', 't3', 't4'), { nil: null }),
  jobId: fc.option(fc.constantFrom('j1', 'j2'), { nil: null }),
  launchId: fc.option(fc.constantFrom('l1'), { nil: null }),
  sku: fc.option(fc.constantFrom('sku-a', 'sku-b'), { nil: null }),
  recipeId: fc.option(fc.constantFrom('product-shot/a', 'model-swap/b'), { nil: null }),
  backend: fc.constantFrom('local', 'comfyui', 'replicate'),
  server: fc.option(fc.constantFrom('gpu-1', 'gpu-2'), { nil: null }),
  kind: fc.constantFrom('gpu-seconds', 'cpu-seconds', 'api-call', 'idle', 'storage'),
  outcome: fc.option(fc.constantFrom('succeeded', 'failed', 'canceled'), { nil: null }),
  quantityMilli: fc.integer({ min: 0, max: 10 ** 9 }),
  amountMilliFen: fc.integer({ min: 0, max: 10 ** 12 }),
  images: fc.integer({ min: 0, max: 8 }),
  approved: fc.integer({ min: 0, max: 8 }),
  live: fc.integer({ min: 0, max: 8 }),
  occurredAt: fc.date({ min: new Date('2026-01-01T00:00:00Z'), max: new Date('2026-12-31T23:59:59Z'), noInvalidDate: true }),
}) satisfies fc.Arbitrary<RollupLine>;

describe('roll-ups', () => {
  it('every row equals the sum of its entries, and the total the sum of all, for random ledgers and every grouping', () => {
    fc.assert(fc.property(fc.array(line, { maxLength: 60 }), fc.constantFrom(...CostGroupBy.options), (lines, groupBy) => {
      const { rows, total } = rollUp(lines, groupBy);
      const sum = (ls: RollupLine[], f: (l: RollupLine) => number) => ls.reduce((a, l) => a + f(l), 0);
      expect(total.amount).toBe(sum(lines, (l) => l.amountMilliFen));
      expect(rows.reduce((a, r) => a + r.amount, 0)).toBe(total.amount);
      expect(new Set(rows.map((r) => r.key)).size).toBe(rows.length);
      for (const row of rows) {
        const mine = lines.filter((l) => groupKeyOf(l, groupBy) === row.key);
        expect(row.amount).toBe(sum(mine, (l) => l.amountMilliFen));
        expect(row.images).toBe(sum(mine, (l) => l.images));
        expect(row.idleAmount).toBe(sum(mine.filter((l) => l.kind === 'idle'), (l) => l.amountMilliFen));
        expect(row.tasks).toBe(mine.filter((l) => ['gpu-seconds', 'cpu-seconds', 'api-call'].includes(l.kind)).length);
        expect(Number.isInteger(row.amount)).toBe(true);
        if (row.perImage !== null) expect(Number.isInteger(row.perImage)).toBe(true);
      }
    }), { numRuns: 300 });
  });

  it('writes CSV with a header, one line per row and the total; formula-looking keys are defused', () => {
    const at = new Date('2026-03-01T10:00:00Z');
    const base: RollupLine = { taskId: 't', jobId: 'j', launchId: null, sku: '=HYPERLINK("x")', recipeId: 'r', backend: 'local', server: null, kind: 'cpu-seconds', outcome: 'succeeded', quantityMilli: 1000, amountMilliFen: 12, images: 2, approved: 1, live: 1, occurredAt: at };
    const { rows, total } = rollUp([base], 'sku');
    const csv = rollupToCsv(rows, total).split('\r\n');
    expect(csv[0]).toBe('key,tasks,failedTasks,gpuSeconds,idleAmount,amount,images,approved,live,perImage,perApprovedImage,perLiveImage');
    expect(csv[1]).toBe(`"'=HYPERLINK(""x"")",1,0,1,0,12,2,1,1,6,12,12`);
    expect(csv[2]).toBe('TOTAL,1,0,1,0,12,2,1,1,6,12,12');
  });
});
