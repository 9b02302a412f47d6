import type { ParamSchema, ParamsSchema } from '../../api/client.ts';
import type { MessageKey, TranslateValues } from '../../i18n/i18n.ts';

/** How one parameter is edited; chosen from its JSON Schema alone, so a new recipe needs no UI code. */
export type ParamField =
  | { kind: 'select'; name: string; required: boolean; options: (string | number | boolean)[]; default: unknown }
  | { kind: 'slider'; name: string; required: boolean; integer: boolean; min: number; max: number; step: number; default: unknown }
  | { kind: 'number'; name: string; required: boolean; integer: boolean; min?: number; max?: number; default: unknown }
  | { kind: 'seed'; name: string; required: boolean; min: number; max: number; default: unknown }
  | { kind: 'text'; name: string; required: boolean; multiline: boolean; maxLength?: number; default: unknown }
  | { kind: 'colour'; name: string; required: boolean; default: unknown }
  | { kind: 'boolean'; name: string; required: boolean; default: unknown };

export type ParamValues = Record<string, unknown>;
/** A validation message, as a key and values, so the form says it in the page's language. */
export interface ParamError { key: MessageKey; values?: TranslateValues }

/** Seeds are 32-bit unsigned in every backend we drive (ComfyUI, Replicate, the local renderer). */
export const maxSeed = 2 ** 32 - 1;
/** A text parameter longer than this (or named like a prompt) gets a multi-line box. */
const multilineFrom = 120;
const sliderSteps = 100;

function typeOf(schema: ParamSchema): string | undefined {
  return Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
}

function lowerBound(schema: ParamSchema): number | undefined {
  return schema.minimum ?? schema.exclusiveMinimum;
}
function upperBound(schema: ParamSchema): number | undefined {
  return schema.maximum ?? schema.exclusiveMaximum;
}

/** A `#rrggbb` colour, as recipes declare colour parameters. */
export const hexColourPattern = /^#[0-9a-fA-F]{6}$/;

/** The fixed values of a union of literals (`fps: 25 | 30` is `anyOf: [{const: 25}, {const: 30}]`); null when free. */
function literalChoices(schema: ParamSchema): (string | number | boolean)[] | null {
  const parts = schema.anyOf ?? schema.oneOf;
  if (!parts || parts.length === 0) return null;
  const values = parts.flatMap((p) => (p.enum ? [...p.enum] : p.const !== undefined ? [p.const] : [null]));
  return values.every((v): v is string | number | boolean => v !== null && ['string', 'number', 'boolean'].includes(typeof v)) ? values : null;
}

/** Reads one property's schema into a field. */
export function fieldFor(name: string, schema: ParamSchema, required: boolean): ParamField {
  const type = typeOf(schema);
  const base = { name, required, default: schema.default };
  if (schema.enum && schema.enum.length > 0) return { ...base, kind: 'select', options: [...schema.enum] };
  const choices = literalChoices(schema);
  if (choices) return { ...base, kind: 'select', options: choices };
  if (type === 'string' && schema.pattern === hexColourPattern.source) return { ...base, kind: 'colour' };
  if (type === 'boolean') return { ...base, kind: 'boolean' };
  if (type === 'integer' || type === 'number') {
    const integer = type === 'integer';
    const min = lowerBound(schema);
    const max = upperBound(schema);
    if (/seed$/i.test(name) && integer) return { ...base, kind: 'seed', min: min ?? 0, max: max ?? maxSeed };
    if (min !== undefined && max !== undefined) {
      const step = schema.multipleOf ?? (integer ? 1 : niceStep((max - min) / sliderSteps));
      return { ...base, kind: 'slider', integer, min, max, step };
    }
    return { ...base, kind: 'number', integer, min, max };
  }
  const multiline = /prompt/i.test(name) || (schema.maxLength ?? 0) > multilineFrom;
  return { ...base, kind: 'text', multiline, maxLength: schema.maxLength };
}

/** 0.0137 → 0.01: a step a person can read on a slider. */
function niceStep(raw: number): number {
  if (!(raw > 0)) return 1;
  return 10 ** Math.floor(Math.log10(raw));
}

/** Every property of a recipe's parameter schema, in the schema's order. */
export function fieldsFor(schema: ParamsSchema): ParamField[] {
  const required = new Set(schema.required ?? []);
  return Object.entries(schema.properties ?? {}).map(([name, prop]) => fieldFor(name, prop, required.has(name) && prop.default === undefined));
}

/** The starting values: each field's schema default; fields without one stay unset (the API fills them). */
export function initialValues(fields: readonly ParamField[]): ParamValues {
  return Object.fromEntries(fields.flatMap((f) => (f.default === undefined ? [] : [[f.name, f.default]])));
}

/** Checks one value against its field, as the API would; null when it is fine. */
export function validateField(field: ParamField, value: unknown): ParamError | null {
  const empty = value === undefined || value === null || value === '';
  if (empty) return field.required ? { key: 'params.required' } : null;
  switch (field.kind) {
    case 'select':
      return field.options.includes(value as string) ? null : { key: 'params.notAnOption' };
    case 'boolean':
      return typeof value === 'boolean' ? null : { key: 'params.notANumber' };
    case 'colour':
      return typeof value === 'string' && hexColourPattern.test(value) ? null : { key: 'params.notAColour' };
    case 'text':
      if (typeof value !== 'string') return { key: 'params.required' };
      return field.maxLength !== undefined && value.length > field.maxLength ? { key: 'params.tooLong', values: { max: field.maxLength } } : null;
    case 'slider':
    case 'number':
    case 'seed': {
      if (typeof value !== 'number' || Number.isNaN(value)) return { key: 'params.notANumber' };
      const integer = field.kind === 'seed' || field.integer;
      if (integer && !Number.isInteger(value)) return { key: 'params.integer' };
      const { min, max } = field;
      if (min !== undefined && max !== undefined && (value < min || value > max)) return { key: 'params.range', values: { min, max } };
      if (min !== undefined && value < min) return { key: 'params.min', values: { min } };
      if (max !== undefined && value > max) return { key: 'params.max', values: { max } };
      return null;
    }
  }
}

/** Every field's error, by name; empty when the values can be submitted. */
export function validateParams(fields: readonly ParamField[], values: ParamValues): Record<string, ParamError> {
  return Object.fromEntries(fields.flatMap((f) => {
    const error = validateField(f, values[f.name]);
    return error ? [[f.name, error]] : [];
  }));
}

/** Only set values travel; the API fills defaults for the rest. */
export function submittedParams(values: ParamValues): ParamValues {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined && v !== null && v !== ''));
}

/** A random seed in the field's range, for the dice button. */
export function randomSeed(min: number, max: number, random: () => number = Math.random): number {
  return min + Math.floor(random() * (max - min + 1));
}
