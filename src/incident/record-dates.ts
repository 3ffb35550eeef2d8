/**
 * The days a recorded incident may carry. The engine assesses any day (a what-if may ask about
 * a day to come); a record says what happened, so its days are bounded:
 * - none before EARLIEST_DAY: the oldest charter encoded is NATO's (1949) and the data sources
 *   start in 1989 (UCDP GED) and 1997 (ACLED); the floor catches typed years such as 0000 or 0202
 *   while keeping room for historical records;
 * - none after tomorrow by the server's clock (one day of slack for time zones east of UTC);
 * - an end day never before the start day.
 */
export const EARLIEST_DAY = '1900-01-01';

/** `now` (ISO instant) plus one day, as YYYY-MM-DD. */
function latestDay(now: string): string {
  return new Date(Date.parse(now) + 86_400_000).toISOString().slice(0, 10);
}

/** What is wrong with a record's days, naming the field, or null when they hold. */
export function recordDateProblem(date: string, dateEnd: string | null | undefined, now: string): { field: 'date' | 'dateEnd'; reason: string } | null {
  const latest = latestDay(now);
  if (date < EARLIEST_DAY) return { field: 'date', reason: `${date} is before ${EARLIEST_DAY}, the earliest day Foedus records: check the year` };
  if (date > latest) return { field: 'date', reason: `${date} is in the future (today is ${now.slice(0, 10)} UTC): record an incident once it has happened, or use What-if to assess a hypothetical one` };
  if (dateEnd) {
    if (dateEnd < date) return { field: 'dateEnd', reason: `${dateEnd} is before the start day ${date}` };
    if (dateEnd > latest) return { field: 'dateEnd', reason: `${dateEnd} is in the future (today is ${now.slice(0, 10)} UTC)` };
  }
  return null;
}
