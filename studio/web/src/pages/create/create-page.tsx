import { useEffect, useMemo, useState } from 'react';
import { useSearchParams } from 'react-router';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Button, InputNumber, Radio, Segmented } from 'antd';
import type { AssetView } from '@shotfarm/shared';
import { getBudgets, paramsSchemaOf, submitJob, type RecipeSummary } from '../../api/client.ts';
import { ErrorNotice } from '../../components/error-notice.tsx';
import { JobPanel } from '../../components/job-panel.tsx';
import { MultiUpload } from '../../components/multi-upload.tsx';
import { OutputGrid } from '../../components/output-grid.tsx';
import { ParamForm } from '../../components/param-form/param-form.tsx';
import { fieldsFor, initialValues, submittedParams, validateParams, type ParamValues } from '../../components/param-form/param-fields.ts';
import { useParamWords } from '../../components/param-form/use-param-words.ts';
import { StepSection } from '../../components/step-section.tsx';
import { UploadPanel } from '../../components/upload-panel.tsx';
import { useJob } from '../../hooks/use-job.ts';
import { recipesQueryKey, useRecipes } from '../../hooks/use-recipes.ts';
import { describeError } from '../../i18n/error-message.ts';
import { optionalKey, useI18n } from '../../i18n/i18n.ts';
import { formatYuan } from '../../lib/format-yuan.ts';
import { loadCreateForm, restoredValues, saveCreateForm, type StoredCreateForm } from './create-form-store.ts';
import { defaultRecipeOf, RecipeCards } from './recipe-cards.tsx';
import { LibraryPicker } from './library-picker.tsx';
import { checkSweep, type SweepAxisDraft } from './sweep-draft.ts';
import { SweepEditor } from './sweep-editor.tsx';
import { submitBlockers, type SubmitBlocker } from './submit-blockers.ts';

/** Mirrors `maxVariants` in shared/src/schemas/job.ts (imported as a value, it would bring zod into the bundle). */
const maxVariants = 16;
const defaultVariants = 4;
/** The recipe preselected on a first visit: the CPU product shot every farm can run. */
const defaultRecipeId = 'product-shot/studio-local';
/** `?job=<id>` keeps the watched job across a reload, and lets a test open a job directly. */
const jobQueryParam = 'job';
const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export { recipesQueryKey };

const autoBackend = 'auto';
const noFields: ReturnType<typeof fieldsFor> = [];

type InputSlot = RecipeSummary['inputs'][number];
/** Inputs as the page lays them out: one upload per slot, or one multi-photo zone for numbered slots of one role. */
type InputGroup = { kind: 'single'; slot: InputSlot } | { kind: 'multi'; slots: InputSlot[] };

/** Numbered inputs of one role (image1…image6) become one zone taking several photos in order. */
export function groupInputs(slots: readonly InputSlot[]): InputGroup[] {
  const groups: InputGroup[] = [];
  for (const slot of slots) {
    const last = groups.at(-1);
    const numbered = /\d+$/.test(slot.name);
    if (numbered && last?.kind === 'multi' && last.slots[0]?.role === slot.role) last.slots.push(slot);
    else if (numbered && last?.kind === 'single' && /\d+$/.test(last.slot.name) && last.slot.role === slot.role) groups[groups.length - 1] = { kind: 'multi', slots: [last.slot, slot] };
    else groups.push({ kind: 'single', slot });
  }
  return groups;
}

/**
 * 生成 / Create, on one screen: a compact recipe chooser (job type, backend, recipes with why one cannot run) beside
 * the inputs and the generated parameter form; progress and results on the right. The form is kept in local
 * storage, so a reload loses nothing.
 */
