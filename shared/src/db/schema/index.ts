export { jobs, tasks } from './jobs.ts';
export { assets } from './assets.ts';
export { jobEvents } from './job-events.ts';
export { costEntries, priceBooks } from './cost-entries.ts';
export { models, scores, assetReviews } from './scores.ts';
export { users, sessions, apiKeys, auditEvents } from './accounts.ts';
export { idempotencyKeys } from './idempotency-keys.ts';
export { experiments, experimentArms, experimentPeriods, experimentCounts, experimentFlushes, slotPointers, slotHistory } from './experiments.ts';
