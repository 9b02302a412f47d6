import { useState } from 'react';
import { useMutation } from '@tanstack/react-query';
import { Button, Input, Select } from 'antd';
import type { JobView } from '@shotfarm/shared';
import { submitJob } from '../../api/client.ts';
import { ErrorNotice } from '../../components/error-notice.tsx';
import { describeError } from '../../i18n/error-message.ts';
import { useI18n } from '../../i18n/i18n.ts';

/** "123" → 123, "true" → true, anything else stays text: the recipe's schema on the API decides. */
export function parseParamValue(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** Submits the job again with the same recipe, inputs and variants, and one parameter changed. */
export function RerunForm({ job, onSubmitted }: { job: JobView; onSubmitted: (jobId: string) => void }) {
  const { t } = useI18n();
  const names = Object.keys(job.params);
  const [name, setName] = useState<string | undefined>(names[0]);
  const [text, setText] = useState('');
  const rerun = useMutation({
    mutationFn: () => submitJob({
      type: job.type, recipe: job.recipe.id, inputs: job.inputs, variants: job.variants, priority: job.priority,
      params: { ...job.params, ...(name ? { [name]: parseParamValue(text) } : {}) } as Record<string, never>,
    }),
    onSuccess: (accepted) => onSubmitted(accepted.id),
  });
  if (names.length === 0) return null;
  return (
    <form className="rerun-form" data-testid="rerun-form" onSubmit={(e) => { e.preventDefault(); rerun.mutate(); }}>
      <h3 className="rerun-title">{t('jobs.rerun')}</h3>
      <div className="rerun-row">
        <Select aria-label={t('jobs.rerunParam')} value={name} onChange={(v: string) => { setName(v); setText(''); }} style={{ minWidth: 140 }}
          options={names.map((n) => ({ value: n, label: `${n} = ${JSON.stringify(job.params[n])}` }))} />
        <Input aria-label={t('jobs.rerunValue')} placeholder={t('jobs.rerunValue')} value={text} onChange={(e) => setText(e.target.value)} style={{ maxWidth: 220 }} />
        <Button htmlType="submit" type="primary" disabled={text === ''} loading={rerun.isPending} data-testid="rerun-submit">{t('jobs.rerunSubmit')}</Button>
      </div>
      {rerun.isError && <ErrorNotice error={describeError(rerun.error, t)} />}
    </form>
  );
}
