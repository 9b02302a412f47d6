import { describe, expect, it } from 'vitest';
import { formatFailure, parseFailure } from './task-failure.ts';

describe('task failure reasons', () => {
  it('round-trips a code and a multi-line message', () => {
    expect(parseFailure(formatFailure('SF_RENDER_BACKGROUND_TOO_BUSY', 'border spread 41 > 30\nsecond line'))).toEqual({ code: 'SF_RENDER_BACKGROUND_TOO_BUSY', message: 'border spread 41 > 30\nsecond line' });
  });
  it('maps anything else, including unknown codes, to SF_RENDER_FAILED', () => {
    expect(parseFailure('ECONNRESET').code).toBe('SF_RENDER_FAILED');
    expect(parseFailure('SF_MADE_UP: x')).toEqual({ code: 'SF_RENDER_FAILED', message: 'SF_MADE_UP: x' });
    expect(parseFailure(undefined).code).toBe('SF_RENDER_FAILED');
  });
});
