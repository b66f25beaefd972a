import { useState } from 'react';
import { Navigate, useLocation } from 'react-router';
import { Alert, Button, Card, Form, Input, Tag, Typography } from 'antd';
import { LockOutlined, SafetyCertificateOutlined, UserOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import { ApiRequestError } from '../../api/client';
import { HOME_PATH } from '../../app-routes';
import { useAuth } from '../../auth/auth-context';
import { LanguageSwitch } from '../../layout/language-switch';
import { useQuery } from '@tanstack/react-query';
import { authQueries } from '../../api/auth';

interface Credentials {
  username: string;
  password: string;
}

/** A sign-in failure as a stable code (for tests) and a translated sentence. */
interface SignInError {
  code: string;
  text: string;
}

function describeSignInError(t: TFunction, error: unknown): SignInError {
  if (!(error instanceof ApiRequestError)) {
    return { code: 'unknown', text: t('auth.errors.unknown', { message: String(error) }) };
  }
  if (error.unreachable) return { code: 'unreachable', text: t('auth.errors.unreachable') };
  if (error.status === 401 || error.code === 'invalid_credentials') {
    return { code: 'invalid_credentials', text: t('auth.errors.invalidCredentials') };
  }
  if (error.status === 429 || error.code === 'too_many_attempts') {
    const minutes = error.retryAfterSeconds ? Math.max(1, Math.ceil(error.retryAfterSeconds / 60)) : null;
    return {
      code: 'too_many_attempts',
      text: minutes ? t('auth.errors.tooManyAttemptsRetry', { minutes }) : t('auth.errors.tooManyAttempts'),
    };
  }
  return { code: error.code, text: t('auth.errors.unknown', { message: error.message }) };
}

export function LoginPage() {
  const { t } = useTranslation();
  const auth = useAuth();
  const location = useLocation();
  const health = useQuery(authQueries.health);
  const [submitting, setSubmitting] = useState(false);
  const [error, setError] = useState<unknown>(null);

  if (auth.status === 'signed-in') {
    const from = (location.state as { from?: string } | null)?.from;
    return <Navigate to={from && from !== '/login' ? from : HOME_PATH} replace />;
  }

  const onFinish = async ({ username, password }: Credentials) => {
    setSubmitting(true);
    setError(null);
    try {
      await auth.signIn(username.trim(), password);
    } catch (failure) {
      setError(failure);
      setSubmitting(false);
    }
  };

  // Described at render time so the message follows a language switch.
  const failure = error ? describeSignInError(t, error) : null;
  const notice = !failure && auth.reason === 'expired' ? t('auth.errors.sessionExpired') : null;

  return (
    <div className="login-page">
      <div className="login-topbar">
        <LanguageSwitch />
      </div>
      <Card className="login-card" variant="outlined">
        <div className="login-brand">
          <SafetyCertificateOutlined className="login-brand-icon" />
          <div>
            <Typography.Title level={4} className="login-title">
              {t('app.productName')}
            </Typography.Title>
            <Typography.Text type="secondary">{t('auth.subtitle')}</Typography.Text>
            {health.data?.mode === 'demo' && (
              <Tag color="gold" className="login-demo" data-testid="demo-mode">
                {t('app.demoMode')}
              </Tag>
            )}
          </div>
        </div>
        {failure && (
          <Alert
            type="error"
            showIcon
            title={failure.text}
            className="login-alert"
            data-testid="login-error"
            data-error={failure.code}
            role="alert"
          />
        )}
        {notice && <Alert type="warning" showIcon title={notice} className="login-alert" data-testid="login-notice" />}
        <Form<Credentials> layout="vertical" size="large" requiredMark={false} onFinish={(values) => void onFinish(values)}>
          <Form.Item
            name="username"
            label={t('auth.username')}
            rules={[{ required: true, whitespace: true, message: t('auth.usernameRequired') }]}
          >
            <Input prefix={<UserOutlined />} autoComplete="username" autoFocus data-testid="login-username" />
          </Form.Item>
          <Form.Item name="password" label={t('auth.password')} rules={[{ required: true, message: t('auth.passwordRequired') }]}>
            <Input.Password prefix={<LockOutlined />} autoComplete="current-password" data-testid="login-password" />
          </Form.Item>
          <Button type="primary" htmlType="submit" block loading={submitting} data-testid="login-submit">
            {t('auth.submit')}
          </Button>
        </Form>
        {health.data && (
          <Typography.Text type="secondary" className="login-version">
            {t('app.version', { version: health.data.version })}
          </Typography.Text>
        )}
      </Card>
    </div>
  );
}
