import { lazy, type ComponentType, type LazyExoticComponent } from 'react';
import type { MessageKey } from '../i18n/i18n.ts';
import type { StudioAccess } from '../session/session.tsx';

/** One page: its path, its navigation label, who may open it, and its folder under pages/ (loaded on first visit). */
export interface PageRoute {
  path: string;
  label: MessageKey;
  /** The roles the page needs, as the API routes it calls declare them; others see neither its link nor the page. */
  access: StudioAccess;
  Page: LazyExoticComponent<ComponentType>;
}

/**
 * Every page of the studio, in navigation order. A new page (launches, experiments, costs) is one folder
 * under pages/ exporting a default component, plus one entry here. An operator holds a designer's rights and an
 * admin everyone's (`holdsRole` in shared), so 'designer' pages are theirs too.
 */
export const pageRoutes: readonly PageRoute[] = [
  { path: '/', access: 'designer', label: 'nav.create', Page: lazy(() => import('../pages/create/create-page.tsx')) },
  { path: '/jobs', access: 'designer', label: 'nav.jobs', Page: lazy(() => import('../pages/jobs/jobs-page.tsx')) },
  { path: '/gallery', access: 'designer', label: 'nav.gallery', Page: lazy(() => import('../pages/gallery/gallery-page.tsx')) },
  { path: '/farm', access: 'authenticated', label: 'nav.farm', Page: lazy(() => import('../pages/farm/farm-page.tsx')) },
  { path: '/assets', access: 'designer', label: 'nav.assets', Page: lazy(() => import('../pages/assets/assets-page.tsx')) },
  { path: '/recipes', access: 'designer', label: 'nav.recipes', Page: lazy(() => import('../pages/recipes/recipes-page.tsx')) },
  { path: '/experiments', access: 'growth', label: 'nav.experiments', Page: lazy(() => import('../pages/experiments/experiments-page.tsx')) },
  { path: '/models', access: 'authenticated', label: 'nav.models', Page: lazy(() => import('../pages/models/models-page.tsx')) },
  { path: '/launches', access: 'operator', label: 'nav.launches', Page: lazy(() => import('../pages/launches/launches-page.tsx')) },
  { path: '/costs', access: 'operator', label: 'nav.costs', Page: lazy(() => import('../pages/costs/costs-page.tsx')) },
  { path: '/users', access: 'admin', label: 'nav.users', Page: lazy(() => import('../pages/users/users-page.tsx')) },
];
