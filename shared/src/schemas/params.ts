import { z } from 'zod';

/**
 * Recipe parameters as they cross the wire: any JSON value per name. Each recipe's own strict schema
 * decides what is allowed; this only guarantees the values are plain JSON.
 */
export const ParamValue = z.json();
export type ParamValue = z.infer<typeof ParamValue>;
export const Params = z.record(z.string(), ParamValue);
export type Params = z.infer<typeof Params>;
