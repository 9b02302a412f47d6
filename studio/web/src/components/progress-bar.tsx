export interface ProgressBarProps {
  /** 0–1. */
  value: number;
  label: string;
  /** Colours the bar by outcome. */
  tone?: 'active' | 'success' | 'danger' | 'neutral';
  testId?: string;
}

export function ProgressBar({ value, label, tone = 'active', testId }: ProgressBarProps) {
  const percent = Math.round(Math.min(1, Math.max(0, value)) * 100);
  return (
    <div
      className={`progress progress-${tone}`}
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={percent}
      data-testid={testId}
      data-value={percent}
    >
      <div className="progress-fill" style={{ width: `${percent}%` }} />
    </div>
  );
}
