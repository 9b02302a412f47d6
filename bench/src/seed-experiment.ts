import { newId } from '@shotfarm/shared';
import { tables, type Database } from '@shotfarm/shared/db';
import type { BenchApi } from './bench-farm.ts';

/**
 * A running experiment on `sku`'s main slot over four output rows (no image bytes: the storefront serves their URLs,
 * never their pixels), for the benchmarks that load `/serve` and `/events`.
 */
export async function seedExperiment(database: Database, api: BenchApi, sku: string): Promise<{ experimentId: string; arms: string[] }> {
  const arms: string[] = [];
  for (let i = 0; i < 4; i++) {
    const id = newId();
    await database.db.insert(tables.assets).values({ id, kind: 'output', mime: 'image/png', width: 800, height: 800, bytes: 1000, sha256: id.replaceAll('-', ''), key: `bench/${id}.png` });
    arms.push(id);
  }
  const created = await api.inject({ method: 'POST', url: '/api/experiments', payload: { sku, slot: 'main', arms } });
  if (created.statusCode !== 201) throw new Error(`experiment: ${created.statusCode} ${created.body}`);
  return { experimentId: (created.json() as { id: string }).id, arms };
}
