import { useEffect, useId, useState, type FormEvent } from 'react';
import type { AssetView } from '@shotfarm/shared';
import { listRecipes, submitJob, type ParamSchema, type RecipeSummary } from '../api/client.ts';
import { describeError } from '../i18n/error-message.ts';
import { optionalKey, useI18n } from '../i18n/i18n.ts';
import { ErrorNotice } from './error-notice.tsx';

/** The one recipe this page drives: the CPU product shot every farm can run. */
export const productShotRecipeId = 'product-shot/studio-local';
/** Mirrors `maxVariants` in shared/src/schemas/job.ts (imported as a value, it would bring zod into the bundle). */
const maxVariants = 16;
const defaultVariants = 4;
// Used when the recipe's JSON Schema lacks an enum (an older API); the schema wins when present.
const fallbackPresets = ['taobao-800', 'taobao-750x1000', 'amazon-2000'];
const fallbackScenes = ['auto', 'solid', 'gradient', 'studio-sweep'];

type RecipeState = { status: 'loading' } | { status: 'ready'; recipe: RecipeSummary | null } | { status: 'failed'; error: unknown };

export interface JobFormProps {
  asset: AssetView | null;
  onSubmitted: (jobId: string) => void;
}

function enumOf(schema: ParamSchema | undefined, fallback: string[]): string[] {
  const values = schema?.enum?.filter((v): v is string => typeof v === 'string');
  return values && values.length > 0 ? values : fallback;
}

function defaultOf(schema: ParamSchema | undefined, options: string[]): string {
  return typeof schema?.default === 'string' && options.includes(schema.default) ? schema.default : options[0] ?? '';
}

/** Preset, scene and variant count for a product shot, with the recipe's own choices. */
export function JobForm({ asset, onSubmitted }: JobFormProps) {
  const { t, language } = useI18n();
  const presetId = useId();
  const sceneId = useId();
  const variantsId = useId();
  const variantsHintId = useId();
  const submitHintId = useId();
  const [recipeState, setRecipeState] = useState<RecipeState>({ status: 'loading' });
  const [preset, setPreset] = useState('');
  const [scene, setScene] = useState('');
  const [variantsText, setVariantsText] = useState(String(defaultVariants));
  const [submitting, setSubmitting] = useState(false);
  const [submitError, setSubmitError] = useState<unknown>(null);

  useEffect(() => {
    const abort = new AbortController();
    listRecipes(abort.signal).then(
      (recipes) => setRecipeState({ status: 'ready', recipe: recipes.find((r) => r.id === productShotRecipeId) ?? null }),
      (error: unknown) => { if (!abort.signal.aborted) setRecipeState({ status: 'failed', error }); },
    );
    return () => abort.abort();
  }, []);

  const recipe = recipeState.status === 'ready' ? recipeState.recipe : null;
  const properties = recipe?.params.properties;
  const presets = enumOf(properties?.preset, fallbackPresets);
  const scenes = enumOf(properties?.scene, fallbackScenes);
  const presetValue = preset || defaultOf(properties?.preset, presets);
  const sceneValue = scene || defaultOf(properties?.scene, scenes);

  const variants = Number(variantsText);
  const variantsValid = Number.isInteger(variants) && variants >= 1 && variants <= maxVariants;
  const canSubmit = Boolean(asset && recipe?.available && variantsValid && !submitting);

  const onSubmit = async (e: FormEvent<HTMLFormElement>): Promise<void> => {
    e.preventDefault();
    if (!asset || !recipe || !canSubmit) return;
    setSubmitting(true);
    setSubmitError(null);
    try {
      const accepted = await submitJob({
        type: recipe.type, recipe: recipe.id, inputs: { product: asset.id },
        params: { preset: presetValue, scene: sceneValue }, variants,
      });
      onSubmitted(accepted.id);
    } catch (error) {
      setSubmitError(error);
    } finally {
      setSubmitting(false);
    }
  };

  const label = (prefix: string, value: string): string => {
    const key = optionalKey(`${prefix}.${value}`);
    return key ? t(key) : value;
  };
  const estimateSeconds = recipe && variantsValid ? Math.max(1, Math.ceil(recipe.estimateSecondsPerTask * variants)) : null;

  return (
    <form className="job-form" onSubmit={onSubmit} noValidate data-testid="job-form">
      {recipeState.status === 'loading' && <p className="muted" role="status">{t('form.recipeLoading')}</p>}
      {recipeState.status === 'failed' && <ErrorNotice error={describeError(recipeState.error, t)} testId="recipe-error" />}
      {recipeState.status === 'ready' && !recipe && (
        <div className="notice notice-error" role="alert">{t('form.recipeMissing', { id: productShotRecipeId })}</div>
      )}
      {recipe && (
        <div className="recipe-summary">
          <p className="recipe-title">{recipe.title[language]}</p>
          <p className="recipe-description">{recipe.description[language]}</p>
          {!recipe.available && <div className="notice notice-warning" role="status">{t('form.recipeUnavailable')}</div>}
        </div>
      )}

      <div className="field">
        <label htmlFor={presetId}>{t('form.preset')}</label>
        <select id={presetId} value={presetValue} onChange={(e) => setPreset(e.target.value)} data-testid="preset-select">
          {presets.map((p) => <option key={p} value={p}>{label('preset', p)}</option>)}
        </select>
      </div>

      <div className="field">
        <label htmlFor={sceneId}>{t('form.scene')}</label>
        <select id={sceneId} value={sceneValue} onChange={(e) => setScene(e.target.value)} data-testid="scene-select">
          {scenes.map((s) => <option key={s} value={s}>{label('scene', s)}</option>)}
        </select>
      </div>

      <div className="field">
        <label htmlFor={variantsId}>{t('form.variants')}</label>
        <input
          id={variantsId}
          type="number"
          inputMode="numeric"
          min={1}
          max={maxVariants}
          step={1}
          value={variantsText}
          onChange={(e) => setVariantsText(e.target.value)}
          aria-invalid={!variantsValid}
          aria-describedby={variantsHintId}
          data-testid="variants-input"
        />
        <p id={variantsHintId} className={variantsValid ? 'field-hint' : 'field-hint is-invalid'}>
          {t('form.variantsHint', { max: maxVariants })}
        </p>
      </div>

      <div className="form-actions">
        <button
          type="submit"
          className="button button-primary"
          disabled={!canSubmit}
          aria-describedby={asset ? undefined : submitHintId}
          data-testid="submit-job"
        >
          {submitting ? t('form.submitting') : t('form.submit')}
        </button>
        {!asset && <span id={submitHintId} className="muted">{t('form.needPhoto')}</span>}
        {asset && estimateSeconds !== null && <span className="muted">{t('form.estimate', { seconds: estimateSeconds })}</span>}
      </div>
      {submitError !== null && <ErrorNotice error={describeError(submitError, t)} testId="submit-error" />}
    </form>
  );
}
