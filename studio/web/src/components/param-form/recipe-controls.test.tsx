import { useState } from 'react';
import { fireEvent, render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { ParamsSchema, RecipeParamText } from '../../api/client.ts';
import { createI18n, I18nProvider, type Language } from '../../i18n/i18n.ts';
import { fieldsFor, initialValues, submittedParams, validateParams, type ParamValues } from './param-fields.ts';
import { ParamForm } from './param-form.tsx';
import { paramWordsFrom } from './use-param-words.ts';

/** The slideshow's parameters as the API sends them (zod's toJSONSchema of ShortVideoSlideshowParams), trimmed. */
const slideshow: ParamsSchema = {
  type: 'object',
  properties: {
    aspect: { type: 'string', enum: ['9:16', '1:1', '16:9'], default: '9:16' },
    fps: { default: 25, anyOf: [{ type: 'number', const: 25 }, { type: 'number', const: 30 }] },
    background: { type: 'string', enum: ['blur', 'white'], default: 'blur' },
    color: { type: 'string', pattern: '^#[0-9a-fA-F]{6}$' },
  },
};
const text: RecipeParamText = {
  aspect: { label: { 'zh-CN': '画面比例', en: 'Aspect ratio' }, options: { '9:16': { 'zh-CN': '竖屏 9:16', en: 'Portrait 9:16' }, '1:1': { 'zh-CN': '方形', en: 'Square' }, '16:9': { 'zh-CN': '横屏', en: 'Landscape' } } },
  fps: { label: { 'zh-CN': '帧率', en: 'Frame rate' }, options: { 25: { 'zh-CN': '25 帧/秒', en: '25 fps' }, 30: { 'zh-CN': '30 帧/秒', en: '30 fps' } } },
  background: { label: { 'zh-CN': '背景', en: 'Background' }, help: { 'zh-CN': '视频画面外的填充', en: 'What fills the frame around the photo' }, options: { blur: { 'zh-CN': '虚化原图', en: 'Blurred photo' }, white: { 'zh-CN': '纯白', en: 'Plain white' } } },
  color: { label: { 'zh-CN': '背景颜色', en: 'Background colour' } },
};

function Harness({ language, onValues }: { language: Language; onValues?: (v: ParamValues) => void }) {
  const fields = fieldsFor(slideshow);
  const [values, setValues] = useState<ParamValues>(() => initialValues(fields));
  const i18n = createI18n(language);
  return (
    <I18nProvider instance={i18n}>
      <ParamForm fields={fields} values={values} errors={validateParams(fields, values)} words={paramWordsFrom([text], i18n.getFixedT(language) as never, language)}
        onChange={(name, v) => setValues((prev) => { const next = { ...prev, [name]: v }; onValues?.(next); return next; })} />
    </I18nProvider>
  );
}

describe('recipe parameters as a designer sees them', () => {
  it('makes fps (a union of 25 | 30) a choice of numbers with its default, not an empty text box', () => {
    const fps = fieldsFor(slideshow).find((f) => f.name === 'fps');
    expect(fps).toMatchObject({ kind: 'select', options: [25, 30], default: 25 });
    expect(validateParams(fieldsFor(slideshow), initialValues(fieldsFor(slideshow)))).toEqual({});
    expect(submittedParams(initialValues(fieldsFor(slideshow)))).toMatchObject({ fps: 25 });
  });

  it('labels every parameter, choice and help line from the recipe, in English', () => {
    let latest: ParamValues = {};
    render(<Harness language="en" onValues={(v) => { latest = v; }} />);
    const page = document.body.textContent ?? '';
    for (const word of ['Aspect ratio', 'Portrait 9:16', 'Frame rate', '25 fps', '30 fps', 'Blurred photo', 'What fills the frame around the photo', 'Background colour']) expect(page).toContain(word);
    for (const raw of ['aspect', 'fps', 'blur', 'white']) expect(page.split(/\s+/)).not.toContain(raw);
    fireEvent.click(screen.getByText('30 fps'));
    expect(latest.fps).toBe(30);
  });

  it('and in Chinese', () => {
    render(<Harness language="zh-CN" />);
    const page = document.body.textContent ?? '';
    for (const word of ['画面比例', '25 帧/秒', '虚化原图', '背景颜色', '自动配色']) expect(page).toContain(word);
    // Swatches are named for assistive technology and on hover.
    expect(screen.getByRole('radio', { name: '白色' }).getAttribute('title')).toBe('白色 #ffffff');
  });

  it('chooses a colour from named swatches, as #rrggbb, and back to automatic', () => {
    let latest: ParamValues = {};
    render(<Harness language="zh-CN" onValues={(v) => { latest = v; }} />);
    fireEvent.click(screen.getByRole('radio', { name: '米白' }));
    expect(latest.color).toBe('#f4efe6');
    expect(screen.getByRole('radio', { name: '米白' }).getAttribute('aria-checked')).toBe('true');
    expect(screen.getByTestId('param-color').textContent).toContain('米白 · #f4efe6');
    fireEvent.click(screen.getByTestId('param-color-auto'));
    expect(latest.color).toBeUndefined();
  });

  it('refuses a colour that is not #rrggbb, in words', () => {
    const color = fieldsFor(slideshow).find((f) => f.name === 'color')!;
    expect(color.kind).toBe('colour');
    expect(validateParams([color], { color: '白色' })).toEqual({ color: { key: 'params.notAColour' } });
    expect(validateParams([color], { color: '#FFFFFF' })).toEqual({});
  });
});
