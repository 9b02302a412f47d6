import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { ExperimentPeriod } from '@shotfarm/shared';
import { useI18n } from '../../i18n/i18n.ts';

const palette = ['#1677ff', '#52c41a', '#fa8c16', '#eb2f96', '#722ed1', '#13c2c2', '#faad14', '#a0d911', '#2f54eb', '#f5222d', '#8c8c8c', '#597ef7', '#9254de', '#36cfc9', '#ffc53d', '#ff7a45'];

/** Traffic weight and P(best) of each arm by allocation period: how the bandit moved traffic over time. */
export function WeightsChart({ periods, arms, metric }: { periods: readonly ExperimentPeriod[]; arms: readonly string[]; metric: 'weights' | 'pBest' }) {
  const { t, language } = useI18n();
  const time = new Intl.DateTimeFormat(language, { timeStyle: 'medium' });
  const data = periods.map((p) => ({
    label: time.format(new Date(p.startedAt)),
    ...Object.fromEntries(arms.map((_, i) => [`arm${i}`, Number(((p[metric][i] ?? 0) * 100).toFixed(2))])),
  }));
  return (
    <figure data-testid={`experiment-${metric}-chart`} aria-label={t(metric === 'weights' ? 'experiments.chart.weights' : 'experiments.chart.pBest')}>
      <figcaption className="muted">{t(metric === 'weights' ? 'experiments.chart.weights' : 'experiments.chart.pBest')}</figcaption>
      <ResponsiveContainer width="100%" height={220}>
        <LineChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} />
          <XAxis dataKey="label" />
          <YAxis unit="%" domain={[0, 100]} width={52} />
          <Tooltip />
          <Legend />
          {arms.map((_, i) => (
            <Line key={i} type="stepAfter" dataKey={`arm${i}`} name={t('experiments.arm', { n: i + 1 })} stroke={palette[i % palette.length]} dot={false} isAnimationActive={false} />
          ))}
        </LineChart>
      </ResponsiveContainer>
    </figure>
  );
}
