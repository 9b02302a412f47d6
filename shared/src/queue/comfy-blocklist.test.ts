import { describe, expect, it } from 'vitest';
import { liveComfyBlocklistRecord } from './comfy-blocklist.ts';

const now = Date.parse('2026-03-01T10:00:00Z');
const record = { worker: 'host-1:101', server: 'gpu-a', url: 'http://10.0.0.5:8188', recipeId: 'model-swap/catvton', failures: 3,
  since: '2026-03-01T09:00:00.000Z', expiresAt: '2026-03-01T10:00:30.000Z' };

describe('liveComfyBlocklistRecord', () => {
  it('reads a well-formed record until its expiry', () => {
    expect(liveComfyBlocklistRecord(JSON.stringify(record), now)).toEqual(record);
    expect(liveComfyBlocklistRecord(JSON.stringify(record), Date.parse(record.expiresAt))).toBeUndefined();
  });

  it.each([
    ['not JSON', '{oops'],
    ['JSON null', 'null'],
    ['a number', '42'],
    ['no expiry', JSON.stringify({ ...record, expiresAt: undefined })],
    ['an expiry that is no date', JSON.stringify({ ...record, expiresAt: 'soon' })],
    ['zero failures', JSON.stringify({ ...record, failures: 0 })],
    ['an empty recipe id', JSON.stringify({ ...record, recipeId: '' })],
  ])('ignores %s', (_, value) => {
    expect(liveComfyBlocklistRecord(value, now)).toBeUndefined();
  });
});
