import { useEffect, useMemo, useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Button, Checkbox, Input, InputNumber, Select, Switch, Table, Tag, type TableColumnsType } from 'antd';
import type { ComfyBindings, ModelRequirement, RecipeDraftUpdate, RecipeDraftView, RecipeManifestInput, RecipePublished } from '@shotfarm/shared';
import { ErrorNotice } from '../../components/error-notice.tsx';
import { recipesQueryKey } from '../../hooks/use-recipes.ts';
import { describeError } from '../../i18n/error-message.ts';
import { useI18n } from '../../i18n/i18n.ts';
import { useSession } from '../../session/session.tsx';
import { getDraft, publishDraft, updateDraft } from './recipes-api.ts';
import { DraftTrial } from './draft-trial.tsx';

const jobTypes = ['product-shot', 'model-swap', 'short-video'] as const;
const roles = ['product', 'garment', 'person', 'scene'] as const;

/** One detected input, with whether the designer exposes it (an unexposed one keeps the graph's own value). */
interface InputRow { exposed: boolean; input: RecipeManifestInput }

/** What the form edits, from the stored draft; the graph itself stays as imported. */
interface DraftForm {
  name: string;
  type: (typeof jobTypes)[number];
  title: { 'zh-CN': string; en: string };
  description: { 'zh-CN': string; en: string };
  inputs: InputRow[];
  outputCount: number;
  models: ModelRequirement[];
  gpuSeconds: number;
  referenceGpu: string;
}

function formOf(draft: RecipeDraftView): DraftForm {
  const m = draft.manifest;
  return {
    name: m.id.split('/')[1]!, type: m.type, title: { ...m.title }, description: { ...m.description },
    inputs: m.inputs.map((input) => ({ exposed: true, input })),
    outputCount: m.outputs.count, models: m.requirements.models.map((x) => ({ ...x })),
    gpuSeconds: m.estimate.gpuSecondsPerRun, referenceGpu: m.estimate.referenceGpu,
  };
}

/** The update the API validates: exposed inputs only, and only their bindings. */
function updateOf(form: DraftForm, bindings: ComfyBindings, outputKind: 'image' | 'video'): RecipeDraftUpdate {
  const exposed = form.inputs.filter((r) => r.exposed).map((r) => r.input);
  const names = new Set(exposed.map((i) => i.name));
  return {
    recipeId: `${form.type}/${form.name}`, type: form.type, title: form.title, description: form.description, inputs: exposed,
    bindings: Object.fromEntries(Object.entries(bindings).filter(([name]) => names.has(name))),
    outputs: { kind: outputKind, count: form.outputCount }, models: form.models,
    estimate: { gpuSecondsPerRun: form.gpuSeconds, referenceGpu: form.referenceGpu },
  };
}

/**
 * Finishing a draft: names and descriptions in both languages, which detected inputs become the recipe's (with roles,
 * labels, defaults, ranges, options), outputs, models with their licences, the GPU estimate. Save validates on the
 * server (the manifest schema, naming the node or field at fault); a test run tries it once on a chosen server; a
 * publisher (or an admin) publishes it as a new version.
 */
