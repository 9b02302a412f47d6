import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Button, Input, Popconfirm, Table, Tag, Upload, type TableColumnsType } from 'antd';
import type { RecipeVersionDiff, RecipeVersionSummary } from '@shotfarm/shared';
import { ErrorNotice } from '../../components/error-notice.tsx';
import { recipesQueryKey } from '../../hooks/use-recipes.ts';
import { describeError } from '../../i18n/error-message.ts';
import { useI18n } from '../../i18n/i18n.ts';
import { useSession } from '../../session/session.tsx';
import { DraftEditor } from './draft-editor.tsx';
import './recipes.css';
import {
  deprecateVersion, diffVersions, getCapabilities, importWorkflowFile, importWorkflowJson, listDrafts, listVersions, type DraftListItem,
} from './recipes-api.ts';

const draftsKey = ['recipe-drafts'] as const;
const versionsKey = ['recipe-versions'] as const;

/**
 * 配方 / Recipes (issue 13): import a ComfyUI workflow as a draft, finish it, publish it as a version (admins), deprecate
 * versions, diff two of them and see which servers can run each. Publishing changes Create at once: no restart.
 */
export default function RecipesPage() {
  const { t } = useI18n();
  const [openDraft, setOpenDraft] = useState<string | null>(null);
  return (
    <main id="main" className="workspace workspace-single recipes-page" tabIndex={-1} data-testid="recipes-page">
      <h1 className="page-title">{t('recipes.title')}</h1>
      <p className="muted">{t('recipes.hint')}</p>
      <ImportPanel onImported={setOpenDraft} />
      {openDraft && <DraftEditor draftId={openDraft} onClose={() => setOpenDraft(null)} />}
      <DraftsList onOpen={setOpenDraft} />
      <PublishedList />
    </main>
  );
}

function ImportPanel({ onImported }: { onImported: (draftId: string) => void }) {
  const { t } = useI18n();
  const queryClient = useQueryClient();
  const [pasted, setPasted] = useState('');
  const [warnings, setWarnings] = useState<string[]>([]);
  const run = useMutation({
    mutationFn: (what: { file: File } | { text: string }) => ('file' in what ? importWorkflowFile(what.file, what.file.name) : importWorkflowJson(what.text)),
    onSuccess: async (answer) => {
      setWarnings(answer.warnings);
      await queryClient.invalidateQueries({ queryKey: draftsKey });
      onImported(answer.id);
    },
  });
  return (
    <section className="card" aria-labelledby="recipes-import-title" data-testid="recipes-import">
      <div className="card-header"><h2 className="card-title" id="recipes-import-title">{t('recipes.import.title')}</h2></div>
      <Upload.Dragger accept=".json,.png,.webp,application/json,image/png,image/webp" multiple={false} showUploadList={false}
        beforeUpload={(file) => { run.mutate({ file }); return false; }} data-testid="recipes-drop">
        <p>{t('recipes.import.drop')}</p>
      </Upload.Dragger>
      <label className="field-label" htmlFor="recipes-paste" style={{ display: 'block', marginTop: 12 }}>{t('recipes.import.paste')}</label>
      <Input.TextArea id="recipes-paste" rows={3} value={pasted} onChange={(e) => setPasted(e.target.value)} placeholder={t('recipes.import.pastePlaceholder')} data-testid="recipes-paste" />
      <Button style={{ marginTop: 8 }} onClick={() => run.mutate({ text: pasted })} disabled={pasted.trim() === ''} loading={run.isPending} data-testid="recipes-paste-submit">
        {run.isPending ? t('recipes.import.importing') : t('recipes.import.submit')}
      </Button>
      {run.error && <ErrorNotice error={describeError(run.error, t)} testId="recipes-import-error" />}
      {warnings.length > 0 && (
        <details className="muted" data-testid="recipes-import-warnings"><summary>{t('recipes.import.warnings')}</summary>
          <ul lang="en">{warnings.map((w) => <li key={w}>{w}</li>)}</ul>
        </details>
      )}
    </section>
  );
}

