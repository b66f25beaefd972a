import { useState } from 'react';
import { App, Button, Form, Input, Modal, Select, Switch, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { UserAddOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { UserRole } from '@acs/shared/access/model';
import type { UserAccountView } from '@acs/shared/api/users';
import { useSignedInUser } from '../../auth/auth-context';
import { ListPage } from '../../components/list-page';
import { useDateFormatters } from '../../format/date-format';
import { useQuery } from '@tanstack/react-query';
import { peopleQueries } from '../../api/people';
import { useMutations } from '../../api/query';
import { type NewUser, userKeys, userQueries, usersApi } from '../../api/users';

// Keyed by role so a new role in @acs/shared is a compile error here.
const ROLE_ORDER: Record<UserRole, number> = { admin: 0, guard: 1, employee: 2, auditor: 3 };
const ROLES = Object.keys(ROLE_ORDER) as UserRole[];

type Row = UserAccountView;

function CreateUserDialog({
  open,
  onClose,
  onCreated,
}: {
  open: boolean;
  onClose: () => void;
  onCreated: (user: UserAccountView) => void;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<NewUser & { personId?: string }>();
  const [saving, setSaving] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const people = useQuery(peopleQueries.list);
  const changes = useMutations(usersApi, [userKeys.all]);

  const submit = async (values: NewUser) => {
    setSaving(true);
    setProblem(null);
    try {
      const user = await changes.create({
        ...values,
        personId: values.personId || undefined,
        displayName: values.displayName || undefined,
      });
      form.resetFields();
      onCreated(user);
    } catch (err) {
      setProblem(err instanceof Error ? err.message : String(err));
    } finally {
      setSaving(false);
    }
  };

  return (
    <Modal open={open} title={t('users.create')} onCancel={onClose} footer={null} destroyOnHidden>
      <Form form={form} layout="vertical" onFinish={submit} initialValues={{ role: 'employee' }}>
        <Form.Item name="username" label={t('users.username')} rules={[{ required: true, message: t('users.usernameRequired') }]}>
          <Input autoComplete="off" data-testid="user-form-username" />
        </Form.Item>
        <Form.Item name="displayName" label={t('users.displayName')}>
          <Input data-testid="user-form-display-name" />
        </Form.Item>
        <Form.Item name="role" label={t('users.role')} rules={[{ required: true }]}>
          <Select data-testid="user-form-role" options={ROLES.map((role) => ({ value: role, label: t(`role.${role}`) }))} />
        </Form.Item>
        <Form.Item
          name="password"
          label={t('users.password')}
          extra={t('users.passwordHint')}
          rules={[{ required: true, message: t('users.passwordRequired') }]}
        >
          <Input.Password autoComplete="new-password" data-testid="user-form-password" />
        </Form.Item>
        <Form.Item name="personId" label={t('users.person')}>
          <Select
            allowClear
            showSearch={{ optionFilterProp: 'label' }}
            placeholder={t('users.personNone')}
            loading={people.isFetching}
            options={(people.data ?? []).map((p) => ({ value: p.id, label: p.name }))}
          />
        </Form.Item>
        {problem && (
          <Form.Item>
            <Typography.Text type="danger" data-testid="user-form-error">
              {problem}
            </Typography.Text>
          </Form.Item>
        )}
        <Form.Item className="form-buttons">
          <Button onClick={onClose}>{t('users.cancel')}</Button>{' '}
          <Button type="primary" htmlType="submit" loading={saving} data-testid="user-form-submit">
            {t('users.submit')}
          </Button>
        </Form.Item>
      </Form>
    </Modal>
  );
}

/** Administrators create accounts, change roles and disable accounts. */
export function UsersPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const me = useSignedInUser();
  const users = useQuery(userQueries.list);
  const formats = useDateFormatters();
  const [creating, setCreating] = useState(false);
  const [busy, setBusy] = useState<string | null>(null);
  const changes = useMutations(usersApi, [userKeys.all]);

  const change = async (user: Row, edit: { role?: UserRole; disabled?: boolean }) => {
    setBusy(user.id);
    try {
      await changes.update(user.id, edit);
      message.success(t('users.saved', { username: user.username }));
    } catch (err) {
      message.error(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(null);
    }
  };

  const columns: ColumnsType<Row> = [
    {
      key: 'username',
      title: t('users.username'),
      sorter: (a, b) => a.username.localeCompare(b.username),
      render: (_, u) => (
        <span>
          <span className="mono">{u.username}</span>
          {u.id === me.id && <Typography.Text type="secondary"> {t('users.you')}</Typography.Text>}
        </span>
      ),
    },
    { key: 'displayName', title: t('users.displayName'), dataIndex: 'displayName' },
    {
      key: 'role',
      title: t('users.role'),
      width: 160,
      sorter: (a, b) => ROLE_ORDER[a.role] - ROLE_ORDER[b.role],
      render: (_, u) => (
        <Select<UserRole>
          size="small"
          value={u.role}
          disabled={busy === u.id}
          style={{ width: 130 }}
          data-testid="user-role-select"
          onChange={(role) => void change(u, { role })}
          options={ROLES.map((role) => ({ value: role, label: t(`role.${role}`) }))}
        />
      ),
    },
    {
      key: 'status',
      title: t('users.status'),
      width: 160,
      render: (_, u) => (
        <span>
          <Switch
            size="small"
            checked={!u.disabled}
            disabled={busy === u.id || u.id === me.id}
            onChange={(enabled) => void change(u, { disabled: !enabled })}
            data-testid="user-enabled-switch"
          />{' '}
          <Tag color={u.disabled ? 'default' : 'green'}>{u.disabled ? t('users.disabled') : t('users.enabled')}</Tag>
        </span>
      ),
    },
    { key: 'createdAt', title: t('users.createdAt'), width: 190, render: (_, u) => formats.dateTime(u.createdAt) },
  ];

  return (
    <>
      <div className="page-actions">
        <Button type="primary" icon={<UserAddOutlined />} onClick={() => setCreating(true)} data-testid="users-create">
          {t('users.create')}
        </Button>
      </div>
      <ListPage<Row>
        title={t('users.title')}
        testId="users"
        query={users}
        columns={columns}
        searchPlaceholder={t('users.searchPlaceholder')}
        searchText={(u) => [u.username, u.displayName].join(' ')}
      />
      <CreateUserDialog
        open={creating}
        onClose={() => setCreating(false)}
        onCreated={(user) => {
          setCreating(false);
          message.success(t('users.created', { username: user.username }));
        }}
      />
    </>
  );
}
