import { useCallback, useEffect, useState } from 'react';
import type { AssetView } from '@shotfarm/shared';
import { JobForm } from '../components/job-form.tsx';
import { JobPanel } from '../components/job-panel.tsx';
import { OutputGrid } from '../components/output-grid.tsx';
import { StepSection } from '../components/step-section.tsx';
import { UploadPanel } from '../components/upload-panel.tsx';
import { useJob } from '../hooks/use-job.ts';
import { useI18n } from '../i18n/i18n.ts';

/** `?job=<id>` keeps the watched job across a reload, and lets a test open a job directly. */
const jobQueryParam = 'job';
const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function jobIdFromUrl(): string | null {
  const id = new URLSearchParams(window.location.search).get(jobQueryParam);
  return id && uuidPattern.test(id) ? id : null;
}

/** One screen: upload a product photo, choose settings, watch the job, see its outputs. */
export function NewJobPage() {
  const { t } = useI18n();
  const [asset, setAsset] = useState<AssetView | null>(null);
  const [jobId, setJobId] = useState<string | null>(jobIdFromUrl);
  const watch = useJob(jobId);
  const outputs = watch.job?.outputs ?? [];

  const onSubmitted = useCallback((id: string) => setJobId(id), []);
  useEffect(() => {
    const url = new URL(window.location.href);
    if (jobId) url.searchParams.set(jobQueryParam, jobId);
    else url.searchParams.delete(jobQueryParam);
    window.history.replaceState(null, '', url);
  }, [jobId]);

  return (
    <main id="main" className="workspace" tabIndex={-1}>
      <div className="workspace-column workspace-setup">
        <StepSection step={1} title={t('upload.title')} testId="step-upload">
          <UploadPanel asset={asset} onUploaded={setAsset} />
        </StepSection>
        <StepSection step={2} title={t('form.title')} testId="step-settings">
          <JobForm asset={asset} onSubmitted={onSubmitted} />
        </StepSection>
      </div>
      <div className="workspace-column workspace-results">
        <StepSection step={3} title={t('job.title')} testId="step-progress">
          <JobPanel jobId={jobId} watch={watch} />
        </StepSection>
        <StepSection
          step={4}
          title={t('outputs.title')}
          aside={outputs.length > 0 ? <span className="muted">{t('outputs.count', { count: outputs.length })}</span> : null}
          testId="step-outputs"
        >
          <OutputGrid outputs={outputs} />
        </StepSection>
      </div>
    </main>
  );
}
