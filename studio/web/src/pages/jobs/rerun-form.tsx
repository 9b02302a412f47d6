import { useMemo, useState } from 'react';
import { useMutation } from '@tanstack/react-query';
import { Button, Select } from 'antd';
import type { JobView } from '@shotfarm/shared';
import { paramsSchemaOf, submitJob } from '../../api/client.ts';
import { ErrorNotice } from '../../components/error-notice.tsx';
import { ParamControl } from '../../components/param-form/param-form.tsx';
import { fieldsFor, validateField } from '../../components/param-form/param-fields.ts';
import { useParamWords } from '../../components/param-form/use-param-words.ts';
import { useRecipes } from '../../hooks/use-recipes.ts';
import { describeError } from '../../i18n/error-message.ts';
import { useI18n } from '../../i18n/i18n.ts';

/**
 * Submits the job again with the same recipe version (pinned, so it reproduces), inputs and variants, and one parameter changed — with the same
 * control the Create form shows for it (a choice is a choice, a colour a colour picker), never a free-text box.
 */
export function RerunForm({ job, onSubmitted }: { job: JobView; onSubmitted: (jobId: string) => void }) {
  const { t } = useI18n();
  const recipes = useRecipes();
  const words = useParamWords(job.recipe.id);
  const recipe = recipes.data?.find((r) => r.id === job.recipe.id);
  const fields = useMemo(() => (recipe ? fieldsFor(paramsSchemaOf(recipe)).filter((f) => f.kind !== 'seed') : []), [recipe]);
  const [name, setName] = useState<string | undefined>(undefined);
  const field = fields.find((f) => f.name === name) ?? fields[0];
  const [values, setValues] = useState<Record<string, unknown>>({});
  const current = field ? job.params[field.name] : undefined;
  const value = field && Object.hasOwn(values, field.name) ? values[field.name] : current;
  const error = field ? validateField(field, value) : null;
  const changed = field !== undefined && JSON.stringify(value) !== JSON.stringify(current);
  const rerun = useMutation({
    mutationFn: () => {
      const params: Record<string, unknown> = { ...job.params };
      if (value === undefined || value === null || value === '') delete params[field!.name];
      else params[field!.name] = value;
      return submitJob({ type: job.type, recipe: job.recipe.id, recipeVersion: job.recipe.version, inputs: job.inputs, variants: job.variants, priority: job.priority, params: params as Record<string, never> });
    },
    onSuccess: (accepted) => onSubmitted(accepted.id),
  });
  if (!field) return null;
  return (
    <form className="rerun-form" data-testid="rerun-form" onSubmit={(e) => { e.preventDefault(); if (changed && !error) rerun.mutate(); }}>
      <h3 className="rerun-title">{t('jobs.rerun')}</h3>
      <p className="muted rerun-hint">{t('rerun.hint')}</p>
      <div className="rerun-row">
        <Select aria-label={t('rerun.param')} value={field.name} onChange={(v: string) => setName(v)} style={{ minWidth: 200 }} data-testid="rerun-param"
          options={fields.map((f) => ({ value: f.name, label: words.label(f.name) }))} />
        <span className="muted" data-testid="rerun-current">{t('rerun.current', { value: current === undefined ? '—' : words.value(field.name, current) })}</span>
      </div>
      <div className="rerun-control" data-testid="rerun-control">
        <ParamControl key={field.name} field={field} value={value} error={changed && error ? error : undefined} words={words}
          onChange={(v) => setValues((prev) => ({ ...prev, [field.name]: v }))} />
      </div>
      <Button htmlType="submit" type="primary" disabled={!changed || error !== null} loading={rerun.isPending} data-testid="rerun-submit">{t('jobs.rerunSubmit')}</Button>
      {rerun.isError && <ErrorNotice error={describeError(rerun.error, t)} />}
    </form>
  );
}
