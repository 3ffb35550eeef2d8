import { useTranslation } from 'react-i18next';
import { currentLang, setLanguage } from '../i18n/index.ts';
import type { Lang } from '../api/types.ts';

/** The visible fr/en switch; the choice is remembered in this browser. */
export function LangSwitch() {
  const { t } = useTranslation('common');
  const lang = currentLang();
  const langs: Array<[Lang, string, string]> = [['fr', 'FR', 'Français'], ['en', 'EN', 'English']];
  return (
    <div className="lang-switch" role="group" aria-label={t('language')}>
      {langs.map(([code, label, name]) => (
        <button key={code} type="button" lang={code} aria-pressed={lang === code} title={name}
          data-lang={code} onClick={() => setLanguage(code)}>{label}</button>
      ))}
    </div>
  );
}
