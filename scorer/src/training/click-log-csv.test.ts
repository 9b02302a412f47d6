import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { ClickSimulator } from '../sim/click-simulator.ts';
import { readClickLogCsv, writeClickLogCsv } from './click-log-csv.ts';

describe('click-log CSV', () => {
  it('reads back exactly what it wrote', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'shotfarm-clicks-'));
    onTestFinished(() => rm(dir, { recursive: true, force: true }));
    const dataset = new ClickSimulator({ productCount: 12, days: 3 }).dataset();
    await writeClickLogCsv(dataset, dir);
    const back = await readClickLogCsv(dir);
    expect(back.featureNames).toEqual(dataset.featureNames);
    expect(back.description).toBe(dataset.description);
    expect(back.rows.map((r) => ({ ...r, features: [...r.features] }))).toEqual(dataset.rows.map((r) => ({ ...r, features: [...r.features] })));
  });
});
