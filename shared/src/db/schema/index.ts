export { jobs, tasks } from './jobs.ts';
export { assets } from './assets.ts';
export { jobEvents } from './job-events.ts';
export { costEntries } from './cost-entries.ts';
export { models, scores, assetReviews } from './scores.ts';
