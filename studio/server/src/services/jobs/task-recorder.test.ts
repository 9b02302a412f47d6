import { describe, expect, it } from 'vitest';
import { deriveJobStatus } from './task-recorder.ts';

describe('deriveJobStatus', () => {
  it.each([
    [[], 'queued'],
    [['queued', 'queued'], 'queued'],
    [['queued', 'running'], 'running'],
    [['succeeded', 'queued'], 'running'],
    [['succeeded', 'succeeded'], 'succeeded'],
    [['succeeded', 'failed'], 'failed'],
    [['failed', 'running'], 'running'],
    [['canceled', 'canceled'], 'canceled'],
  ] as const)('%j → %s', (statuses, expected) => {
    expect(deriveJobStatus(statuses)).toBe(expected);
  });
});
