import { lazy, type ComponentType, type LazyExoticComponent } from 'react';
import type { MessageKey } from '../i18n/i18n.ts';

/** One page: its path, its navigation label, and its folder under pages/ (loaded on first visit). */
export interface PageRoute {
  path: string;
  label: MessageKey;
  Page: LazyExoticComponent<ComponentType>;
}

/**
 * Every page of the studio, in navigation order. A new page (launches, experiments, costs) is one folder
 * under pages/ exporting a default component, plus one entry here.
 */
export const pageRoutes: readonly PageRoute[] = [
  { path: '/', label: 'nav.create', Page: lazy(() => import('../pages/create/create-page.tsx')) },
  { path: '/jobs', label: 'nav.jobs', Page: lazy(() => import('../pages/jobs/jobs-page.tsx')) },
  { path: '/gallery', label: 'nav.gallery', Page: lazy(() => import('../pages/gallery/gallery-page.tsx')) },
  { path: '/farm', label: 'nav.farm', Page: lazy(() => import('../pages/farm/farm-page.tsx')) },
  { path: '/assets', label: 'nav.assets', Page: lazy(() => import('../pages/assets/assets-page.tsx')) },
];
