import { z } from 'zod';

/**
 * A text in both of the studio's languages: recipe titles and labels, gate messages, parameter words. Both are
 * required and non-empty, so the studio never falls back to a key or a blank.
 */
export const LocalisedText = z.strictObject({ 'zh-CN': z.string().min(1), en: z.string().min(1) });
export type LocalisedText = z.infer<typeof LocalisedText>;
