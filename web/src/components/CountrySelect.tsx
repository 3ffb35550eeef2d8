import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { allCountries, countryName, REGION } from '../lib/countries.ts';
import { currentLang } from '../i18n/index.ts';

/** A country picker: the AES and neighbours first, then every country, names in the UI language. */
export function CountrySelect({ id, value, onChange, emptyLabel, required, invalid, describedBy }: {
  id: string; value: string; onChange: (v: string) => void; emptyLabel: string; required?: boolean; invalid?: boolean; describedBy?: string;
}) {
  const { t } = useTranslation('components');
  const lang = currentLang();
  const all = useMemo(() => allCountries(lang), [lang]);
  return (
    <select id={id} value={value} onChange={(e) => onChange(e.target.value)} required={required} aria-invalid={invalid || undefined} aria-describedby={invalid ? describedBy : undefined}>
      <option value="">{emptyLabel}</option>
      <optgroup label={t('country.region')}>
        {REGION.map((c) => <option key={c} value={c}>{countryName(c, lang)} ({c})</option>)}
      </optgroup>
      <optgroup label={t('country.all')}>
        {all.map((c) => <option key={c.code} value={c.code}>{c.name} ({c.code})</option>)}
      </optgroup>
    </select>
  );
}
