import { useEffect, useMemo, useState } from 'react';
import { useSearchParams } from 'react-router';
import { useMutation, useQuery } from '@tanstack/react-query';
import { Button, InputNumber, Radio, Segmented } from 'antd';
import type { AssetView } from '@shotfarm/shared';
import { listRecipes, paramsSchemaOf, submitJob, type RecipeSummary } from '../../api/client.ts';
import { ErrorNotice } from '../../components/error-notice.tsx';
import { JobPanel } from '../../components/job-panel.tsx';
import { OutputGrid } from '../../components/output-grid.tsx';
import { ParamForm } from '../../components/param-form/param-form.tsx';
import { fieldsFor, initialValues, submittedParams, validateParams, type ParamValues } from '../../components/param-form/param-fields.ts';
import { StepSection } from '../../components/step-section.tsx';
import { UploadPanel } from '../../components/upload-panel.tsx';
import { useJob } from '../../hooks/use-job.ts';
import { describeError } from '../../i18n/error-message.ts';
import { optionalKey, useI18n } from '../../i18n/i18n.ts';
import { formatYuan } from '../../lib/format-yuan.ts';
import { RecipeCards } from './recipe-cards.tsx';
import { LibraryPicker } from './library-picker.tsx';
import { checkSweep, type SweepAxisDraft } from './sweep-draft.ts';
import { SweepEditor } from './sweep-editor.tsx';

/** Mirrors `maxVariants` in shared/src/schemas/job.ts (imported as a value, it would bring zod into the bundle). */
const maxVariants = 16;
const defaultVariants = 4;
/** The recipe preselected: the CPU product shot every farm can run. */
const defaultRecipeId = 'product-shot/studio-local';
/** `?job=<id>` keeps the watched job across a reload, and lets a test open a job directly. */
const jobQueryParam = 'job';
const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const recipesQueryKey = ['recipes'] as const;

const autoBackend = 'auto';

/**
 * 生成 / Create: job type → backend (auto: every recipe of the type) → recipe → inputs → generated parameter form →
 * variants and an optional sweep → the estimate → submit; then watch it.
 */
