import type { CostGroupBy, CostRollupRow } from '../schemas/cost-entry.ts';
import { perUnit } from './money.ts';

/** A ledger line as the roll-up reads it, with what its attempt bought (approved and live counts of its outputs). */
export interface RollupLine {
  taskId: string | null;
  jobId: string | null;
  launchId: string | null;
  sku: string | null;
  recipeId: string | null;
  backend: string;
  server: string | null;
  kind: string;
  outcome: string | null;
  quantityMilli: number;
  amountMilliFen: number;
  images: number;
  approved: number;
  live: number;
  occurredAt: Date;
}

const attemptKinds = new Set(['gpu-seconds', 'cpu-seconds', 'api-call']);

/** The group a line falls in; null for lines that have none (idle time no image absorbed has no job). */
export function groupKeyOf(line: RollupLine, groupBy: CostGroupBy): string | null {
  switch (groupBy) {
    case 'task': return line.taskId;
    case 'job': return line.jobId;
    case 'launch': return line.launchId;
    case 'sku': return line.sku;
    case 'recipe': return line.recipeId;
    case 'backend': return line.backend;
    case 'server': return line.server;
    case 'day': return line.occurredAt.toISOString().slice(0, 10);
  }
}

function emptyRow(key: string | null): CostRollupRow {
  return { key, tasks: 0, failedTasks: 0, gpuSeconds: 0, idleAmount: 0, amount: 0, images: 0, approved: 0, live: 0, perImage: null, perApprovedImage: null, perLiveImage: null };
}

interface Acc { row: CostRollupRow; busyMilli: number }

function add(acc: Acc, line: RollupLine): void {
  const r = acc.row;
  r.amount += line.amountMilliFen;
  if (line.kind === 'idle') r.idleAmount += line.amountMilliFen;
  if (attemptKinds.has(line.kind)) {
    r.tasks += 1;
    if (line.outcome === 'failed') r.failedTasks += 1;
    if (line.kind !== 'api-call') acc.busyMilli += line.quantityMilli;
  }
  r.images += line.images;
  r.approved += line.approved;
  r.live += line.live;
}

function finish(acc: Acc): CostRollupRow {
  const r = acc.row;
  // Busy time is display only (seconds with three decimals); money stays in integer milli-fen.
  r.gpuSeconds = acc.busyMilli / 1000;
  r.perImage = perUnit(r.amount, r.images);
  r.perApprovedImage = perUnit(r.amount, r.approved);
  r.perLiveImage = perUnit(r.amount, r.live);
  return r;
}

/**
 * Sum ledger lines by a key: every row is the sum of its lines and the total the sum of every line, so
 * nothing is counted twice or lost (a property test holds it to that). Rows sort by amount, largest first.
 */
export function rollUp(lines: readonly RollupLine[], groupBy: CostGroupBy): { rows: CostRollupRow[]; total: CostRollupRow } {
  const groups = new Map<string | null, Acc>();
  const total: Acc = { row: emptyRow(null), busyMilli: 0 };
  for (const line of lines) {
    const key = groupKeyOf(line, groupBy);
    let acc = groups.get(key);
    if (!acc) groups.set(key, (acc = { row: emptyRow(key), busyMilli: 0 }));
    add(acc, line);
    add(total, line);
  }
  const rows = [...groups.values()].map(finish)
    .sort((a, b) => b.amount - a.amount || String(a.key).localeCompare(String(b.key)));
  return { rows, total: finish(total) };
}

const csvColumns = ['key', 'tasks', 'failedTasks', 'gpuSeconds', 'idleAmount', 'amount', 'images', 'approved', 'live', 'perImage', 'perApprovedImage', 'perLiveImage'] as const;

/** RFC 4180 CSV of a roll-up (amounts in milli-fen), with the total as the last line. */
export function rollupToCsv(rows: readonly CostRollupRow[], total: CostRollupRow): string {
  const cell = (v: unknown): string => {
    const s = v === null || v === undefined ? '' : String(v);
    // A leading =, +, - or @ would run as a formula in a spreadsheet: quote-prefix it.
    const safe = /^[=+\-@]/.test(s) && !/^-?\d/.test(s) ? `'${s}` : s;
    return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
  };
  const lines = [csvColumns.join(',')];
  for (const r of rows) lines.push(csvColumns.map((c) => cell(r[c])).join(','));
  lines.push(csvColumns.map((c) => cell(c === 'key' ? 'TOTAL' : total[c])).join(','));
  return `${lines.join('\r\n')}\r\n`;
}
