// The A/B rollout's maths: pure functions, no I/O, importable by the API and the simulator alike.
export * from './stats.ts';
export * from './allocation.ts';
export * from './srm.ts';
export * from './prior.ts';
export * from './decision.ts';
