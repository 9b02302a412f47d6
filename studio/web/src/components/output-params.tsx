import type { Params } from '@shotfarm/shared';
import { optionalKey, useI18n, type MessageKey } from '../i18n/i18n.ts';

/** The parameters worth showing under a variant, in this order; the rest (seed, margins, cutout method) stay in the API. */
const shownParams: readonly { name: string; label: MessageKey }[] = [
  { name: 'scene', label: 'param.scene' },
  { name: 'preset', label: 'param.preset' },
  { name: 'color', label: 'param.color' },
];

export interface OutputParamsProps {
  params: Params;
}

export function OutputParams({ params }: OutputParamsProps) {
  const { t } = useI18n();
  const rows = shownParams.flatMap(({ name, label }) => {
    const value = params[name];
    if (typeof value !== 'string' && typeof value !== 'number') return [];
    const key = optionalKey(`${name}.${value}`);
    return [{ name, label: t(label), value: String(value), text: key ? t(key) : String(value) }];
  });
  if (rows.length === 0) return null;
  return (
    <dl className="output-params">
      {rows.map((row) => (
        <div key={row.name} className="output-param" data-param={row.name}>
          <dt>{row.label}</dt>
          <dd>
            {row.name === 'color' && <span className="swatch" style={{ background: row.value }} aria-hidden="true" />}
            {row.text}
          </dd>
        </div>
      ))}
    </dl>
  );
}
