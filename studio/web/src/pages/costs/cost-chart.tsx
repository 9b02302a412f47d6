import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { CostRollupRow } from '@shotfarm/shared';
import { useI18n } from '../../i18n/i18n.ts';
import { formatYuan } from '../../lib/format-yuan.ts';

const chartHeight = 240;
const milliFenPerYuan = 100_000;

/** Spend per day (idle GPU time stacked on top of the rest), in ¥. */
export function CostChart({ days }: { days: readonly CostRollupRow[] }) {
  const { t } = useI18n();
  // Display only: yuan as numbers for the axis; the table keeps the integer amounts.
  const data = days.map((d) => ({ day: d.key ?? '', busy: (d.amount - d.idleAmount) / milliFenPerYuan, idle: d.idleAmount / milliFenPerYuan }));
  return (
    <figure className="cost-chart" data-testid="cost-chart" data-days={days.length} aria-label={t('costs.chart')}>
      <ResponsiveContainer width="100%" height={chartHeight}>
        <BarChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: 8 }}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} />
          <XAxis dataKey="day" />
          <YAxis width={56} tickFormatter={(v: number) => `¥${v}`} />
          <Tooltip formatter={(v) => formatYuan(Math.round(Number(v) * milliFenPerYuan))} />
          <Bar dataKey="busy" stackId="spend" name={t('costs.chart.work')} fill="#1677ff" isAnimationActive={false} />
          <Bar dataKey="idle" stackId="spend" name={t('costs.chart.idle')} fill="#faad14" isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
      {days.length === 0 && <figcaption className="muted">{t('costs.empty')}</figcaption>}
    </figure>
  );
}
