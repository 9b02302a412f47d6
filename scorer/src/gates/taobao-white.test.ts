import { describe, expect, it } from 'vitest';
import { runGateProfile } from './gate.ts';
import { taobaoWhite } from './taobao-white.ts';
import { ruleOf, whiteShot } from '../../test/gate-input.ts';

const check = (input: Parameters<typeof whiteShot>[0], id: string) => ruleOf(runGateProfile(taobaoWhite, whiteShot(input)).rules, id);
const box = (score: number, widthPx = 40, heightPx = 12) => ({ leftPx: 10, topPx: 10, widthPx, heightPx, score });

describe('taobao-white', () => {
  it('passes a clean white-background packshot and reports every rule', () => {
    const result = runGateProfile(taobaoWhite, whiteShot());
    expect(result.rules.filter((r) => !r.pass)).toEqual([]);
    expect(result.pass).toBe(true);
    expect(result.rules.map((r) => r.id)).toEqual(
      ['dimensions', 'format', 'bytes-range', 'white-border', 'single-subject', 'centred', 'subject-size', 'text-area', 'text-boxes']);
  });

  it('dimensions: exactly 800×800', () => {
    expect(check({}, 'dimensions')).toMatchObject({ pass: true, value: '800×800', threshold: '= 800×800' });
    expect(check({ features: { widthPx: 1000, heightPx: 1000 } }, 'dimensions')).toMatchObject({ pass: false, value: '1000×1000' });
    expect(check({ features: { widthPx: 800, heightPx: 801 } }, 'dimensions').pass).toBe(false);
  });

  it('format: JPEG only', () => {
    expect(check({ format: 'jpeg' }, 'format').pass).toBe(true);
    expect(check({ format: 'png' }, 'format')).toMatchObject({ pass: false, value: 'png', threshold: 'jpeg' });
  });

  it('bytes-range: 38 KB (38 912 B, binary: stricter for a lower bound) to 300 KB (300 000 B, decimal)', () => {
    expect(check({ bytes: 38_912 }, 'bytes-range')).toMatchObject({ pass: true, threshold: '38912–300000', unit: 'B' });
    expect(check({ bytes: 38_911 }, 'bytes-range').pass).toBe(false);
    expect(check({ bytes: 300_000 }, 'bytes-range').pass).toBe(true);
    expect(check({ bytes: 300_001 }, 'bytes-range')).toMatchObject({ pass: false, value: 300_001 });
  });

  it('white-border: at least 98% of border pixels exactly (255,255,255)', () => {
    expect(check({ features: { borderPureWhiteRatio: 0.98 } }, 'white-border')).toMatchObject({ pass: true, value: 0.98, threshold: '≥ 0.98' });
    const off = check({ features: { borderPureWhiteRatio: 0.9, borderWhiteRatio: 1 } }, 'white-border');
    expect(off).toMatchObject({ pass: false, value: 0.9 });
    expect(off.message.en).toContain('90%');
  });

  it('single-subject: one product region, found', () => {
    expect(check({}, 'single-subject')).toMatchObject({ pass: true, value: 1, threshold: '= 1' });
    expect(check({ features: { subjectCount: 2 } }, 'single-subject')).toMatchObject({ pass: false, value: 2 });
    const none = check({ features: { productFound: 0, subjectCount: 0 } }, 'single-subject');
    expect(none).toMatchObject({ pass: false, value: 0 });
    expect(none.message.en).toContain('no subject');
  });

  it('centred: centroid offset at most 0.1 of the half-diagonal', () => {
    expect(check({ features: { centroidOffset: 0.1 } }, 'centred')).toMatchObject({ pass: true, value: 0.1, threshold: '≤ 0.1' });
    expect(check({ features: { centroidOffset: 0.25 } }, 'centred')).toMatchObject({ pass: false, value: 0.25 });
    // With no product the extractor's offset means nothing: never a pass.
    expect(check({ features: { productFound: 0, centroidOffset: 0 } }, 'centred').pass).toBe(false);
  });

  it('subject-size: the product bbox at least 300×300 in original pixels', () => {
    expect(check({ features: { bboxWidthPx: 300, bboxHeightPx: 300 } }, 'subject-size')).toMatchObject({ pass: true, value: '300×300', threshold: '≥ 300×300' });
    expect(check({ features: { bboxWidthPx: 299, bboxHeightPx: 500 } }, 'subject-size')).toMatchObject({ pass: false, value: '299×500' });
    expect(check({ features: { bboxWidthPx: 500, bboxHeightPx: 250 } }, 'subject-size').pass).toBe(false);
    expect(check({ features: { productFound: 0, bboxWidthPx: 800, bboxHeightPx: 800 } }, 'subject-size')).toMatchObject({ pass: false, value: '0×0' });
  });

  it('text-area: the text boxes cover at most 0.5% of the frame', () => {
    expect(check({ text: { boxes: [], textAreaRatio: 0 } }, 'text-area')).toMatchObject({ pass: true, value: 0, threshold: '≤ 0.005' });
    expect(check({ text: { boxes: [box(0.65)], textAreaRatio: 0.005 } }, 'text-area').pass).toBe(true);
    expect(check({ text: { boxes: [box(0.65, 400, 100)], textAreaRatio: 0.0625 } }, 'text-area')).toMatchObject({ pass: false, value: 0.0625 });
  });

  it('text-boxes: no box the detector scores 0.7 or more, however small', () => {
    expect(check({ text: { boxes: [box(0.65)], textAreaRatio: 0.001 } }, 'text-boxes')).toMatchObject({ pass: true, value: 0 });
    const watermark = check({ text: { boxes: [box(0.7), box(0.95)], textAreaRatio: 0.002 } }, 'text-boxes');
    expect(watermark).toMatchObject({ pass: false, value: 2, threshold: '= 0 with score ≥ 0.7' });
    expect(watermark.message['zh-CN']).toContain('2');
  });

  it('fails, and says "not measured", when a feature it needs is NaN', () => {
    const r = check({ features: { borderPureWhiteRatio: Number.NaN } }, 'white-border');
    expect(r).toMatchObject({ pass: false, value: 'not measured' });
    expect(check({ features: { centroidOffset: Number.NaN } }, 'centred').pass).toBe(false);
  });
});
