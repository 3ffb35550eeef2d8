/**
 * The server writes its refusals in English (API errors, import rejection reasons). In French the UI
 * says again what it recognises, from this table of the messages the server and the importers send;
 * what it does not recognise is shown as sent, marked as English (lang="en") for screen readers.
 * Column and field names (date_start, side_a…) stay as they are: they name a column of the user's file.
 */
type Rule = [RegExp, string];

const FR: Rule[] = [
  [/^not a real calendar date in the form YYYY-MM-DD$/, 'n’est pas une date réelle au format AAAA-MM-JJ'],
  [/^latitude must be between -90 and 90$/, 'la latitude doit être comprise entre -90 et 90'],
  [/^longitude must be between -180 and 180$/, 'la longitude doit être comprise entre -180 et 180'],
  [/^latitude is given without longitude.*$/, 'la latitude est donnée sans la longitude : donnez les deux, ou aucune'],
  [/^longitude is given without latitude.*$/, 'la longitude est donnée sans la latitude : donnez les deux, ou aucune'],
  [/^a location needs a country \(ISO3\) or lat and lon$/, 'un lieu demande un pays (ISO3) ou une latitude et une longitude'],
  [/^a perpetrator of type "state" needs its country \(ISO3\).*$/, 'un auteur de type « État » doit être nommé par son pays (ISO3) ; choisissez « Inconnu » si l’État n’est pas connu'],
  [/^unknown field\(s\) (.+); remove them or check the spelling$/, 'champ(s) inconnu(s) $1 ; retirez-les ou vérifiez l’orthographe'],
  [/^(\S+) "(.*)" is not a real date in UCDP's MM\/DD\/YYYY 00:00:00 form$/, '$1 « $2 » n’est pas une date réelle au format UCDP MM/JJ/AAAA 00:00:00'],
  [/^(\S+) "(.*)" is not a real date \(YYYY-MM-DD or "15 August 2023"\)$/, '$1 « $2 » n’est pas une date réelle (AAAA-MM-JJ ou « 15 August 2023 »)'],
  [/^(\S+) "(.*)" is not a real date.*$/, '$1 « $2 » n’est pas une date réelle'],
  [/^(\S+) "(.*)" is not a number in decimal degrees$/, '$1 « $2 » n’est pas un nombre en degrés décimaux'],
  [/^(\S+) "(.*)" is not a whole number( ≥ 0)?$/, '$1 « $2 » n’est pas un nombre entier$3'],
  [/^(\S+) (\S+) is outside (\S+)–(\S+)$/, '$1 $2 est hors de l’intervalle $3–$4'],
  [/^(\S+) is empty; UCDP names both sides of every event$/, '$1 est vide ; UCDP nomme les deux camps de chaque événement'],
  [/^(\S+) is empty.*$/, '$1 est vide'],
  [/^date_end (\S+) is before date_start (\S+)$/, 'date_end $1 est antérieure à date_start $2'],
  // The days of a record (src/incident/record-dates.ts), on the API and in imports.
  [/^(\S+) is in the future \(today is (\S+) UTC\): record an incident once it has happened, or use What-if to assess a hypothetical one$/,
    '$1 est dans le futur (nous sommes le $2 UTC) : un incident ne peut être enregistré avant d’avoir eu lieu ; pour un incident hypothétique, utilisez « Évaluer un incident »'],
  [/^(\S+) is in the future \(today is (\S+) UTC\)$/, '$1 est dans le futur (nous sommes le $2 UTC)'],
  [/^(\S+) is before (\S+), the earliest day Foedus records: check the year$/, '$1 est antérieur au $2, le premier jour que Foedus enregistre : vérifiez l’année'],
  [/^(\S+) is before the start day (\S+)$/, '$1 est antérieur au jour de début $2'],
  [/^Foedus gives a recorded incident its id; leave "id" out.*$/, 'Foedus attribue lui-même son identifiant à un incident enregistré : retirez « id »'],
  [/^"(.*)" is not this incident's id \("(.*)"\); leave "id" out$/, '« $1 » n’est pas l’identifiant de cet incident (« $2 ») : retirez « id »'],
  [/^id "(.*)" is not a UCDP event id \(a whole number\)$/, 'id « $1 » n’est pas un identifiant d’événement UCDP (un nombre entier)'],
  [/^country "(.*)" is not a country name UCDP uses.*$/, 'country « $1 » n’est pas un nom de pays employé par UCDP (ex. « Mali », « Ivory Coast »)'],
  [/^neither iso "(.*)" nor country "(.*)" names a known country$/, 'ni iso « $1 » ni country « $2 » ne désignent un pays connu'],
  [/^type_of_violence "(.*)" is not 1 \(state-based\), 2 \(non-state\) or 3 \(one-sided\)$/, 'type_of_violence « $1 » n’est ni 1 (étatique), ni 2 (non étatique), ni 3 (unilatéral)'],
  [/^(\S+) "(.*)" is not a UCDP code \((.*)\)$/, '$1 « $2 » n’est pas un code UCDP ($3)'],
  [/^year (\S+) disagrees with event_date (\S+)$/, 'year $1 ne concorde pas avec event_date $2'],
  [/^geometry must be a GeoJSON geometry object or null$/, 'geometry doit être une géométrie GeoJSON ou null'],
  [/^geometry is a (\w+).*$/, 'la géométrie est un $1 ; un incident s’importe comme un Point (coordonnées [longitude, latitude])'],
  [/^a Point needs coordinates.*$/, 'un Point demande des coordonnées [longitude, latitude] (deux nombres)'],
  [/^Required$|^is required$|^Invalid input: expected .*, received undefined$/, 'obligatoire'],
  [/^Invalid option: expected one of (.*)$/, 'valeur non prévue : attendu l’un de $1'],
  [/^Invalid input: expected (\w+), received (\w+)$/, 'type inattendu : $1 attendu, $2 reçu'],
  [/^Too small: expected (\w+) to have >=?(\d+) characters?$/, 'trop court : au moins $2 caractère(s)'],
  [/^Too big: expected (\w+) to have <=?(\d+) characters?$/, 'trop long : au plus $2 caractères'],
];

/** A server message in the UI language, and whether it had to stay in English. */
export function serverText(message: string, lang: string): { text: string; english: boolean } {
  if (lang !== 'fr') return { text: message, english: false };
  for (const [re, fr] of FR) if (re.test(message)) return { text: message.replace(re, fr), english: false };
  return { text: message, english: true };
}

/** The form labels (components namespace) of the incident's fields as the API names them ("body.incident.location.lat"). */
const FIELD_LABELS: Record<string, string> = {
  date: 'form.date', kind: 'form.kind', fatalities: 'form.fatalities', location: 'form.where', 'location.lat': 'form.lat',
  'location.lon': 'form.lon', 'location.country': 'form.country', perpetrator: 'form.perpetrator', 'perpetrator.type': 'form.perpetrator',
  'perpetrator.country': 'form.perpCountry', 'perpetrator.name': 'form.perpName', target: 'form.target', 'target.type': 'form.target',
  'target.country': 'form.targetCountry', assistance_requested_by: 'form.assistance',
};

/** The label key of an API field path, or null when the form has none (then the path is shown). */
export function fieldLabelKey(field: string): string | null {
  const f = field.replace(/^body\./, '').replace(/^incident[.:]\s*/, '').replace(/^body\.incident:\s*/, '');
  return FIELD_LABELS[f] ?? null;
}
