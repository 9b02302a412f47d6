import { index, integer, jsonb, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';
import type { JobType, LocalisedText, RecipeVersionStatus } from '../../schemas/index.ts';

const at = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/**
 * Every published `recipe@version` (issue 13): the metadata here, the manifest in object storage at
 * `recipeVersionKey` (immutable once written, named by id and version). Shipped recipes are seeded as version 1.
 */
export const recipeVersions = pgTable('recipe_versions', {
  recipeId: text('recipe_id').notNull(),
  version: integer('version').notNull(),
  type: text('type').$type<JobType>().notNull(),
  backend: text('backend').notNull(),
  title: jsonb('title').$type<LocalisedText>().notNull(),
  status: text('status').$type<RecipeVersionStatus>().notNull(),
  source: text('source').$type<'shipped' | 'import'>().notNull(),
  manifestKey: text('manifest_key').notNull(),
  manifestSha256: text('manifest_sha256').notNull(),
  /** The draft it was published from; null for shipped recipes. */
  draftId: text('draft_id'),
  publishedBy: text('published_by'),
  publishedAt: at('published_at').notNull().defaultNow(),
  deprecatedBy: text('deprecated_by'),
  deprecatedAt: at('deprecated_at'),
}, (t) => [primaryKey({ name: 'recipe_versions_pk', columns: [t.recipeId, t.version] }), index('recipe_versions_status_idx').on(t.status)]);
