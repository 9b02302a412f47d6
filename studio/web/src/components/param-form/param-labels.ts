import { optionalKey, type Translate } from '../../i18n/i18n.ts';

/** A parameter's name as people read it (`param.<name>` in the dictionaries), else the name itself. */
export function paramLabel(t: Translate, name: string): string {
  const key = optionalKey(`param.${name}`);
  return key ? t(key) : name;
}

/** One value of a parameter as people read it (`<name>.<value>`, e.g. `scene.solid`), else the value itself. */
export function paramValueLabel(t: Translate, name: string, value: unknown): string {
  const key = optionalKey(`${name}.${String(value)}`);
  if (key) return t(key);
  if (typeof value === 'string') return value;
  // Graphs saved by ComfyUI carry binary-float artefacts (0.8700000000000001): show the number a person typed.
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(12)));
  return JSON.stringify(value);
}
