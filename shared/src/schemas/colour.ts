import { z } from 'zod';

/** A colour as `#rrggbb` (sRGB), as recipe params and scene specs write it. */
export const HexColor = z.string().regex(/^#[0-9a-fA-F]{6}$/, 'expected a colour like #f4efe6');
export type HexColor = z.infer<typeof HexColor>;
