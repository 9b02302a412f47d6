import { describe, expect, it } from 'vitest';
import type { EvalSection } from './eval-section.ts';
import { evalSections, runEvalScorer } from './eval-scorer.ts';

describe('runEvalScorer', () => {
  it('prints every section under its title and fails when one misses its target', async () => {
    const sections: EvalSection[] = [
      { title: 'first', run: async () => ({ lines: ['one'], pass: true }) },
      { title: 'second', run: async () => ({ lines: ['two'], pass: false }) },
    ];
    let out = '';
    expect(await runEvalScorer(sections, (s) => { out += s; })).toBe(false);
    expect(out).toMatch(/== first \(\d+\.\d s\) ==\none\n/);
    expect(out).toMatch(/== second .*==\ntwo\n/);
    expect(out).toMatch(/eval:scorer FAIL\n$/);
  });

  it('includes the degradation and CTR sections', () => {
    const titles = evalSections.map((s) => s.title);
    expect(titles).toContain('Quality score vs synthetic degradations (fixture photos)');
    expect(titles).toContain('CTR model: within-product ranking');
  });
});