export function DraftEditor({ draftId, onClose }: { draftId: string; onClose: () => void }) {
  const { t } = useI18n();
  const { allows } = useSession();
  const queryClient = useQueryClient();
  const draft = useQuery({ queryKey: ['recipe-draft', draftId], queryFn: ({ signal }) => getDraft(draftId, signal) });
  const [form, setForm] = useState<DraftForm | null>(null);
  const [published, setPublished] = useState<RecipePublished | null>(null);
  useEffect(() => { if (draft.data) setForm(formOf(draft.data)); }, [draft.data]);

  const save = useMutation({
    mutationFn: () => updateDraft(draftId, updateOf(form!, draft.data!.manifest.comfyui?.bindings ?? {}, draft.data!.manifest.outputs.kind)),
    onSuccess: async (view) => {
      queryClient.setQueryData(['recipe-draft', draftId], view);
      await queryClient.invalidateQueries({ queryKey: ['recipe-drafts'] });
    },
  });
  const publish = useMutation({
    mutationFn: async () => {
      await save.mutateAsync();
      return publishDraft(draftId);
    },
    onSuccess: async (ref) => {
      setPublished(ref);
      await Promise.all([['recipe-drafts'], ['recipe-versions'], recipesQueryKey].map((queryKey) => queryClient.invalidateQueries({ queryKey })));
    },
  });

  const boundBy = useMemo(() => {
    const map = new Map<string, string[]>();
    for (const [name, refs] of Object.entries(draft.data?.manifest.comfyui?.bindings ?? {})) {
      for (const ref of refs) map.set(ref.node, [...(map.get(ref.node) ?? []), `${name} → ${ref.field}`]);
    }
    return map;
  }, [draft.data]);

  if (draft.error) return <section className="card"><ErrorNotice error={describeError(draft.error, t)} /></section>;
  if (!draft.data || !form) return null;
  const bindings = draft.data.manifest.comfyui?.bindings ?? {};
  const setInput = (i: number, change: Partial<InputRow> | ((input: RecipeManifestInput) => RecipeManifestInput)) =>
    setForm({ ...form, inputs: form.inputs.map((row, j) => (j !== i ? row : typeof change === 'function' ? { ...row, input: change(row.input) } : { ...row, ...change })) });
  const issues = save.error ? issuesOf(save.error) : draft.data.issues;

  const nodeColumns: TableColumnsType<RecipeDraftView['nodes'][number]> = [
    { title: t('recipes.editor.node'), dataIndex: 'id', key: 'id', width: 70 },
    { title: t('recipes.editor.class'), key: 'class', render: (_, n) => <span><code>{n.classType}</code>{n.title && n.title !== n.classType ? <span className="muted"> · {n.title}</span> : null}</span> },
    { title: t('recipes.editor.boundTo'), key: 'bound', render: (_, n) => (boundBy.get(n.id) ?? []).map((b) => <Tag key={b} color="blue">{b}</Tag>) },
  ];

  return (
    <section className="card draft-editor" aria-labelledby="draft-editor-title" data-testid="draft-editor" data-draft-id={draftId}>
      <div className="card-header">
        <h2 className="card-title" id="draft-editor-title">{t('recipes.editor.title')} · <code>{draft.data.manifest.id}</code></h2>
        <Button size="small" onClick={onClose}>{t('recipes.editor.close')}</Button>
      </div>

      <div className="draft-grid">
        <label>{t('recipes.editor.type')}
          <Select value={form.type} onChange={(type) => setForm({ ...form, type })} options={jobTypes.map((v) => ({ value: v, label: t(`jobType.${v}`) }))} data-testid="draft-type" />
        </label>
        <label>{t('recipes.editor.recipeId')}
          <Input addonBefore={`${form.type}/`} value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} data-testid="draft-name" />
          <small className="muted">{t('recipes.editor.recipeIdHelp')}</small>
        </label>
        <label>{t('recipes.editor.titleZh')}<Input value={form.title['zh-CN']} onChange={(e) => setForm({ ...form, title: { ...form.title, 'zh-CN': e.target.value } })} data-testid="draft-title-zh" /></label>
        <label>{t('recipes.editor.titleEn')}<Input value={form.title.en} onChange={(e) => setForm({ ...form, title: { ...form.title, en: e.target.value } })} data-testid="draft-title-en" /></label>
        <label>{t('recipes.editor.descriptionZh')}<Input.TextArea rows={2} value={form.description['zh-CN']} onChange={(e) => setForm({ ...form, description: { ...form.description, 'zh-CN': e.target.value } })} /></label>
        <label>{t('recipes.editor.descriptionEn')}<Input.TextArea rows={2} value={form.description.en} onChange={(e) => setForm({ ...form, description: { ...form.description, en: e.target.value } })} /></label>
      </div>

      <h3>{t('recipes.editor.inputs')}</h3>
      <div className="draft-inputs" data-testid="draft-inputs">
        {form.inputs.map((row, i) => (
          <InputEditor key={row.input.name} row={row} refs={bindings[row.input.name] ?? []}
            onExpose={(exposed) => setInput(i, { exposed })} onChange={(f) => setInput(i, f)} />
        ))}
      </div>

      <h3>{t('recipes.editor.outputs')}</h3>
      <label className="draft-inline">{t('recipes.editor.outputCount')}
        <InputNumber min={1} max={64} value={form.outputCount} onChange={(v) => setForm({ ...form, outputCount: v ?? 1 })} /></label>

      <h3>{t('recipes.editor.models')}</h3>
      <ul className="draft-models" data-testid="draft-models">
        {form.models.map((m, i) => (
          <li key={`${m.folder}/${m.file}`}>
            <code>{m.folder}/{m.file}</code>{' '}
            <Tag color={m.commercialUse ? 'green' : 'red'} data-testid="licence-badge">{m.commercialUse ? t('recipes.editor.commercial') : t('recipes.editor.nonCommercial')}</Tag>
            <Input size="small" style={{ width: 160 }} aria-label={t('recipes.editor.licence')} value={m.licence} onChange={(e) => setForm({ ...form, models: form.models.map((x, j) => (j === i ? { ...x, licence: e.target.value } : x)) })} />
            <Input size="small" style={{ width: 280 }} aria-label={t('recipes.editor.source')} value={m.source} onChange={(e) => setForm({ ...form, models: form.models.map((x, j) => (j === i ? { ...x, source: e.target.value } : x)) })} />
            <Switch size="small" checked={m.commercialUse} aria-label={t('recipes.editor.commercial')} onChange={(v) => setForm({ ...form, models: form.models.map((x, j) => (j === i ? { ...x, commercialUse: v } : x)) })} />
          </li>
        ))}
      </ul>

      <div className="draft-grid">
        <label>{t('recipes.editor.estimate')}<InputNumber min={0.1} value={form.gpuSeconds} onChange={(v) => setForm({ ...form, gpuSeconds: v ?? 1 })} data-testid="draft-gpu-seconds" /></label>
        <label>{t('recipes.editor.referenceGpu')}<Input value={form.referenceGpu} onChange={(e) => setForm({ ...form, referenceGpu: e.target.value })} /></label>
      </div>

      <details open className="draft-nodes">
        <summary>{t('recipes.editor.nodes', { count: draft.data.nodes.length })}</summary>
        <Table rowKey="id" size="small" pagination={false} columns={nodeColumns} dataSource={draft.data.nodes} data-testid="draft-nodes" />
      </details>

      <div className="draft-issues" data-testid="draft-issues" data-count={issues.length}>
        <h3>{t('recipes.editor.issues')}</h3>
        {issues.length === 0 ? <p className="muted">{t('recipes.editor.noIssues')}</p> : <ul lang="en">{issues.map((x) => <li key={x}>{x}</li>)}</ul>}
      </div>
      {save.error && !issuesOf(save.error).length && <ErrorNotice error={describeError(save.error, t)} />}
      {publish.error && publish.error !== save.error && <ErrorNotice error={describeError(publish.error, t)} testId="draft-publish-error" />}
      {save.isSuccess && !publish.isPending && !published && <p className="notice" data-testid="draft-saved">{t('recipes.editor.saved')}</p>}
      {published && <p className="notice notice-success" data-testid="draft-published">{t('recipes.editor.published', { id: published.id, version: published.version })}</p>}

      <DraftTrial draftId={draftId} manifest={draft.data.manifest} beforeRun={() => save.mutateAsync()} />

      <div className="draft-actions">
        <Button onClick={() => save.mutate()} loading={save.isPending} data-testid="draft-save">{t('recipes.editor.save')}</Button>
        {allows('publisher')
          ? <Button type="primary" onClick={() => publish.mutate()} loading={publish.isPending} data-testid="draft-publish">{t('recipes.editor.publish')}</Button>
          : <span className="muted">{t('recipes.editor.publishAdminOnly')}</span>}
      </div>
    </section>
  );
}

