/** Every Redis key of the A/B rollout, made in one place (as BullMQ's QueueKeys does for queues). */
export class ExperimentKeys {
  constructor(private readonly prefix: string) {}
  /** Hash: `sku/slot` → the slot's serving state (JSON), read by every API replica. */
  get slots(): string { return `${this.prefix}:xp:slots`; }
  /** Pub/sub channel: a slot's serving state changed (message: `sku/slot`). */
  get changed(): string { return `${this.prefix}:xp:changed`; }
  /** Lock held by the one replica that flushes counters and updates allocations this round. */
  get updateLock(): string { return `${this.prefix}:xp:update-lock`; }
  /** Set of flush keys renamed but not yet committed to the database (finished after a crash). */
  get flushing(): string { return `${this.prefix}:xp:flushing`; }
  /** Hash of counters not yet flushed: `period:a|i|c:position` → count. */
  counters(experimentId: string): string { return `${this.prefix}:xp:cnt:${experimentId}`; }
  flushKey(experimentId: string, token: string): string { return `${this.prefix}:xp:flush:${experimentId}:${token}`; }
  /** A visitor's sticky arm (position) in one experiment, with a TTL. */
  sticky(experimentId: string, visitor: string): string { return `${this.prefix}:xp:sticky:${experimentId}:${visitor}`; }
  /** An event id already counted (dedup), with a TTL longer than the late-event window. */
  event(eventId: string): string { return `${this.prefix}:xp:ev:${eventId}`; }
  static slotField(sku: string, slot: string): string { return `${sku}/${slot}`; }
}

/** A counters-hash field: the period, the kind (assignment, impression, click) and the arm position. */
export function counterField(period: number, kind: 'a' | 'i' | 'c', position: number): string {
  return `${period}:${kind}:${position}`;
}

/**
 * A per-day counters-hash field (issue 17): `d:<UTC day>:<period>:<i|c>:<position>`, incremented beside the
 * period field in the same Lua call, so the learning loop's daily training rows add up to the experiment's counts.
 */
export function dailyCounterField(day: string, period: number, kind: 'i' | 'c', position: number): string {
  return `d:${day}:${period}:${kind}:${position}`;
}

export function parseDailyCounterField(field: string): { day: string; period: number; kind: 'i' | 'c'; position: number } | undefined {
  const m = /^d:(\d{4}-\d{2}-\d{2}):(\d+):([ic]):(\d+)$/.exec(field);
  return m ? { day: m[1]!, period: Number(m[2]), kind: m[3] as 'i' | 'c', position: Number(m[4]) } : undefined;
}

/** The UTC day (YYYY-MM-DD) of a time, as daily counters and training rows name it. */
export function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

export function parseCounterField(field: string): { period: number; kind: 'a' | 'i' | 'c'; position: number } | undefined {
  const m = /^(\d+):([aic]):(\d+)$/.exec(field);
  return m ? { period: Number(m[1]), kind: m[2] as 'a' | 'i' | 'c', position: Number(m[3]) } : undefined;
}
