import { Badge, Card, Tag } from 'antd';
import type { RecipeSummary } from '../../api/client.ts';
import { useI18n } from '../../i18n/i18n.ts';
import { formatYuan } from '../../lib/format-yuan.ts';

/** A recipe whose model licence forbids commercial use is shown, but badged: its images are for internal review only. */
export function isCommercial(recipe: RecipeSummary): boolean {
  return recipe.commercialUse;
}

export interface RecipeCardsProps {
  recipes: readonly RecipeSummary[];
  selected: string | null;
  onSelect: (id: string) => void;
}

/**
 * The recipes of one job type as cards: a real output of the recipe (its newest succeeded job on this farm),
 * the backend, GPU-seconds and ¥ per image, licence and availability.
 */
export function RecipeCards({ recipes, selected, onSelect }: RecipeCardsProps) {
  const { t, language } = useI18n();
  if (recipes.length === 0) return <p className="empty-state">{t('create.noRecipes')}</p>;
  return (
    <div className="recipe-cards" role="radiogroup" aria-label={t('create.recipe')}>
      {recipes.map((r) => {
        const card = (
          <Card
            size="small"
            hoverable
            role="radio"
            aria-checked={r.id === selected}
            tabIndex={0}
            className={r.id === selected ? 'recipe-card is-selected' : 'recipe-card'}
            onClick={() => onSelect(r.id)}
            onKeyDown={(e) => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); onSelect(r.id); } }}
            data-testid="recipe-card"
            data-recipe={r.id}
            title={r.title[language]}
            cover={r.sample
              ? <img className="recipe-sample" src={r.sample.thumbnailUrl ?? r.sample.url} alt={t('create.sampleAlt', { recipe: r.title[language] })} loading="lazy" data-testid="recipe-sample" />
              : <div className="recipe-sample recipe-sample-none">{t('create.noSample')}</div>}
          >
            <p className="recipe-description" title={r.description[language]}>{r.description[language]}</p>
            <div className="recipe-tags">
              <Tag>{t('create.backend', { backend: r.backend })}</Tag>
              <Tag color="blue">{t(r.backend === 'local' ? 'create.estimate' : 'create.estimateGpu', { seconds: Math.max(1, Math.round(r.estimateSecondsPerTask)) })}</Tag>
              <Tag color={r.estimateMilliFenPerImage === null ? 'default' : 'gold'} data-testid="recipe-price">
                {r.estimateMilliFenPerImage === null ? t('create.priceUnknown') : t('create.price', { yuan: formatYuan(r.estimateMilliFenPerImage) })}
              </Tag>
              {!isCommercial(r) && <Tag color="orange" data-testid="non-commercial">{t('create.nonCommercial')}</Tag>}
            </div>
          </Card>
        );
        return r.available ? <div key={r.id}>{card}</div> : <Badge.Ribbon key={r.id} text={t('create.unavailable')} color="gray">{card}</Badge.Ribbon>;
      })}
    </div>
  );
}
