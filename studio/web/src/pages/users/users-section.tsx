import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Form, Input, Modal, Popconfirm, Select, Table, Tag, type ButtonProps, type TableColumnsType } from 'antd';
import type { CreateUserRequest, Role, UpdateUserRequest, User } from '@shotfarm/shared';
import { createUser, listUsers, updateUser } from '../../api/client.ts';
import { ErrorNotice } from '../../components/error-notice.tsx';
import { describeError } from '../../i18n/error-message.ts';
import { useI18n } from '../../i18n/i18n.ts';
import { sessionQueryKey, useSession } from '../../session/session.tsx';
import { allRoles, RoleChoice } from './roles.tsx';

export const usersQueryKey = ['users'] as const;
/** The API's shortest password (`SHOTFARM_ADMIN_PASSWORD` and `POST /api/users` share it). */
export const minPasswordLength = 10;

/** 用户 / Users: every account, its roles and whether it may sign in; add one, change roles, disable, reset a password. */
export function UsersSection() {
  const { t, language } = useI18n();
  const { user: me } = useSession();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const users = useQuery({ queryKey: usersQueryKey, queryFn: ({ signal }) => listUsers(signal) });
  const [adding, setAdding] = useState(false);
  const [resetting, setResetting] = useState<User | null>(null);

  const change = useMutation({
    mutationFn: ({ user, change }: { user: User; change: UpdateUserRequest }) => updateUser(user.id, change),
    onSuccess: (_, { user, change }) => {
      void message.success(t(change.password ? 'users.passwordReset' : 'users.updated', { email: user.email }));
    },
    onError: (error) => void message.error(describeError(error, t).message),
    // A refused change (the last admin) must show the roles as they are, not as the select left them; a change to
    // one's own roles changes what the studio shows, so the session is read again too.
    onSettled: (_, __, { user }) => Promise.all([
      queryClient.invalidateQueries({ queryKey: usersQueryKey }),
      user.id === me?.id ? queryClient.invalidateQueries({ queryKey: sessionQueryKey }) : undefined,
    ]),
  });

  const time = (iso: string | null | undefined) => (iso ? new Date(iso).toLocaleString(language, { dateStyle: 'short', timeStyle: 'short' }) : t('users.never'));

  const columns: TableColumnsType<User> = [
    {
      key: 'email', title: t('users.email'),
      render: (_, u) => <span className="user-email">{u.email}{u.id === me?.id && <Tag className="user-you" color="blue">{t('users.you')}</Tag>}</span>,
    },
    {
      key: 'roles', title: t('users.roles'), width: 320,
      render: (_, u) => (
        <Select<Role[]>
          mode="multiple"
          className="user-roles-select"
          aria-label={`${t('users.roles')}: ${u.email}`}
          value={u.roles}
          options={allRoles.map((role) => ({ value: role, label: t(`role.${role}`) }))}
          onChange={(roles) => {
            if (roles.length === 0) return void message.warning(t('users.rolesRequired'));
            change.mutate({ user: u, change: { roles } });
          }}
          data-testid="user-roles"
        />
      ),
    },
    {
      key: 'status', title: t('users.status'),
      render: (_, u) => (u.disabled ? <Tag color="default">{t('users.disabledTag')}</Tag> : <Tag color="green">{t('users.active')}</Tag>),
    },
    { key: 'createdAt', title: t('users.createdAt'), render: (_, u) => time(u.createdAt) },
    { key: 'lastLoginAt', title: t('users.lastLogin'), render: (_, u) => time(u.lastLoginAt) },
    {
      key: 'actions', title: t('users.actions'),
      render: (_, u) => (
        <span className="row-actions">
          {u.disabled ? (
            <Button size="small" onClick={() => change.mutate({ user: u, change: { disabled: false } })} data-testid="user-enable">{t('users.enable')}</Button>
          ) : (
            // Disabling oneself would end one's own session in the middle of the page.
            <Popconfirm title={t('users.disableConfirm', { email: u.email })} okText={t('users.disable')} cancelText={t('users.cancel')} okButtonProps={{ danger: true, 'data-testid': 'user-disable-confirm' } as ButtonProps}
              onConfirm={() => change.mutate({ user: u, change: { disabled: true } })}>
              <Button size="small" danger disabled={u.id === me?.id} data-testid="user-disable">{t('users.disable')}</Button>
            </Popconfirm>
          )}
          <Button size="small" onClick={() => setResetting(u)} data-testid="user-reset-password">{t('users.resetPassword')}</Button>
        </span>
      ),
    },
  ];

  return (
    <section className="card users-section" aria-labelledby="users-heading" data-testid="users-section">
      <div className="card-header">
        <h2 className="card-title" id="users-heading">{t('users.section')}</h2>
        <Button type="primary" onClick={() => setAdding(true)} data-testid="user-add">{t('users.create')}</Button>
      </div>
      {users.isError && <ErrorNotice error={describeError(users.error, t)} />}
      <Table<User>
        rowKey="id"
        size="middle"
        columns={columns}
        dataSource={users.data ?? []}
        loading={users.isPending}
        pagination={false}
        scroll={{ x: 'max-content' }}
        locale={{ emptyText: t('users.empty') }}
        onRow={(u) => ({ 'data-testid': 'user-row', 'data-email': u.email, 'data-disabled': String(u.disabled) }) as React.HTMLAttributes<HTMLElement>}
      />
      <AddUserModal open={adding} onClose={() => setAdding(false)} />
      <ResetPasswordModal user={resetting} onClose={() => setResetting(null)} onSave={(password) => {
        if (resetting) change.mutate({ user: resetting, change: { password } }, { onSuccess: () => setResetting(null) });
      }} saving={change.isPending} />
    </section>
  );
}

