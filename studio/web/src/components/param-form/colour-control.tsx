import { ColorPicker } from 'antd';
import { useI18n, type MessageKey } from '../../i18n/i18n.ts';

/** Named swatches a designer picks from (backgrounds that suit product shots); any other colour via the picker. */
export const colourSwatches: readonly { hex: string; name: MessageKey }[] = [
  { hex: '#ffffff', name: 'colour.white' },
  { hex: '#f4efe6', name: 'colour.ivory' },
  { hex: '#e8e8e8', name: 'colour.lightGrey' },
  { hex: '#dbe4ee', name: 'colour.mistBlue' },
  { hex: '#f6e1e1', name: 'colour.blush' },
  { hex: '#dff0e6', name: 'colour.mint' },
  { hex: '#f3e3c3', name: 'colour.sand' },
  { hex: '#1f1f1f', name: 'colour.black' },
];

export interface ColourControlProps {
  id: string;
  labelId: string;
  /** `#rrggbb`, or undefined for "automatic" (the recipe's own palette). */
  value: string | undefined;
  onChange: (value: string | undefined) => void;
  testId: string;
}

/**
 * A colour as a designer chooses one: automatic, a named swatch, or any colour from the picker. Only `#rrggbb`
 * ever reaches the form value, so "白色" typed by hand can no longer be accepted here and refused on submit.
 */
export function ColourControl({ id, labelId, value, onChange, testId }: ColourControlProps) {
  const { t } = useI18n();
  const current = value?.toLowerCase();
  const named = colourSwatches.find((s) => s.hex === current);
  return (
    <div className="colour-control" id={id} role="radiogroup" aria-labelledby={labelId} data-testid={testId} data-value={value ?? ''}>
      <button type="button" role="radio" aria-checked={value === undefined} className={value === undefined ? 'colour-auto is-selected' : 'colour-auto'}
        onClick={() => onChange(undefined)} data-testid={`${testId}-auto`}>{t('colour.auto')}</button>
      {colourSwatches.map((s) => (
        <button key={s.hex} type="button" role="radio" aria-checked={current === s.hex} title={`${t(s.name)} ${s.hex}`} aria-label={t(s.name)}
          className={current === s.hex ? 'colour-swatch is-selected' : 'colour-swatch'} style={{ background: s.hex }}
          onClick={() => onChange(s.hex)} data-testid={`${testId}-swatch`} data-hex={s.hex} />
      ))}
      <ColorPicker value={value ?? '#ffffff'} format="hex" disabledAlpha onChange={(c) => onChange(c.toHexString().slice(0, 7))}
        aria-label={t('colour.custom')} size="small" />
      <span className="colour-name muted" aria-live="polite">{value === undefined ? '' : named ? `${t(named.name)} · ${value}` : value}</span>
    </div>
  );
}
