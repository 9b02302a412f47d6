import type { JobView } from '@shotfarm/shared';
import { OutputParams } from '../../components/output-params.tsx';
import { useParamWords } from '../../components/param-form/use-param-words.ts';
import { recipeTitle, useRecipes } from '../../hooks/use-recipes.ts';
import { useI18n } from '../../i18n/i18n.ts';
import type { GalleryItem } from './gallery-items.ts';

/** The sweep cell an image belongs to, in words ("场景 纯色背景 × 颜色 白色"); null when its job has no sweep. */
export function useSweepCell(item: GalleryItem, sweepJob: JobView | undefined): string | null {
  const words = useParamWords(item.recipeId);
  if (!sweepJob?.sweep || sweepJob.id !== item.jobId) return null;
  return sweepJob.sweep.map((axis) => `${words.label(axis.param)} ${words.value(axis.param, item.params[axis.param])}`).join(' × ');
}

/** Where an image came from: its recipe by name, its sweep cell, its parameters in words. */
export function ItemCaption({ item, sweepJob, limit }: { item: GalleryItem; sweepJob?: JobView; limit?: number }) {
  const { t, language } = useI18n();
  const recipes = useRecipes();
  const cell = useSweepCell(item, sweepJob);
  return (
    <div className="item-caption" data-testid="item-caption">
      {item.recipeId && <div className="item-recipe" data-testid="item-recipe"><span className="muted">{t('viewer.recipe')}</span> {recipeTitle(recipes.data, item.recipeId, language)}</div>}
      {cell && <div className="item-cell" data-testid="item-sweep-cell"><span className="muted">{t('viewer.sweepCell')}</span> {cell}</div>}
      <OutputParams params={item.params} recipeId={item.recipeId} limit={limit} />
    </div>
  );
}