function AddUserModal({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<CreateUserRequest>();
  const add = useMutation({
    mutationFn: (user: CreateUserRequest) => createUser({ ...user, email: user.email.trim() }),
    onSuccess: (created) => {
      void message.success(t('users.created', { email: created.email }));
      void queryClient.invalidateQueries({ queryKey: usersQueryKey });
      form.resetFields();
      onClose();
    },
  });
  return (
    <Modal open={open} title={t('users.createTitle')} okText={t('users.create')} cancelText={t('users.cancel')} destroyOnHidden
      onOk={() => form.submit()} onCancel={() => { add.reset(); onClose(); }} okButtonProps={{ loading: add.isPending, 'data-testid': 'user-add-submit' } as ButtonProps}>
      <Form<CreateUserRequest> form={form} layout="vertical" requiredMark={false} initialValues={{ roles: ['designer'] }} onFinish={(values) => add.mutate(values)} data-testid="user-add-form">
        <Form.Item label={t('users.email')} name="email" rules={[{ required: true, type: 'email', message: t('users.emailInvalid') }]}>
          <Input type="email" autoComplete="off" data-testid="user-add-email" />
        </Form.Item>
        <Form.Item label={t('users.password')} name="password" extra={t('users.passwordHint', { min: minPasswordLength })}
          rules={[{ required: true, min: minPasswordLength, message: t('users.passwordTooShort', { min: minPasswordLength }) }]}>
          <Input.Password autoComplete="new-password" data-testid="user-add-password" />
        </Form.Item>
        <Form.Item label={t('users.roles')} name="roles" rules={[{ required: true, type: 'array', min: 1, message: t('users.rolesRequired') }]}>
          <RoleChoice testId="user-add-roles" />
        </Form.Item>
      </Form>
      {add.isError && <ErrorNotice error={describeError(add.error, t)} testId="user-add-error" />}
    </Modal>
  );
}

function ResetPasswordModal({ user, onClose, onSave, saving }: { user: User | null; onClose: () => void; onSave: (password: string) => void; saving: boolean }) {
  const { t } = useI18n();
  const [form] = Form.useForm<{ password: string }>();
  return (
    <Modal open={user !== null} title={user ? t('users.resetPasswordTitle', { email: user.email }) : ''} okText={t('users.save')} cancelText={t('users.cancel')}
      destroyOnHidden onOk={() => form.submit()} onCancel={onClose} okButtonProps={{ loading: saving }}>
      <Form form={form} layout="vertical" requiredMark={false} onFinish={({ password }) => onSave(password)}>
        <Form.Item label={t('users.newPassword')} name="password" extra={t('users.passwordHint', { min: minPasswordLength })}
          rules={[{ required: true, min: minPasswordLength, message: t('users.passwordTooShort', { min: minPasswordLength }) }]}>
          <Input.Password autoComplete="new-password" data-testid="user-new-password" />
        </Form.Item>
      </Form>
    </Modal>
  );
}
