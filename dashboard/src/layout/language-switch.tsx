import { Button, Tooltip } from 'antd';
import { GlobalOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { Locale } from '@acs/shared/api/users';
import { authApi } from '../api/auth';
import { useAuth } from '../auth/auth-context';
import { applyLocale, currentLocale, noteSignedOutChoice } from '../i18n/i18n';

/**
 * Toggles zh-CN / English. Signed in, the choice is saved to the user (PATCH /api/auth/me);
 * signed out, it is kept in this browser and saved to the user after sign-in.
 */
export function LanguageSwitch({ className }: { className?: string }) {
  const { t, i18n } = useTranslation();
  const { user, setUser } = useAuth();
  const current = currentLocale();
  const next: Locale = current === 'zh-CN' ? 'en' : 'zh-CN';

  const onClick = async () => {
    await applyLocale(next);
    if (!user) {
      noteSignedOutChoice();
      return;
    }
    try {
      setUser(await authApi.updateMe({ locale: next }));
    } catch {
      // Kept locally (localStorage) even if the server did not store it; a 401 signs out.
    }
  };

  return (
    <Tooltip title={t('language.switchHint')}>
      <Button
        type="text"
        {...(className === undefined ? {} : { className })}
        icon={<GlobalOutlined />}
        onClick={() => void onClick()}
        data-testid="lang-switch"
        data-lang={i18n.language}
        lang={next}
      >
        {t('language.switchTo')}
      </Button>
    </Tooltip>
  );
}
