import { useId } from 'react';
import { Button, Input, InputNumber, Radio, Select, Slider, Switch, Tooltip } from 'antd';
import { useI18n } from '../../i18n/i18n.ts';
import { ColourControl } from './colour-control.tsx';
import { randomSeed, type ParamError, type ParamField, type ParamValues } from './param-fields.ts';
import { paramWordsFrom, type ParamWords } from './use-param-words.ts';

/** Up to this many choices show as a segmented row (one click, all visible); more become a dropdown. */
const maxInlineOptions = 5;

export interface ParamFormProps {
  fields: readonly ParamField[];
  values: ParamValues;
  errors: Readonly<Record<string, ParamError>>;
  onChange: (name: string, value: unknown) => void;
  /** The recipe's words for its parameters (see useParamWords); without them, the studio's dictionary. */
  words?: ParamWords;
}

/** A recipe's parameters as controls, generated from its JSON Schema (see {@link fieldsFor}). */
export function ParamForm({ fields, values, errors, onChange, words }: ParamFormProps) {
  const { t, language } = useI18n();
  const shown = words ?? paramWordsFrom([], t, language);
  return (
    <div className="param-form" data-testid="param-form">
      {fields.map((f) => <ParamControl key={f.name} field={f} value={values[f.name]} error={errors[f.name]} words={shown} onChange={(v) => onChange(f.name, v)} />)}
    </div>
  );
}

/**
 * The range for assistive technology only: antd's `min`/`max` would clamp silently on blur, and the
 * designer should see why 80 steps is refused rather than find 50 there.
 */
function range(min: number | undefined, max: number | undefined): Record<string, number> {
  return { ...(min === undefined ? {} : { 'aria-valuemin': min }), ...(max === undefined ? {} : { 'aria-valuemax': max }) };
}

export interface ParamControlProps {
  field: ParamField;
  value: unknown;
  error: ParamError | undefined;
  words: ParamWords;
  onChange: (v: unknown) => void;
}

/** One parameter's control with its label, help line and error: the Create form and the re-run form both use it. */
export function ParamControl({ field, value, error, words, onChange }: ParamControlProps) {
  const { t } = useI18n();
  const id = useId();
  const hintId = `${id}-hint`;
  const helpId = `${id}-help`;
  const label = words.label(field.name);
  const help = words.help(field.name);
  const optionLabel = (v: string | number | boolean): string => words.value(field.name, v);
  const describedBy = [error ? hintId : null, help ? helpId : null].filter(Boolean).join(' ') || undefined;
  const a11y = { id, 'aria-invalid': error ? true : undefined, 'aria-describedby': describedBy };
  const num = typeof value === 'number' ? value : null;
  const setNumber = (v: number | string | null): void => onChange(v === null || v === '' ? undefined : Number(v));

  let control;
  switch (field.kind) {
    case 'select':
      control = field.options.length <= maxInlineOptions
        ? (
          <Radio.Group id={id} aria-labelledby={`${id}-label`} optionType="button" value={value} onChange={(e) => onChange(e.target.value)}
            options={field.options.map((o) => ({ value: o, label: optionLabel(o) }))} data-testid={`param-${field.name}`} />
        )
        : (
          <Select {...a11y} aria-labelledby={`${id}-label`} value={value} onChange={onChange} style={{ minWidth: 220 }}
            options={field.options.map((o) => ({ value: o, label: optionLabel(o) }))} data-testid={`param-${field.name}`} />
        );
      break;
    case 'slider':
      control = (
        <div className="param-slider">
          <Slider min={field.min} max={field.max} step={field.step} value={num ?? field.min} onChange={(v: number) => onChange(v)}
            aria-label={label} style={{ flex: 1 }} />
          <InputNumber {...a11y} {...range(field.min, field.max)} step={field.step} value={num} onChange={setNumber}
            status={error ? 'error' : undefined} data-testid={`param-${field.name}`} />
        </div>
      );
      break;
    case 'number':
      control = <InputNumber {...a11y} {...range(field.min, field.max)} value={num} onChange={setNumber} status={error ? 'error' : undefined} data-testid={`param-${field.name}`} />;
      break;
    case 'seed':
      control = (
        <div className="param-slider">
          <InputNumber {...a11y} {...range(field.min, field.max)} value={num} onChange={setNumber} placeholder={t('params.seedRandom')}
            status={error ? 'error' : undefined} style={{ width: 160 }} data-testid={`param-${field.name}`} />
          <Tooltip title={t('params.dice')}>
            <Button aria-label={t('params.dice')} onClick={() => onChange(randomSeed(field.min, field.max))} data-testid={`param-${field.name}-dice`}>🎲</Button>
          </Tooltip>
        </div>
      );
      break;
    case 'colour':
      control = <ColourControl id={id} labelId={`${id}-label`} value={typeof value === 'string' ? value : undefined} onChange={onChange} testId={`param-${field.name}`} />;
      break;
    case 'boolean':
      control = <Switch {...a11y} aria-labelledby={`${id}-label`} checked={value === true} onChange={onChange} data-testid={`param-${field.name}`} />;
      break;
    case 'text':
      control = field.multiline
        ? <Input.TextArea {...a11y} value={typeof value === 'string' ? value : ''} onChange={(e) => onChange(e.target.value)} autoSize={{ minRows: 2, maxRows: 6 }}
          maxLength={field.maxLength} showCount={field.maxLength !== undefined} status={error ? 'error' : undefined} data-testid={`param-${field.name}`} />
        : <Input {...a11y} value={typeof value === 'string' ? value : ''} onChange={(e) => onChange(e.target.value)} status={error ? 'error' : undefined} data-testid={`param-${field.name}`} />;
      break;
  }

  return (
    <div className="field" data-kind={field.kind}>
      <label id={`${id}-label`} htmlFor={id}>{label}{field.required && <span aria-hidden="true"> *</span>}</label>
      {control}
      {help && <p id={helpId} className="field-hint" data-testid={`param-${field.name}-help`}>{help}</p>}
      {error && <p id={hintId} className="field-hint is-invalid" role="alert" data-testid={`param-${field.name}-error`}>{t(error.key, error.values)}</p>}
    </div>
  );
}
