import { useId } from 'react';
import { Button, InputNumber, Select, Switch } from 'antd';
import type { ParamField } from '../../components/param-form/param-fields.ts';
import { paramLabel, paramValueLabel } from '../../components/param-form/param-labels.ts';
import { useI18n, type MessageKey } from '../../i18n/i18n.ts';
import { checkSweep, draftFor, maxSweepAxes, maxSweepValues, sweepableFields, type SweepAxisDraft, type SweepableField } from './sweep-draft.ts';

export interface SweepEditorProps {
  fields: readonly ParamField[];
  /** Null: no sweep. */
  drafts: SweepAxisDraft[] | null;
  variants: number;
  onChange: (drafts: SweepAxisDraft[] | null) => void;
}

/**
 * 参数扫描: vary one or two parameters across a grid (every combination, `variants` images each), to see what a
 * setting does before choosing it. Enum axes pick options; number axes an evenly spaced range.
 */
export function SweepEditor({ fields, drafts, variants, onChange }: SweepEditorProps) {
  const { t } = useI18n();
  const switchId = useId();
  const sweepable = sweepableFields(fields);
  if (sweepable.length === 0) return null;
  const on = drafts !== null;
  const check = on ? checkSweep(fields, drafts, variants) : null;
  const set = (i: number, next: SweepAxisDraft) => onChange(drafts!.map((d, j) => (j === i ? next : d)));
  const unused = sweepable.filter((f) => !drafts?.some((d) => d.param === f.name));

  return (
    <div className="sweep-editor" data-testid="sweep-editor">
      <div className="field-inline">
        <Switch id={switchId} checked={on} onChange={(v) => onChange(v ? [draftFor(sweepable[0]!)] : null)} aria-describedby={`${switchId}-hint`} data-testid="sweep-toggle" />
        <label htmlFor={switchId}>{t('sweep.title')}</label>
      </div>
      <p id={`${switchId}-hint`} className="field-hint">{t('sweep.hint')}</p>
      {on && drafts.map((draft, i) => {
        const field = sweepable.find((f) => f.name === draft.param)!;
        const choices = [field, ...unused];
        const error = check?.error?.axis === i ? check.error.error : null;
        return (
          <div key={draft.param} className="sweep-axis" data-testid="sweep-axis">
            <Select size="small" value={draft.param} style={{ minWidth: 140 }} aria-label={t('sweep.param', { n: i + 1 })} id={`sweep-param-${i}`}
              options={choices.map((f) => ({ value: f.name, label: paramLabel(t, f.name) }))}
              onChange={(name) => set(i, draftFor(sweepable.find((f) => f.name === name)!))} data-testid="sweep-param" />
            <AxisValues field={field} draft={draft} onChange={(d) => set(i, d)} index={i} />
            {drafts.length > 1 && <Button size="small" onClick={() => onChange(drafts.filter((_, j) => j !== i))} aria-label={t('sweep.remove', { param: paramLabel(t, draft.param) })}>✕</Button>}
            {error && <span className="field-hint is-invalid" role="alert">{t(error.key, error.values)}</span>}
          </div>
        );
      })}
      {on && drafts.length < maxSweepAxes && unused.length > 0 && (
        <Button size="small" onClick={() => onChange([...drafts, draftFor(unused[0]!)])} data-testid="sweep-add">{t('sweep.add')}</Button>
      )}
      {check && (
        <p className={check.error?.axis === -1 ? 'field-hint is-invalid' : 'field-hint'} data-testid="sweep-summary" role={check.error?.axis === -1 ? 'alert' : undefined}>
          {check.error?.axis === -1 ? t(check.error.error.key, check.error.error.values) : t('sweep.summary', { cells: check.cells, variants, tasks: check.tasks })}
        </p>
      )}
    </div>
  );
}

function AxisValues({ field, draft, onChange, index }: { field: SweepableField; draft: SweepAxisDraft; onChange: (d: SweepAxisDraft) => void; index: number }) {
  const { t } = useI18n();
  if (draft.kind === 'options' && field.kind === 'select') {
    return (
      // Options by index: an enum may hold booleans, which antd's Select cannot take as values.
      <Select<number[]> mode="multiple" size="small" style={{ minWidth: 220 }} value={draft.values.map((v) => field.options.indexOf(v))} id={`sweep-values-${index}`}
        aria-label={t('sweep.values', { param: paramLabel(t, draft.param) })} maxCount={maxSweepValues}
        options={field.options.map((o, i) => ({ value: i, label: paramValueLabel(t, field.name, o) }))}
        onChange={(picked) => onChange({ ...draft, values: field.options.filter((_, i) => picked.includes(i)) })} data-testid="sweep-options" />
    );
  }
  if (draft.kind !== 'range' || field.kind === 'select') return null;
  const number = (key: 'from' | 'to' | 'count', label: MessageKey, props: { min?: number; max?: number; step?: number }) => (
    <label className="field-inline">
      <span>{t(label)}</span>
      <InputNumber size="small" value={draft[key]} onChange={(v) => onChange({ ...draft, [key]: v })} {...props} data-testid={`sweep-${key}`} style={{ width: 90 }} />
    </label>
  );
  const step = field.kind === 'slider' ? field.step : field.integer ? 1 : undefined;
  return (
    <>
      {number('from', 'sweep.from', { min: field.min, max: field.max, step })}
      {number('to', 'sweep.to', { min: field.min, max: field.max, step })}
      {number('count', 'sweep.count', { min: 1, max: maxSweepValues, step: 1 })}
    </>
  );
}
