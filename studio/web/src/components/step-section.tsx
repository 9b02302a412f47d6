import { useId, type ReactNode } from 'react';

export interface StepSectionProps {
  step: number;
  title: string;
  /** Right-aligned next to the title (a count, a status). */
  aside?: ReactNode;
  children: ReactNode;
  testId?: string;
}

/** One numbered step of the page, a landmark named by its heading. */
export function StepSection({ step, title, aside, children, testId }: StepSectionProps) {
  const headingId = useId();
  return (
    <section className="card" aria-labelledby={headingId} data-testid={testId}>
      <header className="card-header">
        <h2 id={headingId} className="card-title">
          <span className="step-number" aria-hidden="true">{step}</span>
          {title}
        </h2>
        {aside}
      </header>
      {children}
    </section>
  );
}
