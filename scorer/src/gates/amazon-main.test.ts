import { describe, expect, it } from 'vitest';
import { amazonMain } from './amazon-main.ts';
import { runGateProfile } from './gate.ts';
import { amazonShot, ruleOf, whiteShot } from '../../test/gate-input.ts';

const check = (input: Parameters<typeof amazonShot>[0], id: string) => ruleOf(runGateProfile(amazonMain, amazonShot(input)).rules, id);

describe('amazon-main', () => {
  it('passes a 1000×1000 packshot on pure white that fills 90% of the frame', () => {
    const result = runGateProfile(amazonMain, amazonShot());
    expect(result.pass).toBe(true);
    expect(result.rules.map((r) => r.id)).toEqual(['white-background', 'product-fill', 'longest-side', 'text-area', 'text-boxes']);
  });

  it('fails the 800 px Taobao packshot on size and fill only', () => {
    const result = runGateProfile(amazonMain, whiteShot());
    expect(result.pass).toBe(false);
    expect(result.rules.filter((r) => !r.pass).map((r) => r.id)).toEqual(['product-fill', 'longest-side']);
  });

  it('white-background: RGB 255,255,255 on at least 98% of the border; near-white does not count', () => {
    expect(check({ features: { borderPureWhiteRatio: 1 } }, 'white-background')).toMatchObject({ pass: true, value: 1, threshold: '≥ 0.98' });
    // A background of 250–254 everywhere: white to the eye, and to borderWhiteRatio, but not to Amazon.
    expect(check({ features: { borderPureWhiteRatio: 0, borderWhiteRatio: 1 } }, 'white-background')).toMatchObject({ pass: false, value: 0 });
    expect(check({ features: { borderPureWhiteRatio: 0.97 } }, 'white-background').pass).toBe(false);
  });

  it('product-fill: the product spans at least 85% of the frame (bboxFill)', () => {
    expect(check({ features: { bboxFill: 0.85 } }, 'product-fill')).toMatchObject({ pass: true, value: 0.85, threshold: '≥ 0.85' });
    expect(check({ features: { bboxFill: 0.84 } }, 'product-fill')).toMatchObject({ pass: false, value: 0.84 });
    expect(check({ features: { productFound: 0, bboxFill: 1 } }, 'product-fill')).toMatchObject({ pass: false, value: 0 });
  });

  it('longest-side: at least 1000 px, either orientation', () => {
    expect(check({ features: { widthPx: 1000, heightPx: 600 } }, 'longest-side')).toMatchObject({ pass: true, value: 1000, threshold: '≥ 1000', unit: 'px' });
    expect(check({ features: { widthPx: 600, heightPx: 1500 } }, 'longest-side').pass).toBe(true);
    expect(check({ features: { widthPx: 999, heightPx: 999 } }, 'longest-side')).toMatchObject({ pass: false, value: 999 });
  });

  it('text-area and text-boxes: no text, logo or watermark', () => {
    const clean = { text: { boxes: [], textAreaRatio: 0 } };
    expect(check(clean, 'text-area').pass).toBe(true);
    expect(check(clean, 'text-boxes').pass).toBe(true);
    const logo = { text: { boxes: [{ leftPx: 900, topPx: 950, widthPx: 80, heightPx: 30, score: 0.92 }], textAreaRatio: 0.0024 } };
    expect(check(logo, 'text-area').pass).toBe(true); // small …
    expect(check(logo, 'text-boxes')).toMatchObject({ pass: false, value: 1 }); // … but clear
    expect(check({ text: { boxes: [], textAreaRatio: 0.02 } }, 'text-area')).toMatchObject({ pass: false, value: 0.02 });
  });
});
