import { describe, expect, it } from 'vitest';
import { createI18n, type Translate } from '../../i18n/i18n.ts';
import { paramValueLabel } from './param-labels.ts';

describe('paramValueLabel', () => {
  const i18n = createI18n('zh-CN');
  const t: Translate = (key, values) => i18n.t(key, values ?? {});

  it('shows a number as typed, not its binary-float artefact', () => {
    expect(paramValueLabel(t, 'denoise', 0.8700000000000001)).toBe('0.87');
    expect(paramValueLabel(t, 'cfg', 7.5)).toBe('7.5');
    expect(paramValueLabel(t, 'seed', 280823642470253)).toBe('280823642470253');
  });

  it('names a known option in the page\'s language and leaves free text as it is', () => {
    expect(paramValueLabel(t, 'scene', 'solid')).toBe('纯色背景');
    expect(paramValueLabel(t, 'prompt', 'a vase')).toBe('a vase');
  });
});
