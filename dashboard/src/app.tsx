import { useEffect, useState } from 'react';
import { App as AntApp, ConfigProvider, theme } from 'antd';
import { QueryClientProvider } from '@tanstack/react-query';
import enUS from 'antd/es/locale/en_US';
import zhCN from 'antd/es/locale/zh_CN';
import { BrowserRouter, Navigate, Route, Routes } from 'react-router';
import { useTranslation } from 'react-i18next';
import { createQueryClient } from './api/query';
import { APP_ROUTES, HOME_PATH, type AppRoute } from './app-routes';
import { AuthProvider, useAuth, useSignedInUser } from './auth/auth-context';
import { RequireAuth } from './auth/require-auth';
import { AppShell } from './layout/app-shell';
import { LoginPage } from './pages/login/login-page';
import { ForbiddenPage, NotFoundPage } from './pages/errors/status-pages';
import { RealtimeProvider } from './realtime/realtime-context';

// Sober palette for a security desk: status colours carry the meaning, little else does.
const APP_THEME = {
  algorithm: theme.defaultAlgorithm,
  token: {
    colorPrimary: '#1f4e8c',
    colorSuccess: '#389e0d',
    colorError: '#cf1322',
    colorWarning: '#d46b08',
    borderRadius: 4,
    fontFamily:
      "-apple-system, BlinkMacSystemFont, 'Segoe UI', 'PingFang SC', 'Hiragino Sans GB', 'Microsoft YaHei', 'Noto Sans CJK SC', 'Helvetica Neue', Arial, sans-serif",
  },
  components: {
    Layout: { headerBg: '#0f2236', headerHeight: 52, headerPadding: '0 16px', siderBg: '#ffffff' },
    Table: { cellPaddingBlockSM: 5, headerBg: '#f3f5f8' },
  },
};

/**
 * Buttons and forms hand async handlers to antd, which ignores the promise they return. A
 * handler's failure that no `useAction` caught would otherwise only reach the console: this
 * shows it like any failed action. A form's own validation failure is already shown beside
 * its fields, so it is left alone.
 */
function FailedHandlerMessages() {
  const { message } = AntApp.useApp();
  const { t } = useTranslation();
  useEffect(() => {
    const onRejection = (event: PromiseRejectionEvent) => {
      const reason: unknown = event.reason;
      event.preventDefault();
      if (typeof reason === 'object' && reason !== null && 'errorFields' in reason) return;
      message.error({
        content: t('admin.failed', { message: reason instanceof Error ? reason.message : String(reason) }),
        className: 'action-error',
      });
    };
    window.addEventListener('unhandledrejection', onRejection);
    return () => window.removeEventListener('unhandledrejection', onRejection);
  }, [message, t]);
  return null;
}

function RoleGate({ route }: { route: AppRoute }) {
  const user = useSignedInUser();
  return route.roles.includes(user.role) ? <route.Page /> : <ForbiddenPage />;
}

function SignedInArea() {
  const { token } = useAuth();
  return (
    <RealtimeProvider token={token ?? ''}>
      <AppShell />
    </RealtimeProvider>
  );
}

export function App() {
  const { i18n } = useTranslation();
  const [queryClient] = useState(createQueryClient);
  return (
    <QueryClientProvider client={queryClient}>
      <ConfigProvider locale={i18n.language === 'en' ? enUS : zhCN} theme={APP_THEME} componentSize="middle">
        <AntApp>
          <FailedHandlerMessages />
          <BrowserRouter>
            <AuthProvider>
              <Routes>
                <Route path="/login" element={<LoginPage />} />
                <Route
                  element={
                    <RequireAuth>
                      <SignedInArea />
                    </RequireAuth>
                  }
                >
                  <Route index element={<Navigate to={HOME_PATH} replace />} />
                  {APP_ROUTES.map((route) => (
                    <Route key={route.key} path={route.path} element={<RoleGate route={route} />} />
                  ))}
                  <Route path="*" element={<NotFoundPage />} />
                </Route>
              </Routes>
            </AuthProvider>
          </BrowserRouter>
        </AntApp>
      </ConfigProvider>
    </QueryClientProvider>
  );
}
