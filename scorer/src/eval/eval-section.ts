/** What one part of `pnpm eval:scorer` reports. */
export interface EvalSectionResult {
  /** Printed as they are, under the section's title. */
  lines: string[];
  /** False when a target the issue sets is missed; the command then exits 1. */
  pass: boolean;
}

/** One part of `pnpm eval:scorer` (CTR model, quality degradations, …): a title and a run that prints nothing itself. */
export interface EvalSection {
  title: string;
  run(): Promise<EvalSectionResult>;
}