function DraftsList({ onOpen }: { onOpen: (id: string) => void }) {
  const { t, language } = useI18n();
  const drafts = useQuery({ queryKey: draftsKey, queryFn: ({ signal }) => listDrafts(signal) });
  const columns: TableColumnsType<DraftListItem> = [
    { title: t('recipes.editor.name'), key: 'title', render: (_, d) => <span>{d.title[language]}<br /><code className="muted">{d.recipeId}</code></span> },
    { title: t('recipes.drafts.nodes'), dataIndex: 'nodeCount', key: 'nodes' },
    {
      title: '', key: 'state', render: (_, d) => (d.published
        ? <Tag color="blue">{t('recipes.drafts.published', { id: d.published.id, version: d.published.version })}</Tag>
        : d.issues.length === 0 ? <Tag color="green">{t('recipes.drafts.valid')}</Tag> : <Tag color="orange">{t('recipes.drafts.invalid', { count: d.issues.length })}</Tag>),
    },
    { title: '', key: 'open', render: (_, d) => <Button size="small" onClick={() => onOpen(d.id)} data-testid="draft-open">{t('recipes.drafts.open')}</Button> },
  ];
  return (
    <section className="card" aria-labelledby="recipes-drafts-title" data-testid="recipes-drafts">
      <div className="card-header"><h2 className="card-title" id="recipes-drafts-title">{t('recipes.drafts.title')}</h2></div>
      {drafts.error ? <ErrorNotice error={describeError(drafts.error, t)} /> : (
        <Table<DraftListItem> rowKey="id" size="small" columns={columns} dataSource={drafts.data?.items ?? []} loading={drafts.isLoading}
          pagination={false} locale={{ emptyText: t('recipes.drafts.empty') }} />
      )}
    </section>
  );
}

interface RecipeRow { id: string; versions: RecipeVersionSummary[] }

function PublishedList() {
  const { t, language } = useI18n();
  const { allows } = useSession();
  const queryClient = useQueryClient();
  const versions = useQuery({ queryKey: versionsKey, queryFn: ({ signal }) => listVersions(signal) });
  const [diff, setDiff] = useState<RecipeVersionDiff | null>(null);
  const deprecate = useMutation({
    mutationFn: (v: { id: string; version: number }) => deprecateVersion(v.id, v.version),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: versionsKey });
      await queryClient.invalidateQueries({ queryKey: recipesQueryKey });
    },
  });
  const showDiff = useMutation({ mutationFn: (v: { id: string; from: number; to: number }) => diffVersions(v.id, v.from, v.to), onSuccess: setDiff });
  const rows: RecipeRow[] = [];
  for (const v of versions.data?.items ?? []) {
    const row = rows.find((r) => r.id === v.id);
    if (row) row.versions.push(v);
    else rows.push({ id: v.id, versions: [v] });
  }
  const columns: TableColumnsType<RecipeRow> = [
    { title: t('recipes.editor.recipeId'), key: 'id', render: (_, r) => <span>{r.versions.at(-1)!.title[language]}<br /><code className="muted">{r.id}</code></span> },
    {
      title: t('recipes.list.versions'), key: 'versions', render: (_, r) => (
        <ul className="recipe-versions">
          {r.versions.map((v) => (
            <li key={v.version} data-testid="recipe-version" data-recipe={v.id} data-version={v.version} data-status={v.status}>
              <strong>{t('recipes.versionTag', { version: v.version })}</strong>{' '}
              <Tag color={v.status === 'published' ? 'green' : 'default'}>{t(`recipes.status.${v.status}`)}</Tag>
              <Tag>{t(`recipes.source.${v.source}`)}</Tag>
              {allows('publisher') && v.status === 'published' && (
                <Popconfirm title={t('recipes.list.deprecateConfirm', { id: v.id, version: v.version })} onConfirm={() => deprecate.mutate({ id: v.id, version: v.version })}>
                  <Button size="small" danger data-testid="recipe-deprecate">{t('recipes.list.deprecate')}</Button>
                </Popconfirm>
              )}
              {v.version > 1 && (
                <Button size="small" type="link" onClick={() => showDiff.mutate({ id: v.id, from: v.version - 1, to: v.version })} data-testid="recipe-diff">
                  {t('recipes.list.diff')} v{v.version - 1}→v{v.version}
                </Button>
              )}
            </li>
          ))}
        </ul>
      ),
    },
    { title: t('recipes.list.capabilities'), key: 'caps', render: (_, r) => <Capabilities id={r.id} backend={r.versions.at(-1)!.backend} /> },
  ];
  return (
    <section className="card" aria-labelledby="recipes-list-title" data-testid="recipes-published">
      <div className="card-header"><h2 className="card-title" id="recipes-list-title">{t('recipes.list.title')}</h2></div>
      {deprecate.error && <ErrorNotice error={describeError(deprecate.error, t)} />}
      {versions.error ? <ErrorNotice error={describeError(versions.error, t)} /> : (
        <Table<RecipeRow> rowKey="id" size="small" columns={columns} dataSource={rows} loading={versions.isLoading} pagination={false}
          locale={{ emptyText: t('recipes.list.empty') }} />
      )}
      {diff && <DiffView diff={diff} onClose={() => setDiff(null)} />}
    </section>
  );
}