export default function CreatePage() {
  const { t, language } = useI18n();
  const [search, setSearch] = useSearchParams();
  const queryClient = useQueryClient();
  const recipes = useRecipes();
  const [stored] = useState<StoredCreateForm>(() => loadCreateForm());
  const [type, setType] = useState<string | null>(stored.type);
  const [recipeId, setRecipeId] = useState<string | null>(stored.recipeId);
  const [inputs, setInputs] = useState<Record<string, AssetView>>(stored.inputs);
  const [valuesByRecipe, setValuesByRecipe] = useState<Record<string, ParamValues>>(stored.values);
  const [touched, setTouched] = useState(false);
  const [variants, setVariants] = useState<number | null>(stored.variants ?? defaultVariants);
  const [backend, setBackend] = useState<string>(autoBackend);
  const [sweep, setSweep] = useState<SweepAxisDraft[] | null>(null);

  const all = useMemo(() => recipes.data ?? [], [recipes.data]);
  const types = [...new Set(all.map((r) => r.type))];
  const activeType: string | null = (type && (types as string[]).includes(type) ? type : null) ?? defaultRecipeOf(all, defaultRecipeId)?.type ?? null;
  const backends = [...new Set(all.filter((r) => r.type === activeType).map((r) => r.backend))];
  const ofType = all.filter((r) => r.type === activeType && (backend === autoBackend || r.backend === backend));
  const recipe: RecipeSummary | undefined = ofType.find((r) => r.id === recipeId) ?? defaultRecipeOf(ofType, defaultRecipeId);
  const words = useParamWords(recipe?.id);
  // Keyed on the schema's text, not the object: a refetched list (a new sample after a run) must not reset the form.
  const paramsKey = recipe ? `${recipe.id}:${JSON.stringify(recipe.params)}` : '';
  // Only paramsKey: it stands for recipe.params, and the recipe object itself changes with every refetch.
  const fields = useMemo(() => (recipe ? fieldsFor(paramsSchemaOf(recipe)) : noFields), [paramsKey]);
  const values = useMemo(() => restoredValues(recipe ? valuesByRecipe[recipe.id] : undefined, initialValues(fields), fields.map((f) => f.name)), [recipe, valuesByRecipe, fields]);
  useEffect(() => { setTouched(false); setSweep(null); }, [fields]);
  useEffect(() => {
    saveCreateForm({ type: activeType, recipeId: recipe?.id ?? recipeId, values: valuesByRecipe, inputs, variants });
  }, [activeType, recipe?.id, recipeId, valuesByRecipe, inputs, variants]);
  const errors = validateParams(fields, values);
  const setValue = (name: string, v: unknown): void => {
    if (!recipe) return;
    setTouched(true);
    setValuesByRecipe((prev) => ({ ...prev, [recipe.id]: { ...values, [name]: v } }));
  };

  const jobIdParam = search.get(jobQueryParam);
  const jobId = jobIdParam && uuidPattern.test(jobIdParam) ? jobIdParam : null;
  const watch = useJob(jobId);
  const outputs = watch.job?.outputs ?? [];
  // A finished run may be the recipe's first: its card's sample comes from the list, so ask for the list again.
  useEffect(() => { if (watch.status === 'succeeded') void queryClient.invalidateQueries({ queryKey: recipesQueryKey }); }, [watch.status, queryClient]);

  const slots = recipe?.inputs ?? [];
  const groups = groupInputs(slots);
  const variantsValid = variants !== null && Number.isInteger(variants) && variants >= 1 && variants <= maxVariants;
  const sweepCheck = sweep && variantsValid ? checkSweep(fields, sweep, variants) : null;
  const sweepValid = sweep === null || (sweepCheck !== null && sweepCheck.error === null);
  const blockers: SubmitBlocker[] = recipe ? submitBlockers({ recipe, inputs, errors, variantsValid, sweepValid }) : [];

  const submit = useMutation({
    mutationFn: () => submitJob({
      type: recipe!.type, recipe: recipe!.id,
      inputs: Object.fromEntries(slots.flatMap((s) => (inputs[s.name] ? [[s.name, inputs[s.name]!.id]] : []))),
      params: submittedParams(values) as Record<string, never>, variants: variants ?? defaultVariants,
      ...(sweepCheck ? { sweep: sweepCheck.axes } : {}),
    }),
    onSuccess: (accepted) => setSearch((prev) => { const next = new URLSearchParams(prev); next.set(jobQueryParam, accepted.id); return next; }, { replace: true }),
  });
  const canSubmit = Boolean(recipe) && blockers.length === 0 && !submit.isPending;
  const tasks = variantsValid ? (sweepCheck?.tasks ?? variants) : null;
  const estimate = recipe && tasks !== null ? {
    tasks, seconds: Math.max(1, Math.ceil(recipe.estimateSecondsPerTask * tasks)),
    yuan: recipe.estimateMilliFenPerImage === null ? null : formatYuan(recipe.estimateMilliFenPerImage * tasks),
  } : null;
  // Today's organisation-wide cap, from the same ledger and price book the API checks a submission against.
  const budgets = useQuery({ queryKey: ['budgets'], queryFn: ({ signal }) => getBudgets(signal), refetchInterval: 60_000 });
  const budgetLeft = budgets.data?.daily.remaining ?? null;
  const estimateMilliFen = recipe && tasks !== null && recipe.estimateMilliFenPerImage !== null ? recipe.estimateMilliFenPerImage * tasks : null;
  const typeLabel = (v: string) => { const k = optionalKey(`jobType.${v}`); return k ? t(k) : v; };
  const blockerText = (b: SubmitBlocker): string => {
    switch (b.kind) {
      case 'unavailable': return t('submit.why.unavailable');
      case 'input': return t('submit.why.input', { name: b.label[language] });
      case 'param': return t('submit.why.param', { name: words.label(b.name), error: t(b.error.key, b.error.values) });
      case 'variants': return t('submit.why.variants', { max: maxVariants });
      case 'sweep': return t('submit.why.sweep');
    }
  };
  const setGroupAssets = (group: Extract<InputGroup, { kind: 'multi' }>, assets: AssetView[]): void => setInputs((prev) => {
    const next = { ...prev };
    group.slots.forEach((s, i) => { if (assets[i]) next[s.name] = assets[i]; else delete next[s.name]; });
    return next;
  });
  const available = ofType.filter((r) => r.available).length;

  return (
    <main id="main" className="workspace workspace-create" tabIndex={-1}>
      <div className="workspace-column workspace-recipes">
        <StepSection step={1} title={t('create.recipe')} testId="step-recipe"
          aside={recipes.isSuccess ? <span className="muted">{t('recipe.chooserHint', { count: ofType.length, available })}</span> : null}>
          {recipes.isPending && <p className="muted" role="status">{t('form.recipeLoading')}</p>}
          {recipes.isError && <ErrorNotice error={describeError(recipes.error, t)} testId="recipe-error" />}
          {types.length > 1 && (
            <Radio.Group aria-label={t('create.jobType')} optionType="button" size="small" value={activeType} className="job-type-choice"
              onChange={(e) => { setType(e.target.value as string); setRecipeId(null); setBackend(autoBackend); }}
              options={types.map((v) => ({ value: v, label: typeLabel(v) }))} data-testid="job-type" />
          )}
          {backends.length > 1 && (
            <Segmented aria-label={t('create.backendChoice')} size="small" value={backend} onChange={(v) => { setBackend(String(v)); setRecipeId(null); }} data-testid="backend-choice"
              options={[{ value: autoBackend, label: t('create.backendAuto') }, ...backends.map((b) => ({ value: b, label: b }))]} />
          )}
          {recipes.isSuccess && <RecipeCards recipes={ofType} selected={recipe?.id ?? null} onSelect={setRecipeId} />}
        </StepSection>
      </div>
      <div className="workspace-column workspace-setup">
        <StepSection step={2} title={t('create.inputsStep')} testId="step-upload">
          <div className="input-groups">
            {groups.length === 0 && <UploadPanel asset={inputs.product ?? null} onUploaded={(a) => setInputs((prev) => ({ ...prev, product: a }))} />}
            {groups.map((group, gi) => group.kind === 'single' ? (
              <div key={group.slot.name} className="input-group" data-testid="input-slot" data-input={group.slot.name}>
                {groups.length > 1 && <h3 className="subheading">{group.slot.label[language]}{group.slot.required && <span aria-hidden="true"> *</span>}</h3>}
                <UploadPanel asset={inputs[group.slot.name] ?? null} acceptPaste={gi === 0}
                  onUploaded={(a) => setInputs((prev) => ({ ...prev, [group.slot.name]: a }))} />
                <LibraryPicker onPick={(a) => setInputs((prev) => ({ ...prev, [group.slot.name]: a }))} />
              </div>
            ) : (
              <div key={group.slots[0]!.name} className="input-group input-group-wide" data-testid="input-slot" data-input={group.slots.map((s) => s.name).join(',')}>
                <MultiUpload assets={group.slots.flatMap((s) => (inputs[s.name] ? [inputs[s.name]!] : []))} max={group.slots.length} acceptPaste={gi === 0}
                  onChange={(assets) => setGroupAssets(group, assets)} />
                <LibraryPicker onPick={(a) => {
                  const taken = group.slots.flatMap((s) => (inputs[s.name] ? [inputs[s.name]!] : []));
                  setGroupAssets(group, [...taken, a].slice(0, group.slots.length));
                }} />
              </div>
            ))}
          </div>
        </StepSection>
        <StepSection step={3} title={t('create.settingsStep')} testId="step-settings">
          <form className="job-form" noValidate data-testid="job-form" onSubmit={(e) => { e.preventDefault(); setTouched(true); if (canSubmit) submit.mutate(); }}>
            {fields.length === 0 ? <p className="muted">{t('create.noParams')}</p>
              : <ParamForm fields={fields} values={values} errors={touched ? errors : {}} words={words} onChange={setValue} />}
            <div className="field">
              <label htmlFor="variants-input">{t('form.variants')}</label>
              <InputNumber id="variants-input" min={1} max={maxVariants} step={1} value={variants} onChange={(v) => setVariants(v)}
                status={variantsValid ? undefined : 'error'} aria-describedby="variants-hint" data-testid="variants-input" />
              <p id="variants-hint" className={variantsValid ? 'field-hint' : 'field-hint is-invalid'}>{t('form.variantsHint', { max: maxVariants })}</p>
            </div>
            <SweepEditor fields={fields} drafts={sweep} variants={variantsValid ? variants : 1} onChange={setSweep} />
            <div className="form-actions">
              <Button type="primary" htmlType="submit" disabled={!canSubmit} loading={submit.isPending} data-testid="submit-job"
                aria-describedby={blockers.length > 0 ? 'submit-why' : undefined}>
                {submit.isPending ? t('form.submitting') : t('form.submit')}
              </Button>
              {estimate && (
                <span className="muted" data-testid="estimate">
                  {recipe?.backend === 'local' ? t('form.estimateTotalCpu', { tasks: estimate.tasks, seconds: estimate.seconds, yuan: estimate.yuan ?? '—' })
                    : estimate.yuan === null ? t('form.estimateTotalNoPrice', { tasks: estimate.tasks, seconds: estimate.seconds })
                      : t('form.estimateTotal', { tasks: estimate.tasks, seconds: estimate.seconds, yuan: estimate.yuan })}
                </span>
              )}
              {budgetLeft !== null && estimate && (
                <span className={estimateMilliFen !== null && estimateMilliFen > budgetLeft ? 'field-hint is-invalid' : 'muted'} data-testid="budget-left">
                  {estimateMilliFen !== null && estimateMilliFen > budgetLeft
                    ? t('create.budgetOver', { estimate: formatYuan(estimateMilliFen), remaining: formatYuan(budgetLeft) })
                    : t('create.budgetLeft', { remaining: formatYuan(budgetLeft) })}
                </span>
              )}
            </div>
            {blockers.length > 0 && (
              <div id="submit-why" className="submit-why" role="status" data-testid="submit-why">
                <strong>{t('submit.why')}</strong>
                <ul>{blockers.map((b) => <li key={`${b.kind}-${'name' in b ? b.name : ''}`} data-kind={b.kind}>{blockerText(b)}</li>)}</ul>
              </div>
            )}
            {submit.isError && <ErrorNotice error={describeError(submit.error, t)} testId="submit-error" />}
          </form>
        </StepSection>
      </div>
      <div className="workspace-column workspace-results">
        <StepSection step={4} title={t('create.resultsStep')} testId="step-progress"
          aside={outputs.length > 0 ? <span className="muted">{t('create.outputsCount', { count: outputs.length })}</span> : null}>
          <JobPanel jobId={jobId} watch={watch} />
          <div data-testid="step-outputs">
            {jobId && <OutputGrid outputs={outputs} jobId={jobId} recipeId={watch.job?.recipe.id ?? null} />}
          </div>
        </StepSection>
      </div>
    </main>
  );
}
