import { Suspense } from 'react';
import { Link, Outlet, useLocation } from 'react-router';
import { Button, Layout, Menu, Spin, Tag, Tooltip, Typography } from 'antd';
import { LogoutOutlined, SafetyCertificateOutlined, UserOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { routesFor } from '../app-routes';
import { useAuth, useSignedInUser } from '../auth/auth-context';
import { LanguageSwitch } from './language-switch';
import { SocketStatus } from './socket-status';
import { LockdownBanners, LockdownButton } from './lockdown-bar';
import { AlertBanner } from '../pages/alerts/alert-banner';
import { useQuery } from '@tanstack/react-query';
import { authQueries } from '../api/auth';

const { Header, Sider, Content } = Layout;

export function AppShell() {
  const { t } = useTranslation();
  const user = useSignedInUser();
  const { signOut } = useAuth();
  const location = useLocation();
  const health = useQuery(authQueries.health);
  const routes = routesFor(user.role);
  const selected = routes.find((route) => location.pathname.startsWith(route.path))?.key;

  return (
    <Layout className="app-layout">
      <Header className="app-header">
        <div className="app-brand">
          <SafetyCertificateOutlined className="app-brand-icon" />
          <span className="app-brand-name">{t('app.productName')}</span>
          {health.data?.mode === 'demo' && (
            <Tag color="gold" data-testid="demo-mode">
              {t('app.demoMode')}
            </Tag>
          )}
        </div>
        <div className="app-header-tools">
          <LockdownButton className="app-header-lockdown" />
          <SocketStatus />
          <LanguageSwitch className="app-header-button" />
          <span className="app-user" data-testid="current-user" data-role={user.role}>
            <UserOutlined />
            <span className="app-user-name">{user.displayName || user.username}</span>
            <Tag className="app-user-role">{t(`role.${user.role}`)}</Tag>
          </span>
          <Tooltip title={t('auth.signOut')}>
            <Button type="text" className="app-header-button" icon={<LogoutOutlined />} onClick={signOut} data-testid="sign-out">
              {t('auth.signOut')}
            </Button>
          </Tooltip>
        </div>
      </Header>
      <Layout>
        <Sider className="app-sider" width={184} breakpoint="lg" collapsedWidth={56} theme="light">
          <Menu
            mode="inline"
            selectedKeys={selected ? [selected] : []}
            items={routes.map((route) => ({
              key: route.key,
              icon: route.icon,
              label: (
                <Link to={route.path} data-testid={`nav-${route.key}`}>
                  {t(`nav.${route.key}`)}
                </Link>
              ),
            }))}
          />
          {health.data && (
            <Typography.Text type="secondary" className="app-version">
              {t('app.version', { version: health.data.version })}
            </Typography.Text>
          )}
        </Sider>
        <Content className="app-content">
          {user.role !== 'employee' && <LockdownBanners />}
          {user.role !== 'employee' && <AlertBanner />}
          <Suspense
            fallback={
              <div className="page-loading">
                <Spin />
              </div>
            }
          >
            <Outlet />
          </Suspense>
        </Content>
      </Layout>
    </Layout>
  );
}
