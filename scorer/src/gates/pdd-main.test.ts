import { describe, expect, it } from 'vitest';
import { runGateProfile } from './gate.ts';
import { pddMain } from './pdd-main.ts';
import { ruleOf, whiteShot } from '../../test/gate-input.ts';

const check = (input: Parameters<typeof whiteShot>[0], id: string) => ruleOf(runGateProfile(pddMain, whiteShot(input)).rules, id);

describe('pdd-main', () => {
  it('passes a 480×480 JPEG of 1 MB and reports three rules', () => {
    const result = runGateProfile(pddMain, whiteShot({ bytes: 1_000_000, features: { widthPx: 480, heightPx: 480 } }));
    expect(result.pass).toBe(true);
    expect(result.rules.map((r) => r.id)).toEqual(['aspect-ratio', 'min-side', 'max-bytes']);
  });

  it('aspect-ratio: square, exactly', () => {
    expect(check({ features: { widthPx: 600, heightPx: 600 } }, 'aspect-ratio')).toMatchObject({ pass: true, value: 1, threshold: '1:1' });
    expect(check({ features: { widthPx: 600, heightPx: 601 } }, 'aspect-ratio').pass).toBe(false);
    expect(check({ features: { widthPx: 750, heightPx: 1000 } }, 'aspect-ratio')).toMatchObject({ pass: false, value: 0.75 });
  });

  it('min-side: 480 px', () => {
    expect(check({ features: { widthPx: 480, heightPx: 480 } }, 'min-side')).toMatchObject({ pass: true, value: 480, threshold: '≥ 480', unit: 'px' });
    expect(check({ features: { widthPx: 479, heightPx: 479 } }, 'min-side')).toMatchObject({ pass: false, value: 479 });
  });

  it('max-bytes: 1 MB, read as 1 000 000 bytes', () => {
    expect(check({ bytes: 1_000_000 }, 'max-bytes').pass).toBe(true);
    expect(check({ bytes: 1_000_001 }, 'max-bytes')).toMatchObject({ pass: false, value: 1_000_001, threshold: '≤ 1000000' });
  });

  it('a 1×1 image and a zero-height one fail without NaN in the report', () => {
    const tiny = runGateProfile(pddMain, whiteShot({ features: { widthPx: 1, heightPx: 1 } }));
    expect(ruleOf(tiny.rules, 'min-side').pass).toBe(false);
    const empty = runGateProfile(pddMain, whiteShot({ features: { widthPx: 20, heightPx: 0 } }));
    expect(ruleOf(empty.rules, 'aspect-ratio')).toMatchObject({ pass: false, value: 'not measured' });
  });
});
