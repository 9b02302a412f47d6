import { Tag } from 'antd';
import type { RecipeSummary } from '../../api/client.ts';
import { useI18n, type Translate } from '../../i18n/i18n.ts';
import { formatYuan } from '../../lib/format-yuan.ts';

/** A recipe whose model licence forbids commercial use is shown, but badged: its images are for internal review only. */
export function isCommercial(recipe: RecipeSummary): boolean {
  return recipe.commercialUse;
}

/**
 * The recipe preselected among a type's: one that can run here and whose images may be sold, then one whose images
 * may be sold (a designer sees why it cannot run yet), then whatever there is.
 */
export function defaultRecipeOf(recipes: readonly RecipeSummary[], preferredId?: string): RecipeSummary | undefined {
  const preferred = recipes.find((r) => r.id === preferredId && r.available && r.commercialUse);
  return preferred ?? recipes.find((r) => r.available && r.commercialUse) ?? recipes.find((r) => r.commercialUse) ?? recipes.find((r) => r.available) ?? recipes[0];
}

/** Each reason a recipe cannot run, as one sentence saying what would make it available and who does it. */
export function unavailableWords(recipe: RecipeSummary, t: Translate): string[] {
  return recipe.unavailableReasons.map((reason) => t(`recipe.unavailable.${reason}`, { backend: recipe.backend }));
}

/** Seconds per output, said per image or per video, on the CPU or in GPU-seconds. */
function estimateKey(r: RecipeSummary): 'create.estimate' | 'create.estimateGpu' | 'recipe.estimateVideo' | 'recipe.estimateVideoGpu' {
  const video = r.type === 'short-video';
  if (r.backend === 'local') return video ? 'recipe.estimateVideo' : 'create.estimate';
  return video ? 'recipe.estimateVideoGpu' : 'create.estimateGpu';
}

export interface RecipeCardsProps {
  recipes: readonly RecipeSummary[];
  selected: string | null;
  onSelect: (id: string) => void;
}

/**
 * The recipes of one job type as a compact chooser: one row each with a real output of the recipe (its newest
 * succeeded job on this farm), the backend, seconds and ¥ per image, the licence, and — when it cannot run here —
 * why, and what would make it available.
 */
export function RecipeCards({ recipes, selected, onSelect }: RecipeCardsProps) {
  const { t, language } = useI18n();
  if (recipes.length === 0) return <p className="empty-state">{t('create.noRecipes')}</p>;
  return (
    <div className="recipe-cards" role="radiogroup" aria-label={t('create.recipe')}>
      {recipes.map((r) => {
        const isSelected = r.id === selected;
        const reasons = r.available ? [] : unavailableWords(r, t);
        return (
          <div
            key={r.id}
            role="radio"
            aria-checked={isSelected}
            tabIndex={0}
            className={['recipe-card', isSelected && 'is-selected', !r.available && 'is-unavailable'].filter(Boolean).join(' ')}
            onClick={() => onSelect(r.id)}
            onKeyDown={(e) => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); onSelect(r.id); } }}
            data-testid="recipe-card"
            data-recipe={r.id}
            data-available={r.available}
          >
            {r.sample
              ? <img className="recipe-sample" src={r.sample.thumbnailUrl ?? r.sample.url} alt={t('create.sampleAlt', { recipe: r.title[language] })} loading="lazy" data-testid="recipe-sample" />
              : <div className="recipe-sample recipe-sample-none" title={t('create.noSample')}>{t('recipe.noSampleShort')}</div>}
            <div className="recipe-body">
              <div className="recipe-title" data-testid="recipe-title">{r.title[language]}</div>
              <p className="recipe-description" title={r.description[language]}>{r.description[language]}</p>
              <div className="recipe-tags">
                {!r.available && <Tag color="default" data-testid="recipe-unavailable">{t('recipe.unavailableTitle')}</Tag>}
                {isCommercial(r)
                  ? <Tag color="green" data-testid="commercial">{t('recipe.commercialOk')}</Tag>
                  : <Tag color="orange" data-testid="non-commercial" title={t('recipe.nonCommercialHint')}>{t('create.nonCommercial')}</Tag>}
                <Tag>{t('create.backend', { backend: r.backend })}</Tag>
                <Tag color="blue">{t(estimateKey(r), { seconds: Math.max(1, Math.round(r.estimateSecondsPerTask)) })}</Tag>
                <Tag color={r.estimateMilliFenPerImage === null ? 'default' : 'gold'} data-testid="recipe-price">
                  {r.estimateMilliFenPerImage === null ? t('create.priceUnknown')
                    : t(r.type === 'short-video' ? 'recipe.priceVideo' : 'create.price', { yuan: formatYuan(r.estimateMilliFenPerImage) })}
                </Tag>
              </div>
              {reasons.length > 0 && (
                <ul className="recipe-reasons" data-testid="recipe-unavailable-reason">
                  {reasons.map((reason) => <li key={reason}>{reason}</li>)}
                </ul>
              )}
              {isSelected && !isCommercial(r) && <p className="recipe-licence-note" data-testid="non-commercial-note">{t('recipe.nonCommercialHint')}</p>}
            </div>
          </div>
        );
      })}
    </div>
  );
}