function Capabilities({ id, backend }: { id: string; backend: string }) {
  const { t } = useI18n();
  const caps = useQuery({ queryKey: ['recipe-capabilities', id], queryFn: ({ signal }) => getCapabilities(id, signal), enabled: backend === 'comfyui', staleTime: 30_000 });
  if (backend !== 'comfyui') return <span className="muted">{t('recipes.cap.notComfy')}</span>;
  if (!caps.data) return null;
  if (caps.data.items.length === 0) return <span className="muted">{t('recipes.cap.none')}</span>;
  return (
    <ul className="recipe-capabilities" data-testid="recipe-capabilities">
      {caps.data.items.map((c) => (
        <li key={c.server} data-server={c.server} data-can-run={String(c.canRun)}>
          <strong>{c.server}</strong>{': '}
          {c.canRun === null ? t('recipes.cap.unknown') : c.canRun ? <Tag color="green">{t('recipes.cap.ok')}</Tag>
            : <span className="text-warning">{t('recipes.cap.missing', { items: [...c.missingNodeClasses, ...c.missingModels].join(', ') })}</span>}
        </li>
      ))}
    </ul>
  );
}

function DiffView({ diff, onClose }: { diff: RecipeVersionDiff; onClose: () => void }) {
  const { t } = useI18n();
  const part = (title: string, changes: RecipeVersionDiff['inputs']) => (
    <div>
      <h3>{title}</h3>
      {changes.length === 0 ? <p className="muted">{t('recipes.diff.none')}</p> : (
        <ul>
          {changes.map((c) => (
            <li key={c.name}><code>{c.name}</code> — {t(`recipes.diff.${c.change}`)}
              {c.change === 'changed' && <pre className="recipe-diff-pre" lang="en">{JSON.stringify(c.before)}{'\n→ '}{JSON.stringify(c.after)}</pre>}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
  return (
    <div className="recipe-diff" data-testid="recipe-diff-view">
      <div className="card-header">
        <h3 className="card-title">{t('recipes.diff.title', { id: diff.id, from: diff.from, to: diff.to })}</h3>
        <Button size="small" onClick={onClose}>{t('recipes.editor.close')}</Button>
      </div>
      {part(t('recipes.diff.inputs'), diff.inputs)}
      {part(t('recipes.diff.bindings'), diff.bindings)}
      {part(t('recipes.diff.models'), diff.models)}
      {diff.other.length > 0 && <p>{t('recipes.diff.other')}: <code>{diff.other.join(', ')}</code></p>}
    </div>
  );
}

