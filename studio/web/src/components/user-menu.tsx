import { useState } from 'react';
import { App, Dropdown, Tag, type MenuProps } from 'antd';
import { describeError } from '../i18n/error-message.ts';
import { useI18n } from '../i18n/i18n.ts';
import { useSession } from '../session/session.tsx';

/** The header's account menu: who is signed in, with which roles, and 退出登录 / Log out. */
export function UserMenu() {
  const { t } = useI18n();
  const { user, logOut } = useSession();
  const { message } = App.useApp();
  const [open, setOpen] = useState(false);
  if (!user) return null;

  // Logged out, the studio's session guard takes the page to the login form.
  async function logOutAndLeave() {
    try {
      await logOut();
    } catch (error) {
      // The session is forgotten here either way; the server's answer is only worth a note.
      void message.warning(describeError(error, t).message);
    }
  }

  const items: MenuProps['items'] = [
    {
      key: 'who',
      type: 'group',
      label: (
        <div className="user-menu-who" data-testid="user-menu-who">
          <span className="user-menu-caption">{t('userMenu.signedInAs')}</span>
          <span className="user-menu-email" data-testid="user-menu-email">{user.email}</span>
          <span className="user-menu-caption">{t('userMenu.roles')}</span>
          <span className="user-menu-roles" data-testid="user-menu-roles">
            {user.roles.map((role) => <Tag key={role} data-role={role}>{t(`role.${role}`)}</Tag>)}
          </span>
        </div>
      ),
    },
    { type: 'divider' },
    { key: 'logout', danger: true, label: <span data-testid="logout">{t('userMenu.logout')}</span> },
  ];

  return (
    <Dropdown
      trigger={['click']}
      placement="bottomRight"
      open={open}
      onOpenChange={setOpen}
      menu={{ items, onClick: ({ key }) => { setOpen(false); if (key === 'logout') void logOutAndLeave(); } }}
    >
      <button type="button" className="user-menu-button" aria-label={t('userMenu.label', { email: user.email })} data-testid="user-menu">
        <span className="user-avatar" aria-hidden="true">{user.email.slice(0, 1).toUpperCase()}</span>
        <span className="user-menu-name">{user.email}</span>
        <svg className="user-menu-caret" viewBox="0 0 12 12" aria-hidden="true" focusable="false"><path d="M3 4.5l3 3 3-3" fill="none" stroke="currentColor" strokeWidth="1.5" /></svg>
      </button>
    </Dropdown>
  );
}