export default function CreatePage() {
  const { t, language } = useI18n();
  const [search, setSearch] = useSearchParams();
  const recipes = useQuery({ queryKey: recipesQueryKey, queryFn: ({ signal }) => listRecipes(signal) });
  const [type, setType] = useState<string | null>(null);
  const [recipeId, setRecipeId] = useState<string | null>(null);
  const [inputs, setInputs] = useState<Record<string, AssetView>>({});
  const [values, setValues] = useState<ParamValues>({});
  const [touched, setTouched] = useState(false);
  const [variants, setVariants] = useState<number | null>(defaultVariants);
  const [backend, setBackend] = useState<string>(autoBackend);
  const [sweep, setSweep] = useState<SweepAxisDraft[] | null>(null);

  const all = recipes.data ?? [];
  const types = [...new Set(all.map((r) => r.type))];
  const defaultRecipe = all.find((r) => r.id === defaultRecipeId) ?? all.find((r) => r.available) ?? all[0];
  const activeType = type ?? defaultRecipe?.type ?? null;
  const backends = [...new Set(all.filter((r) => r.type === activeType).map((r) => r.backend))];
  const ofType = all.filter((r) => r.type === activeType && (backend === autoBackend || r.backend === backend));
  const recipe: RecipeSummary | undefined = ofType.find((r) => r.id === recipeId) ?? (defaultRecipe?.type === activeType ? defaultRecipe : ofType[0]);
  const fields = useMemo(() => (recipe ? fieldsFor(paramsSchemaOf(recipe)) : []), [recipe]);
  useEffect(() => { setValues(initialValues(fields)); setTouched(false); setSweep(null); }, [fields]);
  const errors = validateParams(fields, values);
  const paramsValid = Object.keys(errors).length === 0;

  const jobIdParam = search.get(jobQueryParam);
  const jobId = jobIdParam && uuidPattern.test(jobIdParam) ? jobIdParam : null;
  const watch = useJob(jobId);
  const outputs = watch.job?.outputs ?? [];

  const submit = useMutation({
    mutationFn: () => submitJob({
      type: recipe!.type, recipe: recipe!.id,
      inputs: Object.fromEntries(Object.entries(inputs).map(([name, a]) => [name, a.id])),
      params: submittedParams(values) as Record<string, never>, variants: variants ?? defaultVariants,
      ...(sweepCheck ? { sweep: sweepCheck.axes } : {}),
    }),
    onSuccess: (accepted) => setSearch((prev) => { const next = new URLSearchParams(prev); next.set(jobQueryParam, accepted.id); return next; }, { replace: true }),
  });

  const requiredInputs = recipe?.inputs.filter((i) => i.required) ?? [];
  const haveInputs = requiredInputs.every((i) => inputs[i.name]);
  const variantsValid = variants !== null && Number.isInteger(variants) && variants >= 1 && variants <= maxVariants;
  const sweepCheck = sweep && variantsValid ? checkSweep(fields, sweep, variants) : null;
  const sweepValid = sweep === null || (sweepCheck !== null && sweepCheck.error === null);
  const canSubmit = Boolean(recipe?.available && haveInputs && variantsValid && paramsValid && sweepValid && !submit.isPending);
  const tasks = variantsValid ? (sweepCheck?.tasks ?? variants) : null;
  const estimate = recipe && tasks !== null ? {
    tasks, seconds: Math.max(1, Math.ceil(recipe.estimateSecondsPerTask * tasks)),
    yuan: recipe.estimateMilliFenPerImage === null ? null : formatYuan(recipe.estimateMilliFenPerImage * tasks),
  } : null;
  const typeLabel = (v: string) => { const k = optionalKey(`jobType.${v}`); return k ? t(k) : v; };
  const inputSlots = recipe?.inputs.length ? recipe.inputs : [{ name: 'product', role: 'product', required: true, label: { 'zh-CN': t('upload.title'), en: t('upload.title') } }];

  return (
    <main id="main" className="workspace" tabIndex={-1}>
      <div className="workspace-column workspace-setup">
        <StepSection step={1} title={t('create.recipe')} testId="step-recipe">
          {recipes.isPending && <p className="muted" role="status">{t('form.recipeLoading')}</p>}
          {recipes.isError && <ErrorNotice error={describeError(recipes.error, t)} testId="recipe-error" />}
          {types.length > 1 && (
            <div className="field">
              <span id="job-type-label">{t('create.jobType')}</span>
              <Radio.Group aria-labelledby="job-type-label" optionType="button" value={activeType} onChange={(e) => { setType(e.target.value as string); setRecipeId(null); setBackend(autoBackend); }}
                options={types.map((v) => ({ value: v, label: typeLabel(v) }))} data-testid="job-type" />
            </div>
          )}
          {backends.length > 1 && (
            <div className="field">
              <span id="backend-label">{t('create.backendChoice')}</span>
              <Segmented aria-labelledby="backend-label" value={backend} onChange={(v) => { setBackend(String(v)); setRecipeId(null); }} data-testid="backend-choice"
                options={[{ value: autoBackend, label: t('create.backendAuto') }, ...backends.map((b) => ({ value: b, label: b }))]} />
            </div>
          )}
          {recipes.isSuccess && <RecipeCards recipes={ofType} selected={recipe?.id ?? null} onSelect={setRecipeId} />}
        </StepSection>
        {inputSlots.map((slot) => (
          <StepSection key={slot.name} step={2} title={inputSlots.length > 1 ? slot.label[language] : t('upload.title')} testId="step-upload">
            <UploadPanel asset={inputs[slot.name] ?? null} onUploaded={(a) => setInputs((prev) => ({ ...prev, [slot.name]: a }))} />
            <LibraryPicker onPick={(a) => setInputs((prev) => ({ ...prev, [slot.name]: a }))} />
          </StepSection>
        ))}
        <StepSection step={3} title={t('form.title')} testId="step-settings">
          <form className="job-form" noValidate data-testid="job-form" onSubmit={(e) => { e.preventDefault(); setTouched(true); if (canSubmit) submit.mutate(); }}>
            {recipe && !recipe.available && <div className="notice notice-warning" role="status">{t('form.recipeUnavailable')}</div>}
            {fields.length === 0 ? <p className="muted">{t('create.noParams')}</p>
              : <ParamForm fields={fields} values={values} errors={touched ? errors : {}} onChange={(name, v) => { setTouched(true); setValues((prev) => ({ ...prev, [name]: v })); }} />}
            <div className="field">
              <label htmlFor="variants-input">{t('form.variants')}</label>
              <InputNumber id="variants-input" min={1} max={maxVariants} step={1} value={variants} onChange={(v) => setVariants(v)}
                status={variantsValid ? undefined : 'error'} aria-describedby="variants-hint" data-testid="variants-input" />
              <p id="variants-hint" className={variantsValid ? 'field-hint' : 'field-hint is-invalid'}>{t('form.variantsHint', { max: maxVariants })}</p>
            </div>
            <SweepEditor fields={fields} drafts={sweep} variants={variantsValid ? variants : 1} onChange={setSweep} />
            <div className="form-actions">
              <Button type="primary" htmlType="submit" disabled={!canSubmit} loading={submit.isPending} data-testid="submit-job">
                {submit.isPending ? t('form.submitting') : t('form.submit')}
              </Button>
              {!haveInputs && <span className="muted">{t('form.needPhoto')}</span>}
              {haveInputs && !paramsValid && touched && <span className="muted">{t('create.fixErrors')}</span>}
              {estimate && (
                <span className="muted" data-testid="estimate">
                  {recipe?.backend === 'local' ? t('form.estimateTotalCpu', { tasks: estimate.tasks, seconds: estimate.seconds })
                    : estimate.yuan === null ? t('form.estimateTotalNoPrice', { tasks: estimate.tasks, seconds: estimate.seconds })
                      : t('form.estimateTotal', { tasks: estimate.tasks, seconds: estimate.seconds, yuan: estimate.yuan })}
                </span>
              )}
            </div>
            {submit.isError && <ErrorNotice error={describeError(submit.error, t)} testId="submit-error" />}
          </form>
        </StepSection>
      </div>
      <div className="workspace-column workspace-results">
        <StepSection step={4} title={t('job.title')} testId="step-progress">
          <JobPanel jobId={jobId} watch={watch} />
        </StepSection>
        <StepSection step={5} title={t('outputs.title')} testId="step-outputs"
          aside={outputs.length > 0 ? <span className="muted">{t('outputs.count', { count: outputs.length })}</span> : null}>
          <OutputGrid outputs={outputs} />
        </StepSection>
      </div>
    </main>
  );
}
