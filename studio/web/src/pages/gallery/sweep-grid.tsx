import type { JobView, ParamValue } from '@shotfarm/shared';
import { useParamWords } from '../../components/param-form/use-param-words.ts';
import { useI18n } from '../../i18n/i18n.ts';

export interface SweepGridProps {
  job: JobView;
  selected: readonly string[];
  onToggle: (assetId: string) => void;
}

type Cell = { outputs: JobView['outputs'] };

const valueKey = (v: unknown): string => JSON.stringify(v ?? null);

/**
 * A parameter sweep as a table: the first axis's values across, the second's down (one row without a second
 * axis), each cell holding that combination's variants. Thumbnails toggle selection, so neighbouring cells
 * can be opened side by side in the compare view.
 */
export function SweepGrid({ job, selected, onToggle }: SweepGridProps) {
  const { t } = useI18n();
  const words = useParamWords(job.recipe.id);
  const [across, down] = job.sweep ?? [];
  if (!across) return null;
  const rows: (ParamValue | null)[] = down ? down.values : [null];
  const outputsByTask = new Map<string, JobView['outputs']>();
  for (const o of job.outputs) outputsByTask.set(o.taskId, [...(outputsByTask.get(o.taskId) ?? []), o]);
  const cells = new Map<string, Cell>();
  for (const task of job.tasks) {
    const key = `${valueKey(task.params[across.param])}|${down ? valueKey(task.params[down.param]) : 'null'}`;
    const cell = cells.get(key) ?? { outputs: [] };
    cell.outputs.push(...(outputsByTask.get(task.id) ?? []));
    cells.set(key, cell);
  }
  const name = (param: string) => words.label(param);
  const showValue = (param: string, v: ParamValue | null): string => (v === null ? '—' : words.value(param, v));
  const caption = down ? t('gallery.sweepCaption2', { across: name(across.param), down: name(down.param) }) : t('gallery.sweepCaption1', { across: name(across.param) });

  return (
    <div className="sweep-grid-scroll">
      <table className="sweep-grid" data-testid="sweep-grid">
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col"><span className="muted">{down ? `${name(down.param)} ↓ · ${name(across.param)} →` : `${name(across.param)} →`}</span></th>
            {across.values.map((v) => <th key={valueKey(v)} scope="col" data-testid="sweep-col" data-value={valueKey(v)}>{showValue(across.param, v)}</th>)}
          </tr>
        </thead>
        <tbody>
          {rows.map((rowValue) => (
            <tr key={valueKey(rowValue)}>
              <th scope="row" data-testid="sweep-row" data-value={valueKey(rowValue)}>{down ? showValue(down.param, rowValue) : ''}</th>
              {across.values.map((colValue) => {
                const cell = cells.get(`${valueKey(colValue)}|${valueKey(rowValue)}`);
                return (
                  <td key={valueKey(colValue)} data-testid="sweep-cell">
                    {!cell || cell.outputs.length === 0 ? <span className="muted">{t('gallery.sweepEmpty')}</span> : cell.outputs.map((o) => (
                      <button key={o.assetId} type="button" className={selected.includes(o.assetId) ? 'sweep-thumb is-selected' : 'sweep-thumb'}
                        onClick={() => onToggle(o.assetId)} aria-pressed={selected.includes(o.assetId)}
                        aria-label={t('gallery.sweepCell', { across: `${name(across.param)} ${showValue(across.param, colValue)}`, down: down ? `${name(down.param)} ${showValue(down.param, rowValue)}` : '' })}>
                        <img src={o.thumbnailUrl ?? o.url} alt="" loading="lazy" decoding="async" />
                      </button>
                    ))}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
