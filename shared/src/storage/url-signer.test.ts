import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { stableExpiryS, UrlSigner } from './url-signer.ts';

const secret = 'test-secret-of-32-bytes-exactly!';
const signer = new UrlSigner(secret);
const key = 'outputs/j/t/abc.png';
const exp = 1_900_000_000;

describe('UrlSigner', () => {
  it('signs with HMAC-SHA256 over the key and expiry, as lowercase hex', () => {
    const expected = createHmac('sha256', secret).update(`${key}\n${exp}`).digest('hex');
    expect(signer.sign(key, exp)).toBe(expected);
    expect(signer.sign(key, exp)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('verifies its own signature until the expiry second', () => {
    const sig = signer.sign(key, exp);
    expect(signer.verify(key, exp, sig, exp - 1)).toBe(true);
    expect(signer.verify(key, exp, sig, exp)).toBe(false);
    expect(signer.verify(key, exp, sig, exp + 1)).toBe(false);
  });

  it('uses the real clock when no time is given', () => {
    const nowS = Math.floor(Date.now() / 1000);
    expect(signer.verify(key, nowS + 60, signer.sign(key, nowS + 60))).toBe(true);
    expect(signer.verify(key, nowS - 1, signer.sign(key, nowS - 1))).toBe(false);
  });

  it('refuses a signature made for another key, another expiry or another secret', () => {
    const sig = signer.sign(key, exp);
    const now = exp - 100;
    expect(signer.verify('outputs/j/t/abd.png', exp, sig, now)).toBe(false);
    expect(signer.verify(key, exp + 1, sig, now)).toBe(false);
    expect(new UrlSigner('another-secret-of-enough-bytes').verify(key, exp, sig, now)).toBe(false);
  });

  it('refuses a signature with one character changed', () => {
    const sig = signer.sign(key, exp);
    const flipped = sig.slice(0, 10) + (sig[10] === '0' ? '1' : '0') + sig.slice(11);
    expect(signer.verify(key, exp, flipped, exp - 1)).toBe(false);
  });

  it.each([
    ['empty', ''],
    ['odd length', 'abc'],
    ['not hex', 'z'.repeat(64)],
    ['uppercase', 'A'.repeat(64)],
    ['too long', 'a'.repeat(66)],
    ['too short', 'a'.repeat(62)],
    ['valid prefix with junk', `${'a'.repeat(64)}zz`],
  ])('answers false, without throwing, for a %s signature', (_name, sig) => {
    expect(signer.verify(key, exp, sig, exp - 1)).toBe(false);
  });

  it('answers false for a non-integer or negative expiry', () => {
    const sig = signer.sign(key, exp);
    for (const bad of [Number.NaN, exp + 0.5, -1, Number.POSITIVE_INFINITY]) {
      expect(signer.verify(key, bad, sig, 0)).toBe(false);
    }
  });

  it('refuses to sign a bad expiry', () => {
    expect(() => signer.sign(key, Number.NaN)).toThrow(RangeError);
    expect(() => signer.sign(key, -5)).toThrow(RangeError);
  });

  it('refuses a short secret', () => {
    expect(() => new UrlSigner('short')).toThrow(RangeError);
    expect(() => new UrlSigner(Buffer.alloc(16, 1))).not.toThrow();
  });
});

describe('stableExpiryS', () => {
  it('gives one expiry for a quarter of the TTL, so URLs signed seconds apart are the same string', () => {
    expect(stableExpiryS(1_000_000, 3600)).toBe(stableExpiryS(1_000_005, 3600));
    expect(stableExpiryS(1_000_000, 3600) % 900).toBe(0);
  });

  it('moves on after a quarter and always leaves at least the TTL', () => {
    for (const now of [1_000_000, 1_000_899, 1_000_900, 1_003_599]) {
      const exp = stableExpiryS(now, 3600);
      expect(exp - now).toBeGreaterThanOrEqual(3600);
      expect(exp - now).toBeLessThan(3600 + 900);
    }
    expect(stableExpiryS(1_000_000, 3600)).not.toBe(stableExpiryS(1_000_000 + 900, 3600));
  });
});
