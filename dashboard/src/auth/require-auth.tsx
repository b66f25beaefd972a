import { useEffect, type ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router';
import { Button, Result, Spin } from 'antd';
import { useTranslation } from 'react-i18next';
import { useAuth } from './auth-context';

const RETRY_MS = 5000;

/** Renders its children only for a signed-in user; otherwise goes to the sign-in page. */
export function RequireAuth({ children }: { children: ReactNode }) {
  const { status, retry } = useAuth();
  const location = useLocation();
  const { t } = useTranslation();

  useEffect(() => {
    if (status !== 'unreachable') return;
    const timer = setInterval(retry, RETRY_MS);
    return () => clearInterval(timer);
  }, [status, retry]);

  switch (status) {
    case 'signed-in':
      return <>{children}</>;
    case 'signed-out':
      return <Navigate to="/login" replace state={{ from: location.pathname + location.search }} />;
    case 'checking':
      return (
        <div className="full-page-center">
          <Spin size="large" description={t('auth.checking')} />
        </div>
      );
    case 'unreachable':
      return (
        <div className="full-page-center">
          <Result
            status="warning"
            title={t('auth.serverUnreachableTitle')}
            subTitle={t('auth.serverUnreachableText')}
            extra={<Button onClick={retry}>{t('common.retry')}</Button>}
          />
        </div>
      );
  }
}
