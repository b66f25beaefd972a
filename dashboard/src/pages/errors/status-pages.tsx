import { Button, Result } from 'antd';
import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import { HOME_PATH } from '../../app-routes';

export function ForbiddenPage() {
  const { t } = useTranslation();
  return (
    <Result
      status="403"
      title={t('common.forbiddenTitle')}
      subTitle={t('common.forbiddenText')}
      extra={
        <Link to={HOME_PATH}>
          <Button type="primary">{t('common.backHome')}</Button>
        </Link>
      }
      data-testid="page-forbidden"
    />
  );
}

export function NotFoundPage() {
  const { t } = useTranslation();
  return (
    <Result
      status="404"
      title={t('common.notFoundTitle')}
      subTitle={t('common.notFoundText')}
      extra={
        <Link to={HOME_PATH}>
          <Button type="primary">{t('common.backHome')}</Button>
        </Link>
      }
      data-testid="page-not-found"
    />
  );
}
