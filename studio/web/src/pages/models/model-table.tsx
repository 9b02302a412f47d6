import { Button, Popconfirm, Space, Table, Tag, Tooltip } from 'antd';
import type { ModelStatus, ModelVersionView } from '@shotfarm/shared';
import { useI18n, type Translate } from '../../i18n/i18n.ts';
import { formatDateTime } from '../../lib/format-date.ts';

const statusColour: Record<ModelStatus, string> = { active: 'green', candidate: 'blue', shadow: 'purple', retired: 'default' };
const fixed = (x: number, digits = 3) => x.toFixed(digits);
const signed = (x: number, digits = 3) => `${x >= 0 ? '+' : ''}${x.toFixed(digits)}`;

/** What an admin may do with a version: nothing (active), roll back (it served before), activate (shown better), or force (audited). */
export function activationOf(m: ModelVersionView): 'none' | 'rollback' | 'activate' | 'override' {
  if (m.status === 'active') return 'none';
  if (m.status === 'retired') return 'rollback';
  return m.card.comparison?.decision === 'better' ? 'activate' : 'override';
}

/** What a version scored in shadow beside the active model: how many images, and how alike the two rankings are. */
function ShadowStats({ m, t }: { m: ModelVersionView; t: Translate }) {
  if (!m.shadow) return null;
  return (
    <span className="muted" data-testid="model-shadow-stats" title={t('models.shadowHelp')}>
      {t('models.shadowStats', { images: m.shadow.images, rho: m.shadow.spearman === null ? '—' : m.shadow.spearman.toFixed(2) })}
    </span>
  );
}

/** The comparison with the version that was active when this one was trained, or a dash (the shipped model). */
function ComparisonCell({ m, t }: { m: ModelVersionView; t: Translate }) {
  const c = m.card.comparison;
  if (!c) return m.shadow ? <ShadowStats m={m} t={t} /> : <>{t('models.none')}</>;
  return (
    <Space orientation="vertical" size={2}>
      <ShadowStats m={m} t={t} />
      <Tag color={c.decision === 'better' ? 'green' : 'orange'}>{c.decision === 'better' ? t('models.comparison.better') : t('models.comparison.notBetter')}</Tag>
      <span className="muted" data-testid="model-comparison" style={{ whiteSpace: 'nowrap' }}>
        {c.againstVersion === 0 ? t('models.comparison.againstComposite') : t('models.comparison.against', { against: c.againstVersion })}<br />
        {t('models.comparison.auc', { auc: signed(c.aucGain), aucLow: signed(c.aucGainCi95[0]), aucHigh: signed(c.aucGainCi95[1]) })}<br />
        {t('models.comparison.logLoss', { ll: signed(c.logLossGain, 4), llLow: signed(c.logLossGainCi95[0], 4), llHigh: signed(c.logLossGainCi95[1], 4) })}
      </span>
    </Space>
  );
}

/** What an admin may do with one version, each switch confirmed first; the active version has no buttons. */
function Actions({ m, t, onActivate, onShadow, busy }: {
  m: ModelVersionView; t: Translate; onActivate: (version: number, override: boolean) => void; onShadow: ((version: number) => void) | undefined; busy: boolean;
}) {
  const action = activationOf(m);
  if (action === 'none') return null;
  const override = action === 'override';
  const label = action === 'rollback' ? t('models.rollback') : override ? t('models.override') : t('models.activate');
  return (
    <Space wrap size={4}>
      <Popconfirm title={override ? t('models.overrideConfirm') : t('models.activateConfirm')} onConfirm={() => onActivate(m.version, override)}
        okText={label} cancelText={t('models.cancel')}>
        <Button size="small" danger={override} loading={busy} data-testid={`model-${action}`}>{label}</Button>
      </Popconfirm>
      {m.status === 'candidate' && onShadow && (
        <Button size="small" loading={busy} onClick={() => onShadow(m.version)} data-testid="model-shadow" title={t('models.shadowHelp')}>{t('models.shadow')}</Button>
      )}
    </Space>
  );
}

/** Every version of the CTR model with its card; admins get activate / roll back / force buttons, each confirmed. */
export function ModelTable({ versions, canManage, onActivate, onShadow, busy }: {
  versions: readonly ModelVersionView[]; canManage: boolean; onActivate: (version: number, override: boolean) => void;
  /** Put a candidate in shadow: it scores every new image beside the active model, serving nothing. */
  onShadow?: (version: number) => void; busy: boolean;
}) {
  const { t, language } = useI18n();
  return (
    <Table size="small" rowKey="version" pagination={false} dataSource={[...versions]} data-testid="model-versions"
      columns={[
        { title: t('models.version'), render: (_, m) => (
          <Space orientation="vertical" size={6}>
            <Space><strong style={{ whiteSpace: 'nowrap' }}>{m.modelVersion}</strong><Tag color={statusColour[m.status]} data-testid="model-status">{t(`models.status.${m.status}`)}</Tag></Space>
            {canManage && <Actions m={m} t={t} onActivate={onActivate} onShadow={onShadow} busy={busy} />}
          </Space>
        ) },
        { title: t('models.trainedOn'), render: (_, m) => (
          <Tooltip title={`${m.card.data}. ${t(`models.card.${m.card.trainedOn}`)}`}>
            <Tag color={m.card.trainedOn === 'simulator' ? 'orange' : 'green'} data-testid="model-trained-on">{t(`appeal.trainedOn.${m.card.trainedOn}`)}</Tag>
          </Tooltip>
        ) },
        { title: t('models.window'), render: (_, m) => (m.card.dataWindow ? <>{m.card.dataWindow.from} –<br />{m.card.dataWindow.to}</> : t('models.none')) },
        { title: t('models.rows'), render: (_, m) => (m.card.rows === null ? t('models.none') : m.card.rows.toLocaleString()) },
        { title: t('models.impressionsClicks'), render: (_, m) => (m.card.impressions === null ? t('models.none') : `${m.card.impressions.toLocaleString()} / ${(m.card.clicks ?? 0).toLocaleString()}`) },
        { title: <Tooltip title={t('models.auc.help')}>{t('models.auc')}</Tooltip>, render: (_, m) => (m.card.metrics
          ? `${fixed(m.card.metrics.withinProductAuc)} [${fixed(m.card.metrics.withinProductAucCi95[0])}, ${fixed(m.card.metrics.withinProductAucCi95[1])}]` : t('models.none')) },
        { title: <Tooltip title={t('models.ece.help')}>{t('models.ece')}</Tooltip>, render: (_, m) => (m.card.metrics ? fixed(m.card.metrics.expectedCalibrationError, 4) : t('models.none')) },
        { title: <Tooltip title={t('models.comparison.help')}>{t('models.comparison')}</Tooltip>, render: (_, m) => <ComparisonCell m={m} t={t} /> },
        { title: t('models.created'), render: (_, m) => formatDateTime(m.createdAt, language) },
      ]} />
  );
}
