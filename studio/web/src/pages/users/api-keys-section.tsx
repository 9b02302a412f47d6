import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Form, Input, Modal, Popconfirm, Radio, Select, Table, Tag, type ButtonProps, type TableColumnsType } from 'antd';
import type { ApiKey, ApiKeyKind, CreatedApiKey, Role } from '@shotfarm/shared';
import { createApiKey, listApiKeys, listUsers, revokeApiKey } from '../../api/client.ts';
import { ErrorNotice } from '../../components/error-notice.tsx';
import { describeError } from '../../i18n/error-message.ts';
import { useI18n } from '../../i18n/i18n.ts';
import { useSession } from '../../session/session.tsx';
import { grantableRoles, RoleChoice, RoleTags } from './roles.tsx';
import { usersQueryKey } from './users-section.tsx';

export const apiKeysQueryKey = ['api-keys'] as const;
/** The expiries offered, in days; 0: never. */
const expiryDays = [0, 30, 90, 365] as const;
const dayMs = 86_400_000;

interface KeyForm {
  name: string;
  kind: ApiKeyKind;
  roles: Role[];
  expiryDays: (typeof expiryDays)[number];
}

type KeyState = 'active' | 'revoked' | 'expired';
function keyState(key: ApiKey, now: number): KeyState {
  if (key.revokedAt) return 'revoked';
  if (key.expiresAt && Date.parse(key.expiresAt) <= now) return 'expired';
  return 'active';
}

/** API 密钥 / API keys: create one (shown once, with a copy button), see when each was last used, revoke one. */
export function ApiKeysSection() {
  const { t, language } = useI18n();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const keys = useQuery({ queryKey: apiKeysQueryKey, queryFn: ({ signal }) => listApiKeys(signal) });
  // An admin sees everyone's keys: name each key's creator from the user list the page shows anyway.
  const users = useQuery({ queryKey: usersQueryKey, queryFn: ({ signal }) => listUsers(signal) });
  const emailOf = new Map((users.data ?? []).map((u) => [u.id, u.email]));
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<CreatedApiKey | null>(null);
  const revoke = useMutation({
    mutationFn: (key: ApiKey) => revokeApiKey(key.id),
    onSuccess: (_, key) => void message.success(t('keys.revoked', { name: key.name })),
    onError: (error) => void message.error(describeError(error, t).message),
    onSettled: () => queryClient.invalidateQueries({ queryKey: apiKeysQueryKey }),
  });

  const time = (iso: string | null | undefined, none: string) => (iso ? new Date(iso).toLocaleString(language, { dateStyle: 'short', timeStyle: 'short' }) : none);
  const now = Date.now();
  const columns: TableColumnsType<ApiKey> = [
    {
      key: 'name', title: t('keys.name'),
      // The key's first characters tell two keys of one name apart, and match what a script's config holds.
      render: (_, k) => <span className="key-name">{k.name}<code className="key-hint" title={t('keys.hintTitle')}>{k.hint}…</code></span>,
    },
    { key: 'kind', title: t('keys.kind'), render: (_, k) => <Tag color={k.kind === 'storefront' ? 'purple' : 'blue'}>{t(`keys.kind.${k.kind}`)}</Tag> },
    { key: 'roles', title: t('keys.roles'), render: (_, k) => <RoleTags roles={k.roles} /> },
    { key: 'createdBy', title: t('keys.createdBy'), render: (_, k) => emailOf.get(k.createdBy) ?? k.createdBy },
    { key: 'createdAt', title: t('keys.createdAt'), render: (_, k) => time(k.createdAt, '') },
    { key: 'expiresAt', title: t('keys.expiresAt'), render: (_, k) => time(k.expiresAt, t('keys.noExpiry')) },
    { key: 'lastUsedAt', title: t('keys.lastUsed'), render: (_, k) => time(k.lastUsedAt, t('keys.never')) },
    {
      key: 'status', title: t('keys.status'),
      render: (_, k) => {
        const state = keyState(k, now);
        return <Tag color={state === 'active' ? 'green' : 'default'} data-testid="key-status" data-state={state}>{t(`keys.status.${state}`)}</Tag>;
      },
    },
    {
      key: 'actions', title: t('keys.actions'),
      render: (_, k) => keyState(k, now) === 'revoked' ? null : (
        <Popconfirm title={t('keys.revokeConfirm', { name: k.name })} okText={t('keys.revoke')} cancelText={t('users.cancel')} okButtonProps={{ danger: true, 'data-testid': 'key-revoke-confirm' } as ButtonProps}
          onConfirm={() => revoke.mutate(k)}>
          <Button size="small" danger loading={revoke.isPending && revoke.variables?.id === k.id} data-testid="key-revoke">{t('keys.revoke')}</Button>
        </Popconfirm>
      ),
    },
  ];

  return (
    <section className="card keys-section" aria-labelledby="keys-heading" data-testid="keys-section">
      <div className="card-header">
        <h2 className="card-title" id="keys-heading">{t('keys.section')}</h2>
        <Button type="primary" onClick={() => setCreating(true)} data-testid="key-add">{t('keys.create')}</Button>
      </div>
      <p className="muted keys-hint">{t('keys.hint')}</p>
      {keys.isError && <ErrorNotice error={describeError(keys.error, t)} />}
      <Table<ApiKey>
        rowKey="id"
        size="middle"
        columns={columns}
        dataSource={keys.data ?? []}
        loading={keys.isPending}
        pagination={false}
        scroll={{ x: 'max-content' }}
        locale={{ emptyText: t('keys.empty') }}
        onRow={(k) => ({ 'data-testid': 'key-row', 'data-name': k.name }) as React.HTMLAttributes<HTMLElement>}
      />
      <CreateKeyModal open={creating} onClose={() => setCreating(false)} onCreated={(key) => { setCreating(false); setCreated(key); }} />
      <KeyReveal created={created} onClose={() => setCreated(null)} />
    </section>
  );
}

