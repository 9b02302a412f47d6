import { describe, expect, it } from 'vitest';
import { TaskError, type RenderTask } from '@shotfarm/shared';
import { canonicalJson } from './create-prediction-once.ts';
import { OutputCopier } from './output-copier.ts';
import { isTerminal } from '@shotfarm/shared/replicate';
import { neverSent, ReplicateCallError, retryAfterMsOf } from './replicate-call-error.ts';
import { buildModelInput, type ReplicateRecipe } from './replicate-recipe.ts';

describe('retryAfterMsOf (protocol §4.2)', () => {
  it('reads Retry-After seconds, then an HTTP date, then the ~Ns hint in detail', () => {
    expect(retryAfterMsOf(new Headers({ 'retry-after': '2' }), undefined)).toBe(2000);
    expect(retryAfterMsOf(new Headers({ 'retry-after': new Date(10_000).toUTCString() }), undefined, 4000)).toBe(6000);
    expect(retryAfterMsOf(new Headers(), { detail: 'Request was throttled. Your rate limit resets in ~10s.' })).toBe(10_000);
    expect(retryAfterMsOf(new Headers(), { detail: 'slow down' })).toBeUndefined();
  });
});

describe('ReplicateCallError', () => {
  it('calls 429, 5xx and unsent calls transient, but not 422 or a lost answer', () => {
    const http = (status: number) => new ReplicateCallError('x', { kind: 'http', status, retryAfterMs: undefined, body: undefined, text: '' });
    expect([429, 500, 503].map((s) => http(s).transient)).toEqual([true, true, true]);
    expect(http(422).transient).toBe(false);
    expect(new ReplicateCallError('x', { kind: 'unsent' }).transient).toBe(true);
    expect(new ReplicateCallError('x', { kind: 'lost' }).transient).toBe(false);
  });
  it('knows a refused connection was never sent, and a reset may have been', () => {
    expect(neverSent(new TypeError('fetch failed', { cause: Object.assign(new Error('x'), { code: 'ECONNREFUSED' }) }))).toBe(true);
    expect(neverSent(new TypeError('fetch failed', { cause: Object.assign(new Error('x'), { code: 'UND_ERR_SOCKET' }) }))).toBe(false);
  });
});

describe('canonicalJson', () => {
  it('ignores key order, keeps array order', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, 1], c: null } })).toBe(canonicalJson({ a: { c: null, d: [2, 1] }, b: 1 }));
    expect(canonicalJson({ a: [1, 2] })).not.toBe(canonicalJson({ a: [2, 1] }));
  });
});

describe('OutputCopier', () => {
  const copier = new OutputCopier({ apiOrigin: 'http://127.0.0.1:9', maxOutputBytes: 10, requestTimeoutMs: 10, retry: { attempts: 1, baseMs: 1, maxMs: 1 } });
  it('takes one URL or a list of them, nothing else', () => {
    expect(OutputCopier.urlsOf('https://replicate.delivery/a.png')).toEqual(['https://replicate.delivery/a.png']);
    expect(OutputCopier.urlsOf(['u1', 'u2'])).toEqual(['u1', 'u2']);
    for (const bad of [null, [], {}, ['u', 3], 'hello'.length]) expect(() => OutputCopier.urlsOf(bad)).toThrow(TaskError);
  });
  it('fetches only from replicate.delivery over https, the API origin and data: URIs', () => {
    const ok = (u: string) => copier.allowed(new URL(u));
    expect(ok('https://replicate.delivery/xezq/a/out-0.webp')).toBe(true);
    expect(ok('https://pbxt.replicate.delivery/a.png')).toBe(true);
    expect(ok('http://127.0.0.1:9/delivery/a.png')).toBe(true);
    expect(ok('data:image/png;base64,AAAA')).toBe(true);
    expect(ok('http://replicate.delivery/a.png')).toBe(false);
    expect(ok('https://replicate.delivery.evil.example/a.png')).toBe(false);
    expect(ok('http://169.254.169.254/latest/meta-data')).toBe(false);
  });
});

describe('buildModelInput', () => {
  const recipe: ReplicateRecipe = {
    block: { model: 'o/n', fields: { garment: 'garm_img', prompt: 'garment_des', seed: 'seed', steps: 'steps' }, fixedInput: { category: 'upper_body' } },
    seedInputs: new Set(['seed']), outputKind: 'image',
  };
  const task = { seed: 7, params: { prompt: 'red', steps: null } } as unknown as RenderTask;
  it('maps images, parameters and the seed, keeps fixed input, and omits null parameters (Cog refuses null)', () => {
    expect(buildModelInput(recipe, task, new Map([['garment', 'https://api/files/1']]))).toEqual({ category: 'upper_body', garm_img: 'https://api/files/1', garment_des: 'red', seed: 7 });
  });
});

describe('isTerminal', () => {
  it('counts aborted as terminal (the npm client does not, and polls forever)', () => {
    expect(['succeeded', 'failed', 'canceled', 'aborted'].every((s) => isTerminal(s as never))).toBe(true);
    expect(isTerminal('starting') || isTerminal('processing')).toBe(false);
  });
});
