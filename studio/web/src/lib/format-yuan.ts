/** Milli-fen per yuan: the ledger's integer unit is ¥0.00001 (shared's `milliFenPerYuan`, not imported to keep zod out of the bundle). */
const milliFenPerYuan = 100_000;

/**
 * 2500 → "¥0.025": enough digits that a per-image price of a fraction of a fen is not shown as ¥0.00, and no
 * more than a person reads. Amounts stay integers until this one division for display.
 */
export function formatYuan(milliFen: number): string {
  const yuan = milliFen / milliFenPerYuan;
  if (yuan === 0) return '¥0';
  // Below a fen, every milli-fen is shown (¥0.00037): rounding there made a total of three ¥0.00037 read as
  // 3 × ¥0.0004 = ¥0.0011 on the launch preview.
  const digits = yuan >= 1 ? 2 : yuan >= 0.01 ? 3 : 5;
  return `¥${yuan.toFixed(digits)}`;
}
