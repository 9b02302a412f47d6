/**
 * Turns the signals a process receives into at most two decisions: drain, then (only on a later, separate signal)
 * force. Ctrl-C on `npm start` delivers SIGINT twice within milliseconds — the terminal signals the whole process
 * group and npm forwards its own copy — so signals within `coalesceMs` of the first count as one. Once a drain has
 * begun, a signal after that window forces the exit.
 */
export interface ShutdownSignalsOptions {
  /** @defaultValue 1000 */
  coalesceMs?: number;
  drain: (signal: NodeJS.Signals) => void;
  force: (signal: NodeJS.Signals) => void;
  /** Told when a duplicate signal is ignored. */
  ignored?: (signal: NodeJS.Signals) => void;
  now?: () => number;
}

export function shutdownSignals(opts: ShutdownSignalsOptions): (signal: NodeJS.Signals) => void {
  const coalesceMs = opts.coalesceMs ?? 1000;
  const now = opts.now ?? Date.now;
  let firstAt: number | undefined;
  let forced = false;
  return (signal) => {
    const t = now();
    if (firstAt === undefined) {
      firstAt = t;
      opts.drain(signal);
    } else if (t - firstAt < coalesceMs) {
      opts.ignored?.(signal);
    } else if (!forced) {
      forced = true;
      opts.force(signal);
    }
  };
}
