import { useState } from 'react';
import { useMutation, useQuery } from '@tanstack/react-query';
import { Button, Select } from 'antd';
import type { AssetView, RecipeManifest } from '@shotfarm/shared';
import { ErrorNotice } from '../../components/error-notice.tsx';
import { JobPanel } from '../../components/job-panel.tsx';
import { OutputGrid } from '../../components/output-grid.tsx';
import { UploadPanel } from '../../components/upload-panel.tsx';
import { useJob } from '../../hooks/use-job.ts';
import { describeError } from '../../i18n/error-message.ts';
import { useI18n } from '../../i18n/i18n.ts';
import { getDraftCapabilities, tryDraft } from './recipes-api.ts';

/** The server choice's value for "whichever configured server can run it". */
const anyServer = '';

/**
 * Try before publishing (issue 13): run the draft once, as it is now, on a server the designer chooses, and watch the
 * result like any job. The draft is saved first (`beforeRun`), so what runs is what the form shows. Servers that lack
 * the draft's node classes or models are listed but cannot be chosen, with what each lacks.
 */
export function DraftTrial({ draftId, manifest, beforeRun }: { draftId: string; manifest: RecipeManifest; beforeRun: () => Promise<unknown> }) {
  const { t, language: lang } = useI18n();
  const capabilities = useQuery({ queryKey: ['recipe-draft-capabilities', draftId], queryFn: ({ signal }) => getDraftCapabilities(draftId, signal) });
  const [server, setServer] = useState<string>(anyServer);
  const [assets, setAssets] = useState<Record<string, AssetView>>({});
  const [jobId, setJobId] = useState<string | null>(null);
  const watch = useJob(jobId);
  const imageInputs = manifest.inputs.filter((i) => i.kind === 'image');
  const missing = imageInputs.filter((i) => i.required && !assets[i.name]);

  const run = useMutation({
    mutationFn: async () => {
      await beforeRun();
      return tryDraft(draftId, {
        inputs: Object.fromEntries(Object.entries(assets).map(([name, asset]) => [name, asset.id])), params: {},
        ...(server !== anyServer ? { server } : {}),
      });
    },
    onSuccess: (accepted) => setJobId(accepted.id),
  });

  const servers = capabilities.data?.items ?? [];
  return (
    <section className="draft-trial" aria-labelledby="draft-trial-title" data-testid="draft-trial">
      <h3 id="draft-trial-title">{t('recipes.trial.title')}</h3>
      <p className="muted">{t('recipes.trial.help')}</p>
      <div className="draft-trial-inputs">
        {imageInputs.map((input) => (
          <div key={input.name} className="draft-trial-input" data-input={input.name}>
            <span>{input.label[lang]}{input.required ? ' *' : ''}</span>
            <UploadPanel asset={assets[input.name] ?? null} acceptPaste={input === imageInputs[0]}
              onUploaded={(asset) => setAssets((a) => ({ ...a, [input.name]: asset }))} />
          </div>
        ))}
      </div>
      <label className="draft-inline">{t('recipes.trial.server')}
        <Select value={server} onChange={setServer} style={{ maxWidth: 420 }} data-testid="draft-trial-server"
          options={[
            { value: anyServer, label: t('recipes.trial.anyServer') },
            ...servers.map((c) => ({
              value: c.server, disabled: c.canRun === false,
              label: c.canRun === false
                ? t('recipes.trial.serverLacks', { server: c.server, items: [...c.missingNodeClasses, ...c.missingModels].join(', ') })
                : c.canRun === null ? t('recipes.trial.serverSilent', { server: c.server }) : c.server,
            })),
          ]} />
      </label>
      {run.error && <ErrorNotice error={describeError(run.error, t)} testId="draft-trial-error" />}
      <div className="draft-actions">
        <Button onClick={() => run.mutate()} loading={run.isPending} disabled={missing.length > 0} data-testid="draft-trial-run">
          {t('recipes.trial.run')}
        </Button>
        {missing.length > 0 && <span className="muted">{t('recipes.trial.needsInputs', { names: missing.map((i) => i.label[lang]).join(lang === 'zh-CN' ? '、' : ', ') })}</span>}
      </div>
      {jobId && <JobPanel jobId={jobId} watch={watch} />}
      {jobId && watch.job && watch.job.outputs.length > 0 && <OutputGrid outputs={watch.job.outputs} jobId={jobId} recipeId={manifest.id} />}
    </section>
  );
}
