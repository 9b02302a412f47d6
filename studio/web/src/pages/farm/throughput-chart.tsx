import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { ThroughputBucket } from '@shotfarm/shared';
import { useI18n } from '../../i18n/i18n.ts';

/** Chart height in px; the width follows the card. */
const chartHeight = 240;
/** Colours of the three outcomes, the same greens and reds as the status tags. */
const colours = { succeeded: '#52c41a', failed: '#ff4d4f', canceled: '#bfbfbf' } as const;

const clock = (iso: string): string => {
  const d = new Date(iso);
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
};

/** Tasks finished per bucket, stacked by outcome: a stalled farm shows as a run of empty bars. */
export function ThroughputChart({ buckets }: { buckets: readonly ThroughputBucket[] }) {
  const { t } = useI18n();
  const data = buckets.map((b) => ({ ...b, label: clock(b.start) }));
  const total = buckets.reduce((n, b) => n + b.succeeded + b.failed + b.canceled, 0);
  return (
    <figure className="throughput-chart" data-testid="throughput-chart" data-total={total} aria-label={t('farm.throughput')}>
      <ResponsiveContainer width="100%" height={chartHeight}>
        <BarChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} />
          <XAxis dataKey="label" />
          <YAxis allowDecimals={false} width={32} />
          <Tooltip />
          <Legend />
          {(['succeeded', 'failed', 'canceled'] as const).map((k) => (
            <Bar key={k} dataKey={k} stackId="tasks" name={t(`farm.throughput.${k}`)} fill={colours[k]} isAnimationActive={false} />
          ))}
        </BarChart>
      </ResponsiveContainer>
      {total === 0 && <figcaption className="muted">{t('farm.throughput.empty')}</figcaption>}
    </figure>
  );
}
