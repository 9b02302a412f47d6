import { z } from 'zod';

/** Every error the API answers: a stable `code` (see errors/codes.ts), a human message, optional details. */
export const ApiError = z.object({
  code: z.string(),
  message: z.string(),
  details: z.unknown().optional(),
});
export type ApiError = z.infer<typeof ApiError>;