function issuesOf(error: unknown): string[] {
  const details = (error as { details?: { issues?: unknown } }).details;
  return Array.isArray(details?.issues) ? details.issues.filter((x): x is string => typeof x === 'string') : [];
}

function InputEditor({ row, refs, onExpose, onChange }: {
  row: InputRow; refs: readonly { node: string; field: string }[];
  onExpose: (exposed: boolean) => void; onChange: (f: (input: RecipeManifestInput) => RecipeManifestInput) => void;
}) {
  const { t } = useI18n();
  const input = row.input;
  const label = (lang: 'zh-CN' | 'en', value: string) => onChange((x) => ({ ...x, label: { ...x.label, [lang]: value } }));
  const num = (key: 'min' | 'max' | 'step' | 'default', value: number | null) =>
    onChange((x) => {
      const next = { ...x } as Record<string, unknown>;
      if (value === null) delete next[key];
      else next[key] = value;
      return next as RecipeManifestInput;
    });
  return (
    <fieldset className={row.exposed ? 'draft-input' : 'draft-input is-hidden'} data-testid="draft-input" data-name={input.name} data-kind={input.kind}>
      <legend>
        <Checkbox checked={row.exposed} onChange={(e) => onExpose(e.target.checked)} data-testid="draft-input-expose">{t('recipes.editor.expose')}</Checkbox>{' '}
        <code>{input.name}</code> <Tag>{t(`recipes.kind.${input.kind}`)}</Tag>
        <span className="muted"> {t('recipes.editor.bindings')}: {refs.map((r) => `#${r.node}.${r.field}`).join(', ')}</span>
      </legend>
      {row.exposed && (
        <div className="draft-grid">
          <label>{t('recipes.editor.labelZh')}<Input value={input.label['zh-CN']} onChange={(e) => label('zh-CN', e.target.value)} data-testid="draft-label-zh" /></label>
          <label>{t('recipes.editor.labelEn')}<Input value={input.label.en} onChange={(e) => label('en', e.target.value)} data-testid="draft-label-en" /></label>
          {input.kind === 'image' && (
            <label>{t('recipes.editor.role')}
              <Select value={input.role} onChange={(role) => onChange((x) => ({ ...x, role }) as RecipeManifestInput)} options={roles.map((r) => ({ value: r, label: t(`recipes.role.${r}`) }))} />
            </label>
          )}
          {input.kind === 'text' && (
            <label className="draft-wide">{t('recipes.editor.default')}
              <Input.TextArea rows={2} value={input.default ?? ''} onChange={(e) => onChange((x) => ({ ...x, default: e.target.value }) as RecipeManifestInput)} data-testid="draft-default" />
            </label>
          )}
          {(input.kind === 'integer' || input.kind === 'number') && (['default', 'min', 'max', 'step'] as const).map((key) => (
            <label key={key}>{t(`recipes.editor.${key}`)}
              <InputNumber value={input[key] ?? null} step={input.kind === 'integer' ? 1 : 0.01} onChange={(v) => num(key, v)} data-testid={`draft-${key}`} />
            </label>
          ))}
          {input.kind === 'enum' && (
            <>
              <label>{t('recipes.editor.options')}
                <Input value={input.options.join(', ')} onChange={(e) => onChange((x) => ({ ...x, options: e.target.value.split(',').map((o) => o.trim()).filter(Boolean) }) as RecipeManifestInput)} />
              </label>
              <label>{t('recipes.editor.default')}
                <Select allowClear value={input.default} options={input.options.map((o) => ({ value: o, label: o }))} onChange={(v) => onChange((x) => ({ ...x, default: v }) as RecipeManifestInput)} />
              </label>
            </>
          )}
        </div>
      )}
    </fieldset>
  );
}
