import { Checkbox, Tag } from 'antd';
import { holdsRole, type Role } from '@shotfarm/shared';
import { useI18n } from '../../i18n/i18n.ts';

/** Every role, in the order the pages list them (least to most). */
export const allRoles: readonly Role[] = ['designer', 'operator', 'growth', 'publisher', 'admin'];

/** The roles someone holding `held` may hand on (to a key): those they hold, directly or through a wider one. */
export function grantableRoles(held: readonly Role[]): Role[] {
  return allRoles.filter((role) => holdsRole(held, role));
}

/** One tag per role, in the page's language. */
export function RoleTags({ roles }: { roles: readonly Role[] }) {
  const { t } = useI18n();
  return <>{allRoles.filter((r) => roles.includes(r)).map((role) => <Tag key={role} data-role={role} color={role === 'admin' ? 'geekblue' : undefined}>{t(`role.${role}`)}</Tag>)}</>;
}

/** Role checkboxes, each with what the role may do, for antd's Form.Item (value/onChange). */
export function RoleChoice({ value, onChange, options = allRoles, testId }: {
  value?: Role[];
  onChange?: (roles: Role[]) => void;
  options?: readonly Role[];
  testId?: string;
}) {
  const { t } = useI18n();
  return (
    <Checkbox.Group className="role-choice" value={value} onChange={(roles) => onChange?.(roles as Role[])} data-testid={testId}>
      {options.map((role) => (
        <Checkbox key={role} value={role} data-role={role}>
          <span className="role-choice-name">{t(`role.${role}`)}</span>
          <span className="role-choice-hint">{t(`role.hint.${role}`)}</span>
        </Checkbox>
      ))}
    </Checkbox.Group>
  );
}
