import { describe, expect, it } from 'vitest';
import { ErrorCodes } from '@shotfarm/shared';
// The API's own list of HTTP failures: a code made there must be one the web app can name.
import * as serverErrors from '../../../server/src/errors.ts';
import { ApiRequestError } from '../api/client.ts';
import { describeCode, describeError } from './error-message.ts';
import { translate, type Language, type Translate } from './i18n.ts';

const tIn = (language: Language): Translate => (key, values) => translate(language, key, values);
const zh = tIn('zh-CN');
const en = tIn('en');
const serverSays = 'the server’s own words';
const cjk = /[\u4e00-\u9fff]/;

/** Every code `studio/server/src/errors.ts` makes, read off instances of its exported constructors. */
function serverErrorCodes(): string[] {
  return Object.values(serverErrors).flatMap((e) => (e === serverErrors.withDetails ? [] : [new (e as unknown as new () => { code: string })().code]));
}

describe('localised error messages', () => {
  it('knows every code the server makes in errors.ts', () => {
    const codes = serverErrorCodes();
    expect(codes.length).toBeGreaterThan(20);
    const known = new Set<string>(Object.values(ErrorCodes));
    const missing = codes.filter((c) => !known.has(c));
    expect(missing, `add ${missing.join(', ')} to shared/src/errors/codes.ts (and a case in error-message.ts)`).toEqual([]);
  });

  it.each(Object.values(ErrorCodes))('%s has its own zh-CN and en message, with the server’s message kept', (code) => {
    const inZh = describeCode(code, serverSays, zh);
    const inEn = describeCode(code, serverSays, en);
    for (const d of [inZh, inEn]) {
      expect(d.message).not.toBe(serverSays);
      expect(d.message).not.toContain(code); // i18next answers the key itself when a dictionary lacks it
      expect(d.message).not.toContain('{{'); // nothing left unfilled
      expect(d).toMatchObject({ code, serverMessage: serverSays, fields: [] });
    }
    expect(inZh.message).toMatch(cjk);
    expect(inEn.message).not.toMatch(cjk);
  });

  it('names the backends a recipe needs and those the farm runs, from the 422’s details', () => {
    const error = new ApiRequestError({ status: 422, code: 'SF_BACKEND_REQUIRED', message: serverSays,
      details: { field: 'recipe', backends: ['comfyui', 'replicate'], configured: ['local'] } });
    expect(describeError(error, en).message).toBe('This farm does not run the backend this recipe needs (it runs local). Jobs of this type render on comfyui, replicate; ask the administrator to enable one.');
    expect(describeError(error, zh).message).toContain('正在运行：local');
    expect(describeError(error, zh).message).toContain('comfyui, replicate');
  });

  it('names the sweep field at fault', () => {
    const error = new ApiRequestError({ status: 422, code: 'SF_JOB_SWEEP_INVALID', message: 'sweep[1].param: repeated', details: { field: 'sweep[1].param' } });
    expect(describeError(error, zh).message).toBe('参数扫描设置有误（sweep[1].param），请检查要扫描的参数和取值。');
    expect(describeError(error, en).message).toContain('(sweep[1].param)');
  });

  it.each([
    ['no details', undefined],
    ['details that are not an object', 'comfyui'],
    ['backends that are not strings', { backends: [1, 2], configured: ['local'] }],
    ['an empty list', { backends: [], configured: ['local'] }],
    ['a field that is not a string', { field: 42, backends: 'comfyui' }],
  ])('falls back to the plain message for %s', (_, details) => {
    for (const code of ['SF_BACKEND_REQUIRED', 'SF_JOB_SWEEP_INVALID'] as const) {
      const message = describeError(new ApiRequestError({ status: 422, code, message: serverSays, details }), en).message;
      expect(message).toBe(describeCode(code, serverSays, en).message);
      expect(message).not.toContain('{{');
    }
  });

  it('shows the server’s message for a code this bundle does not know yet', () => {
    expect(describeCode('SF_FROM_THE_FUTURE', serverSays, zh)).toEqual({ message: serverSays, code: 'SF_FROM_THE_FUTURE', fields: [], serverMessage: null });
  });
});
