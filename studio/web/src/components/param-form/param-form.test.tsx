import { useState } from 'react';
import { fireEvent, render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { ParamsSchema } from '../../api/client.ts';
import { createI18n, I18nProvider, type Language } from '../../i18n/i18n.ts';
import { fieldsFor, initialValues, maxSeed, submittedParams, validateParams, type ParamValues } from './param-fields.ts';
import { ParamForm } from './param-form.tsx';

/** A schema with one of every input type, as zod's toJSONSchema writes recipe params. */
const schema: ParamsSchema = {
  type: 'object',
  properties: {
    scene: { type: 'string', enum: ['auto', 'solid', 'gradient'], default: 'auto' },
    strength: { type: 'number', minimum: 0, maximum: 1, default: 0.5 },
    steps: { type: 'integer', minimum: 1, maximum: 50, default: 20 },
    width: { type: 'integer', minimum: 64 },
    seed: { type: 'integer', minimum: 0, maximum: maxSeed },
    prompt: { type: 'string', maxLength: 10 },
    color: { type: 'string' },
    hdr: { type: 'boolean', default: false },
  },
  required: ['prompt'],
};

function Harness({ language, onValues }: { language: Language; onValues?: (v: ParamValues) => void }) {
  const fields = fieldsFor(schema);
  const [values, setValues] = useState<ParamValues>(() => initialValues(fields));
  return (
    <I18nProvider instance={createI18n(language)}>
      <ParamForm fields={fields} values={values} errors={validateParams(fields, values)}
        onChange={(name, v) => setValues((prev) => { const next = { ...prev, [name]: v }; onValues?.(next); return next; })} />
    </I18nProvider>
  );
}

const input = (name: string) => screen.getByTestId(`param-${name}`).closest('.field')!.querySelector('input, textarea') as HTMLInputElement;
const error = (name: string) => screen.queryByTestId(`param-${name}-error`)?.textContent ?? null;

describe('fieldsFor: the control each JSON Schema gets', () => {
  it('enum → select, ranged number → slider, open number → number, *seed → seed, string → text, prompt → multi-line, boolean → switch', () => {
    const kinds = Object.fromEntries(fieldsFor(schema).map((f) => [f.name, f.kind]));
    expect(kinds).toEqual({ scene: 'select', strength: 'slider', steps: 'slider', width: 'number', seed: 'seed', prompt: 'text', color: 'text', hdr: 'boolean' });
    const prompt = fieldsFor(schema).find((f) => f.name === 'prompt');
    expect(prompt).toMatchObject({ multiline: true, required: true, maxLength: 10 });
  });

  it('gives sliders readable steps: 1 for integers, a power of ten for fractions', () => {
    const fields = fieldsFor(schema);
    expect(fields.find((f) => f.name === 'steps')).toMatchObject({ step: 1, min: 1, max: 50, integer: true });
    expect(fields.find((f) => f.name === 'strength')).toMatchObject({ step: 0.01, min: 0, max: 1 });
  });

  it('starts from the schema defaults and submits only what is set', () => {
    const values = initialValues(fieldsFor(schema));
    expect(values).toEqual({ scene: 'auto', strength: 0.5, steps: 20, hdr: false });
    expect(submittedParams({ ...values, color: '', seed: undefined })).toEqual(values);
  });
});

describe('ParamForm', () => {
  it('renders a labelled control for every input type, with the ranges on the inputs', () => {
    render(<Harness language="en" />);
    expect(screen.getByLabelText('Scene')).toBeTruthy();
    expect(screen.getAllByRole('radio').map((r) => (r as HTMLInputElement).value)).toEqual(['auto', 'solid', 'gradient']);
    expect(screen.getByText('Solid colour')).toBeTruthy(); // enum values are translated where a key exists
    expect(input('steps').getAttribute('aria-valuemin')).toBe('1');
    expect(input('steps').getAttribute('aria-valuemax')).toBe('50');
    expect(screen.getAllByRole('slider')).toHaveLength(2);
    expect(input('prompt').tagName).toBe('TEXTAREA');
    expect(screen.getByRole('switch')).toBeTruthy();
    expect(screen.getByLabelText('Random seed')).toBeTruthy();
  }, 20_000); // the file's first antd render builds every style: seconds on a loaded two-core machine

  it('picks an enum value, flips the switch and rolls the seed dice', () => {
    let values: ParamValues = {};
    render(<Harness language="en" onValues={(v) => { values = v; }} />);
    fireEvent.click(screen.getByLabelText('Gradient'));
    expect(values.scene).toBe('gradient');
    fireEvent.click(screen.getByRole('switch'));
    expect(values.hdr).toBe(true);
    fireEvent.click(screen.getByTestId('param-seed-dice'));
    expect(Number.isInteger(values.seed)).toBe(true);
    expect(values.seed as number).toBeGreaterThanOrEqual(0);
    expect(values.seed as number).toBeLessThanOrEqual(maxSeed);
  });

  it.each([
    ['en', 'Enter a value from 1 to 50', 'Required', 'At most 10 characters', 'Must be at least 64', 'Enter a whole number'],
    ['zh-CN', '请输入 1 到 50 之间的值', '必填', '最多 10 个字符', '不能小于 64', '请输入整数'],
  ] as const)('says what is wrong in %s', (language, range, required, tooLong, min, integer) => {
    render(<Harness language={language} />);
    expect(error('prompt')).toBe(required);
    fireEvent.change(input('steps'), { target: { value: '80' } });
    expect(error('steps')).toBe(range);
    fireEvent.change(input('width'), { target: { value: '10' } });
    expect(error('width')).toBe(min);
    fireEvent.change(input('prompt'), { target: { value: 'a very long prompt' } });
    expect(error('prompt')).toBe(tooLong);
    fireEvent.change(input('prompt'), { target: { value: 'short' } });
    expect(error('prompt')).toBeNull();
    fireEvent.change(input('steps'), { target: { value: '2.5' } });
    expect(error('steps')).toBe(integer);
    fireEvent.change(input('steps'), { target: { value: '20' } });
    expect(error('steps')).toBeNull();
  });

  it('marks an invalid control for assistive technology', () => {
    render(<Harness language="en" />);
    fireEvent.change(input('steps'), { target: { value: '0' } });
    const steps = input('steps');
    expect(steps.getAttribute('aria-invalid')).toBe('true');
    expect(document.getElementById(steps.getAttribute('aria-describedby')!)!.textContent).toBe('Enter a value from 1 to 50');
  });
});
