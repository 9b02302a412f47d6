import { describe, expect, it } from 'vitest';
import { runGateProfile } from './gate.ts';
import { taobaoMain } from './taobao-main.ts';
import { ruleOf, whiteShot } from '../../test/gate-input.ts';

const check = (input: Parameters<typeof whiteShot>[0], id: string) => ruleOf(runGateProfile(taobaoMain, whiteShot(input)).rules, id);

describe('taobao-main', () => {
  it('passes a clean 800×800 JPEG and reports all four rules', () => {
    const result = runGateProfile(taobaoMain, whiteShot());
    expect(result.pass).toBe(true);
    expect(result.rules.map((r) => r.id)).toEqual(['aspect-ratio', 'min-size', 'max-bytes', 'format']);
  });

  describe('aspect-ratio: 1:1 or 3:4, exactly', () => {
    it.each([[800, 800], [1200, 1200], [750, 1000], [900, 1200]])('passes %i×%i', (widthPx, heightPx) => {
      expect(check({ features: { widthPx, heightPx } }, 'aspect-ratio').pass).toBe(true);
    });
    it.each([[1000, 800], [801, 800], [800, 1000], [1000, 750]])('fails %i×%i', (widthPx, heightPx) => {
      const r = check({ features: { widthPx, heightPx } }, 'aspect-ratio');
      expect(r).toMatchObject({ pass: false, value: Math.round((widthPx / heightPx) * 1e4) / 1e4, threshold: '1:1 | 3:4' });
      expect(r.message.en).toContain(`${widthPx}×${heightPx}`);
    });
  });

  describe('min-size: 800×800 for a square, 750×1000 for 3:4', () => {
    it('passes 800×800 and 750×1000 at their own thresholds', () => {
      expect(check({ features: { widthPx: 800, heightPx: 800 } }, 'min-size')).toMatchObject({ pass: true, value: '800×800', threshold: '≥ 800×800', unit: 'px' });
      expect(check({ features: { widthPx: 750, heightPx: 1000 } }, 'min-size')).toMatchObject({ pass: true, value: '750×1000', threshold: '≥ 750×1000' });
    });
    it('fails a 799×799 square and a 720×960 3:4 image', () => {
      expect(check({ features: { widthPx: 799, heightPx: 799 } }, 'min-size')).toMatchObject({ pass: false, value: '799×799', threshold: '≥ 800×800' });
      expect(check({ features: { widthPx: 720, heightPx: 960 } }, 'min-size')).toMatchObject({ pass: false, threshold: '≥ 750×1000' });
    });
  });

  describe('max-bytes: 3 MB, read as 3 000 000 bytes (the stricter unit for an upper bound)', () => {
    it('passes exactly 3 000 000 bytes', () => {
      expect(check({ bytes: 3_000_000 }, 'max-bytes')).toMatchObject({ pass: true, value: 3_000_000, threshold: '≤ 3000000', unit: 'B' });
    });
    it('fails one byte more', () => {
      const r = check({ bytes: 3_000_001 }, 'max-bytes');
      expect(r.pass).toBe(false);
      expect(r.message['zh-CN']).toContain('超过');
    });
  });

  describe('format: JPEG or PNG', () => {
    it.each(['jpeg', 'png'] as const)('passes %s', (format) => {
      expect(check({ format }, 'format')).toMatchObject({ pass: true, value: format });
    });
    it.each(['webp', 'gif', 'heif'] as const)('fails %s', (format) => {
      expect(check({ format }, 'format')).toMatchObject({ pass: false, value: format, threshold: 'jpeg | png' });
    });
  });
});
