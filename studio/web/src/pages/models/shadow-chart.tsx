import type { ModelVersionView } from '@shotfarm/shared';
import { useI18n } from '../../i18n/i18n.ts';

const width = 320;
const height = 240;
const margin = { top: 12, right: 12, bottom: 40, left: 52 };
const plotW = width - margin.left - margin.right;
const plotH = height - margin.top - margin.bottom;
const ticks = 4;

/** A round upper bound for an axis: the data's maximum rounded up to 1, 2 or 5 × a power of ten. */
export function niceMax(x: number): number {
  if (!(x > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(x));
  return [1, 2, 5, 10].map((m) => m * p).find((m) => m >= x)!;
}

/**
 * The shadow comparison as a chart: each dot one image scored by both versions, the prediction of the model that
 * served when it was scored across, the shadow's up. Dots on the diagonal are images both rank alike; a cloud above it means the shadow
 * predicts more for the same images. Plain SVG: two axes, a diagonal and up to 200 dots need no chart library.
 */
export function ShadowChart({ m }: { m: ModelVersionView }) {
  const { t } = useI18n();
  const points = m.shadow?.points ?? [];
  if (points.length === 0) return null;
  const max = niceMax(Math.max(...points.flatMap((p) => [p.active, p.shadow])));
  const x = (v: number) => margin.left + (v / max) * plotW;
  const y = (v: number) => margin.top + plotH - (v / max) * plotH;
  const tickValues = Array.from({ length: ticks + 1 }, (_, i) => (i * max) / ticks);
  const label = (v: number) => `${(v * 100).toFixed(max < 0.05 ? 1 : 0)}`;
  const title = t('models.shadowChart.title', { shadow: m.modelVersion, images: m.shadow!.images });
  return (
    <figure style={{ margin: 0 }} data-testid="shadow-chart">
      <figcaption style={{ fontWeight: 600, marginBottom: 4 }}>{title}</figcaption>
      <svg width={width} height={height} viewBox={`0 0 ${width} ${height}`} role="img" aria-label={title}>
        <rect x={margin.left} y={margin.top} width={plotW} height={plotH} fill="none" stroke="#d9d9d9" />
        {tickValues.map((v) => (
          <g key={v}>
            <line x1={x(v)} x2={x(v)} y1={margin.top + plotH} y2={margin.top + plotH + 4} stroke="#8c8c8c" />
            <text x={x(v)} y={margin.top + plotH + 16} fontSize={10} textAnchor="middle" fill="#595959">{label(v)}</text>
            <line x1={margin.left - 4} x2={margin.left} y1={y(v)} y2={y(v)} stroke="#8c8c8c" />
            <text x={margin.left - 6} y={y(v) + 3} fontSize={10} textAnchor="end" fill="#595959">{label(v)}</text>
          </g>
        ))}
        <line x1={x(0)} y1={y(0)} x2={x(max)} y2={y(max)} stroke="#bfbfbf" strokeDasharray="4 3" data-testid="shadow-chart-diagonal" />
        {points.map((p, i) => (
          <circle key={i} cx={x(p.active)} cy={y(p.shadow)} r={2.5} fill="#722ed1" fillOpacity={0.55} data-testid="shadow-chart-point">
            <title>{t('models.shadowChart.point', { active: (p.active * 100).toFixed(2), shadow: (p.shadow * 100).toFixed(2) })}</title>
          </circle>
        ))}
        <text x={margin.left + plotW / 2} y={height - 6} fontSize={11} textAnchor="middle" fill="#262626">{t('models.shadowChart.x')}</text>
        <text transform={`translate(12 ${margin.top + plotH / 2}) rotate(-90)`} fontSize={11} textAnchor="middle" fill="#262626">{t('models.shadowChart.y', { version: m.modelVersion })}</text>
      </svg>
      <p className="muted" style={{ maxWidth: width, margin: '4px 0 0' }}>{t('models.shadowChart.help')}</p>
    </figure>
  );
}

/** Every version that scored in shadow, one chart each, against what the serving model predicted for the same images. */
export function ShadowCharts({ versions }: { versions: readonly ModelVersionView[] }) {
  const { t } = useI18n();
  const withShadow = versions.filter((m) => (m.shadow?.points.length ?? 0) > 0);
  if (withShadow.length === 0) return null;
  return (
    <section aria-label={t('models.shadowChart.section')} data-testid="shadow-charts">
      <h2 style={{ fontSize: 16 }}>{t('models.shadowChart.section')}</h2>
      <div style={{ display: 'flex', flexWrap: 'wrap', gap: 24 }}>
        {withShadow.map((m) => <ShadowChart key={m.version} m={m} />)}
      </div>
    </section>
  );
}