function CreateKeyModal({ open, onClose, onCreated }: { open: boolean; onClose: () => void; onCreated: (key: CreatedApiKey) => void }) {
  const { t } = useI18n();
  const { user } = useSession();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<KeyForm>();
  const kind = Form.useWatch('kind', form) ?? 'automation';
  const grantable = grantableRoles(user?.roles ?? []);
  const create = useMutation({
    mutationFn: ({ name, kind, roles, expiryDays }: KeyForm) => createApiKey({
      name: name.trim(), kind,
      // A storefront key calls the storefront endpoints only; roles would mean nothing on it.
      ...(kind === 'automation' ? { roles } : {}),
      ...(expiryDays > 0 ? { expiresAt: new Date(Date.now() + expiryDays * dayMs).toISOString() } : {}),
    }),
    onSuccess: (key) => {
      void queryClient.invalidateQueries({ queryKey: apiKeysQueryKey });
      form.resetFields();
      onCreated(key);
    },
  });
  return (
    <Modal open={open} title={t('keys.createTitle')} okText={t('keys.create')} cancelText={t('users.cancel')} destroyOnHidden
      onOk={() => form.submit()} onCancel={() => { create.reset(); onClose(); }} okButtonProps={{ loading: create.isPending, 'data-testid': 'key-add-submit' } as ButtonProps}>
      <Form<KeyForm> form={form} layout="vertical" requiredMark={false} onFinish={(values) => create.mutate(values)} data-testid="key-add-form"
        initialValues={{ kind: 'automation', roles: grantable.includes('designer') ? ['designer'] : [], expiryDays: 90 }}>
        <Form.Item label={t('keys.name')} name="name" rules={[{ required: true, whitespace: true, max: 100, message: t('keys.nameRequired') }]}>
          <Input placeholder={t('keys.namePlaceholder')} autoComplete="off" data-testid="key-add-name" />
        </Form.Item>
        <Form.Item label={t('keys.kind')} name="kind" extra={t(`keys.kindHint.${kind}`)}>
          <Radio.Group optionType="button" data-testid="key-add-kind"
            options={(['automation', 'storefront'] as const).map((k) => ({ value: k, label: t(`keys.kind.${k}`) }))} />
        </Form.Item>
        {kind === 'automation' && (
          <Form.Item label={t('keys.roles')} name="roles" extra={t('keys.rolesHint')} rules={[{ required: true, type: 'array', min: 1, message: t('users.rolesRequired') }]}>
            <RoleChoice options={grantable} testId="key-add-roles" />
          </Form.Item>
        )}
        <Form.Item label={t('keys.expiry')} name="expiryDays">
          <Select<number> data-testid="key-add-expiry"
            options={expiryDays.map((days) => ({ value: days, label: days === 0 ? t('keys.expiry.never') : t('keys.expiry.days', { days }) }))} />
        </Form.Item>
      </Form>
      {create.isError && <ErrorNotice error={describeError(create.error, t)} testId="key-add-error" />}
    </Modal>
  );
}

/** The new key in clear, this once, with a copy button; closing it is saying it was saved. */
function KeyReveal({ created, onClose }: { created: CreatedApiKey | null; onClose: () => void }) {
  const { t } = useI18n();
  const [copy, setCopy] = useState<'idle' | 'copied' | 'failed'>('idle');
  async function copyKey(key: string) {
    try {
      await navigator.clipboard.writeText(key);
      setCopy('copied');
    } catch {
      setCopy('failed'); // no clipboard (plain http on another host, a refused permission): the key is selectable
    }
  }
  const close = () => { setCopy('idle'); onClose(); };
  return (
    <Modal open={created !== null} title={created ? t('keys.shownOnceTitle', { name: created.name }) : ''} closable={false} mask={{ closable: false }} keyboard={false}
      destroyOnHidden onCancel={close}
      footer={<Button type="primary" onClick={close} data-testid="key-reveal-done">{t('keys.done')}</Button>}>
      {created && (
        <div className="key-reveal" data-testid="key-reveal">
          <p className="key-reveal-warning">{t('keys.shownOnce')}</p>
          <div className="key-reveal-row">
            <code className="key-reveal-secret" data-testid="key-secret" tabIndex={0}>{created.key}</code>
            <Button onClick={() => void copyKey(created.key)} data-testid="key-copy" type={copy === 'copied' ? 'default' : 'primary'}>
              {copy === 'copied' ? t('keys.copied') : t('keys.copy')}
            </Button>
          </div>
          {copy === 'failed' && <p className="key-reveal-failed" role="alert">{t('keys.copyFailed')}</p>}
          <p className="muted">{t('keys.hint')}</p>
        </div>
      )}
    </Modal>
  );
}
