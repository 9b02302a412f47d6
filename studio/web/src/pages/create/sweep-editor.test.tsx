import { useState } from 'react';
import { fireEvent, render, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { ParamField } from '../../components/param-form/param-fields.ts';
import { createI18n, I18nProvider, type Language } from '../../i18n/i18n.ts';
import type { SweepAxisDraft } from './sweep-draft.ts';
import { SweepEditor } from './sweep-editor.tsx';

const fields: ParamField[] = [
  { kind: 'select', name: 'scene', required: false, options: ['solid', 'gradient', 'studio-sweep'], default: 'auto' },
  { kind: 'slider', name: 'marginPct', required: false, integer: true, min: 0, max: 40, step: 1, default: 8 },
  { kind: 'text', name: 'prompt', required: false, multiline: true, default: undefined },
];

/** The editor with its state held the way the Create page holds it; `last` reads what it would submit. */
function Harness({ variants, seen }: { variants: number; seen: { drafts: SweepAxisDraft[] | null } }) {
  const [drafts, setDrafts] = useState<SweepAxisDraft[] | null>(null);
  seen.drafts = drafts;
  return <SweepEditor fields={fields} drafts={drafts} variants={variants} onChange={setDrafts} />;
}

const inLanguage = (language: Language, ui: React.ReactNode) => render(<I18nProvider instance={createI18n(language)}>{ui}</I18nProvider>);

describe('SweepEditor', () => {
  it('turns a sweep on over the first sweepable parameter, adds a second axis and counts the images', () => {
    const seen = { drafts: null as SweepAxisDraft[] | null };
    inLanguage('en', <Harness variants={2} seen={seen} />);
    expect(screen.queryByTestId('sweep-axis')).toBeNull();
    fireEvent.click(screen.getByTestId('sweep-toggle'));
    expect(seen.drafts).toEqual([{ param: 'scene', kind: 'options', values: ['solid', 'gradient', 'studio-sweep'] }]);
    expect(screen.getByTestId('sweep-summary').textContent).toBe('3 combinations × 2 each = 6 images');
    fireEvent.click(screen.getByTestId('sweep-add'));
    expect(seen.drafts?.[1]).toEqual({ param: 'marginPct', kind: 'range', from: 0, to: 40, count: 3 });
    expect(screen.getByTestId('sweep-summary').textContent).toBe('9 combinations × 2 each = 18 images');
    // Two axes is the most; texts are never offered.
    expect(screen.queryByTestId('sweep-add')).toBeNull();
    fireEvent.change(within(screen.getAllByTestId('sweep-axis')[1]!).getByTestId('sweep-count'), { target: { value: '5' } });
    expect(seen.drafts?.[1]).toMatchObject({ count: 5 });
    expect(screen.getByTestId('sweep-summary').textContent).toBe('15 combinations × 2 each = 30 images');
  });

  it('says in zh-CN when the grid is bigger than one job may be, and turns off again', () => {
    const seen = { drafts: null as SweepAxisDraft[] | null };
    inLanguage('zh-CN', <Harness variants={16} seen={seen} />);
    fireEvent.click(screen.getByTestId('sweep-toggle'));
    fireEvent.click(screen.getByTestId('sweep-add'));
    expect(screen.getByTestId('sweep-summary').textContent).toBe('共 144 张，超过单个任务上限 64 张：减少取值或生成数量');
    expect(screen.getByTestId('sweep-summary').getAttribute('role')).toBe('alert');
    fireEvent.click(screen.getByTestId('sweep-toggle'));
    expect(seen.drafts).toBeNull();
  });

  it('marks an out-of-range value on its axis', () => {
    const seen = { drafts: null as SweepAxisDraft[] | null };
    inLanguage('en', <Harness variants={1} seen={seen} />);
    fireEvent.click(screen.getByTestId('sweep-toggle'));
    fireEvent.click(screen.getByTestId('sweep-add'));
    const axis = screen.getAllByTestId('sweep-axis')[1]!;
    // antd clamps typed values to min/max on blur; mid-typing the draft can still be out of range.
    fireEvent.change(within(axis).getByTestId('sweep-to'), { target: { value: '' } });
    expect(within(axis).getByRole('alert').textContent).toBe('Required');
  });

  it('draws nothing for a recipe with no parameter to sweep', () => {
    const { container } = inLanguage('en', <SweepEditor fields={[fields[2]!]} drafts={null} variants={1} onChange={() => {}} />);
    expect(container.textContent).toBe('');
  });
});
