import { describe, expect, it } from 'vitest';
import { TaskError } from '@shotfarm/shared';
import { ComfyFailure, type ComfyFailureKind } from '@shotfarm/shared/comfyui';
import { ComfyServerPool, type ComfyBlocklistChange, type ComfyServerPoolOptions } from './comfy-server-pool.ts';

// The blocklist rules alone, with a clock the test moves: no server is ever contacted (the pool is never
// started; servers are marked healthy by hand and have no capabilities read, which the pool accepts).
const recipeId = 'model-swap/catvton';
const blocklistMs = 30 * 60_000;

/** What one server does with one task: succeed, fail this way, or settle when the test says so. */
type Outcome = 'ok' | ComfyFailureKind | Promise<string>;

function poolOf(names: string[], opts: Partial<ComfyServerPoolOptions> = {}) {
  const clock = { ms: 0 };
  const changes: ComfyBlocklistChange[] = [];
  const pool = new ComfyServerPool({
    servers: names.map((name, i) => ({ url: `http://gpu-${i}.invalid:8188`, name, gpu: undefined, fenPerHour: 0 })),
    blocklistMs, waitForServerMs: 50, now: () => clock.ms, onBlocklistChange: (c) => changes.push(c), ...opts,
  });
  for (const s of pool.servers) s.healthy = true;
  const server = (name: string) => pool.servers.find((s) => s.name === name)!;
  return { pool, clock, changes, server };
}

/** Runs one task; `outcomes[name]` is what that server does with it (unnamed servers succeed). */
async function task(pool: ComfyServerPool, outcomes: Record<string, Outcome> = {}, recipe = recipeId): Promise<{ ran: string[]; error: TaskError | undefined }> {
  const ran: string[] = [];
  const error = await pool.run({
    recipeId: recipe, requirements: { nodeClasses: [], models: [] }, signal: new AbortController().signal,
    attempt: (s) => {
      ran.push(s.name);
      const o = outcomes[s.name] ?? 'ok';
      if (o === 'ok') return Promise.resolve(s.name);
      if (typeof o !== 'string') return o;
      return Promise.reject(new ComfyFailure(o, `${o} on ${s.name}`));
    },
  }).then(() => undefined, (e: unknown) => {
    expect(e).toBeInstanceOf(TaskError);
    return e as TaskError;
  });
  return { ran, error };
}

function deferred(): { promise: Promise<string>; resolve: () => void; reject: (kind: ComfyFailureKind) => void } {
  let resolve!: () => void;
  let reject!: (kind: ComfyFailureKind) => void;
  const promise = new Promise<string>((res, rej) => {
    resolve = () => res('late');
    reject = (kind) => rej(new ComfyFailure(kind, `${kind}, late`));
  });
  return { promise, resolve, reject };
}

const blocklisted = (server: string, failures: number): ComfyBlocklistChange =>
  ({ server, url: expect.any(String) as string, recipeId, failures, blocklisted: true });
const lifted = (server: string): ComfyBlocklistChange =>
  ({ server, url: expect.any(String) as string, recipeId, failures: 0, blocklisted: false });

