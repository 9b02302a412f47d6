import type { ImageScore } from '@shotfarm/shared';
import { useI18n } from '../i18n/i18n.ts';

/** Marketplace profiles in the order designers think of them. */
const profileOrder = ['taobao-main', 'taobao-white', 'pdd-main', 'amazon-main'];

/** One badge per marketplace profile: passes, or the first rule it fails with its measured value. */
export function GateBadges({ score }: { score: ImageScore | null }) {
  const { t, language } = useI18n();
  if (!score) return <p className="gate-pending" data-testid="gate-pending">{t('gate.pending')}</p>;
  const ids = Object.keys(score.gate).sort((a, b) => rank(a) - rank(b));
  return (
    <ul className="gate-badges" data-testid="gate-badges" aria-label={t('gate.title')}>
      {ids.map((id) => {
        const gate = score.gate[id]!;
        const failed = gate.rules.find((r) => !r.pass);
        return (
          <li key={id} className={`badge ${gate.pass ? 'badge-success' : 'badge-failed'}`} data-testid="gate-badge" data-profile={id} data-pass={gate.pass}
            title={failed ? `${failed.message[language]} (${String(failed.value)}${failed.unit ?? ''}; ${failed.threshold})` : undefined}>
            {t(`gate.profile.${id}` as 'gate.profile.taobao-main')}{' '}
            {gate.pass ? t('gate.pass') : failed?.message[language]}
          </li>
        );
      })}
      <li className="gate-quality" data-testid="quality-score">{t('gate.quality', { score: Math.round(score.quality.score * 100) })}</li>
    </ul>
  );
}

function rank(id: string): number {
  const i = profileOrder.indexOf(id);
  return i < 0 ? profileOrder.length : i;
}
