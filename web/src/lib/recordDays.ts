/**
 * The days a recorded incident may carry, as the server checks them (src/incident/record-dates.ts):
 * none before EARLIEST_DAY (a typed year such as 0202), none after today (UTC; the server allows
 * one day more for time zones east of UTC). A what-if may imagine any day.
 */
export const EARLIEST_DAY = '1900-01-01';

/** The message key of what is wrong with a record's day (YYYY-MM-DD), or null. */
export function recordDayError(date: string, today: string): 'form.err.future' | 'form.err.tooEarly' | null {
  if (date > today) return 'form.err.future';
  if (date < EARLIEST_DAY) return 'form.err.tooEarly';
  return null;
}