describe('ComfyServerPool blocklisting', () => {
  it('counts failures in a row: a success of the recipe there resets the streak', async () => {
    const { pool, changes, server } = poolOf(['a', 'b']);
    for (const o of ['execution', 'oom', 'ok', 'lost', 'stalled'] as const) {
      expect((await task(pool, { a: o })).ran[0]).toBe('a');
      server('a').healthy = true; // lost/stalled take it out of rotation; this test is about the count
    }
    expect(server('a').failuresOf(recipeId)).toBe(2);
    expect(changes).toEqual([]);
    expect((await task(pool)).ran).toEqual(['a']);
    expect(server('a').failuresOf(recipeId)).toBe(0);
  });

  it('blocklists after three in a row, tells onBlocklistChange once, and says how long is left', async () => {
    const { pool, clock, changes } = poolOf(['a', 'b']);
    for (let i = 0; i < 3; i++) expect((await task(pool, { a: 'execution' })).ran).toEqual(['a', 'b']);
    expect(changes).toEqual([blocklisted('a', 3)]);
    expect((await task(pool)).ran).toEqual(['b']);
    expect(changes).toHaveLength(1);

    clock.ms = 10 * 60_000;
    const { error } = await task(pool, { b: 'execution' });
    expect(error?.code).toBe('SF_RENDER_COMFY_NO_SERVER');
    expect(error?.message).toContain(`a: blocklisted for ${recipeId} (1200 s left)`);
  });

  it('neither counts nor resets on rejected prompts and cancellations', async () => {
    const { pool, changes, server } = poolOf(['a', 'b']);
    await task(pool, { a: 'execution' });
    await task(pool, { a: 'execution' });
    expect((await task(pool, { a: 'rejected' })).error?.code).toBe('SF_RENDER_COMFY_PROMPT_INVALID');
    expect((await task(pool, { a: 'canceled' })).error?.code).toBe('SF_RENDER_CANCELED');
    expect(server('a').failuresOf(recipeId)).toBe(2);
    await task(pool, { a: 'execution' });
    expect(changes).toEqual([blocklisted('a', 3)]);
  });

  it('lifts a blocklisting after blocklistMs, on the next pick, and the server starts clean', async () => {
    const { pool, clock, changes, server } = poolOf(['a', 'b']);
    for (let i = 0; i < 3; i++) await task(pool, { a: 'execution' });
    clock.ms = blocklistMs - 1;
    expect((await task(pool)).ran).toEqual(['b']);
    expect(changes).toEqual([blocklisted('a', 3)]);

    clock.ms = blocklistMs;
    expect((await task(pool)).ran).toEqual(['a']);
    expect(changes).toEqual([blocklisted('a', 3), lifted('a')]);
    // Clean: one more failure is one, not four.
    await task(pool, { a: 'execution' });
    expect(server('a').failuresOf(recipeId)).toBe(1);
    expect(changes).toHaveLength(2);
  });

  it('times the blocklisting from when it began: a late failure of a task already there reports, but does not extend it', async () => {
    const { pool, clock, changes } = poolOf(['a'], { slotsPerServer: 2 });
    const late = deferred();
    const running = task(pool, { a: late.promise });
    for (let i = 0; i < 3; i++) expect((await task(pool, { a: 'execution' })).error?.code).toBe('SF_RENDER_COMFY_NO_SERVER');
    clock.ms = 60_000;
    late.reject('execution');
    expect((await running).error?.code).toBe('SF_RENDER_COMFY_NO_SERVER');
    expect(changes).toEqual([blocklisted('a', 3), blocklisted('a', 4)]);

    clock.ms = blocklistMs;
    expect((await task(pool)).ran).toEqual(['a']);
    expect(changes.at(-1)).toEqual(lifted('a'));
  });

  it('lifts the blocklisting early when a task already running there succeeds', async () => {
    const { pool, changes } = poolOf(['a'], { slotsPerServer: 2 });
    const late = deferred();
    const running = task(pool, { a: late.promise });
    for (let i = 0; i < 3; i++) await task(pool, { a: 'execution' });
    expect((await task(pool)).error?.message).toContain('a: blocklisted');
    late.resolve();
    expect((await running).error).toBeUndefined();
    expect(changes).toEqual([blocklisted('a', 3), lifted('a')]);
    expect((await task(pool)).ran).toEqual(['a']);
  });

  it('keeps each recipe and each server apart', async () => {
    const { pool, server } = poolOf(['a', 'b']);
    for (let i = 0; i < 3; i++) await task(pool, { a: 'execution' });
    expect((await task(pool, {}, 'product-shot/relight')).ran).toEqual(['a']);
    expect(server('a').blocklistings()).toEqual([[recipeId, 0]]);
    expect(server('b').blocklistings()).toEqual([]);
  });
});

describe('ComfyServerPool with a chosen server (a designer\'s trial run)', () => {
  const pinned = (pool: ComfyServerPool, onlyServer: string, outcomes: Record<string, Outcome> = {}) => {
    const ran: string[] = [];
    return pool.run({
      recipeId, requirements: { nodeClasses: [], models: [] }, signal: new AbortController().signal, onlyServer,
      attempt: (s) => {
        ran.push(s.name);
        const o = outcomes[s.name] ?? 'ok';
        return o === 'ok' ? Promise.resolve(s.name) : Promise.reject(new ComfyFailure(o as ComfyFailureKind, `${String(o)} on ${s.name}`));
      },
    }).then(() => ({ ran, error: undefined }), (e: unknown) => ({ ran, error: e as TaskError }));
  };

  it('runs only there, even when another server is less busy', async () => {
    const { pool, server } = poolOf(['a', 'b']);
    server('b').busy = 0;
    server('a').busy = 0;
    for (let i = 0; i < 3; i++) expect((await pinned(pool, 'b')).ran).toEqual(['b']);
  });

  it('never moves a failed trial to another server, and says the others were not chosen', async () => {
    const { pool } = poolOf(['a', 'b']);
    const { ran, error } = await pinned(pool, 'b', { b: 'execution' });
    expect(ran).toEqual(['b']);
    expect(error?.code).toBe('SF_RENDER_COMFY_NO_SERVER');
    expect(error?.message).toMatch(/a: not the chosen server/);
  });
});
