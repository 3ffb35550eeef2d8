import { describe, expect, it } from 'vitest';
import { EARLIEST_DAY as SERVER_EARLIEST_DAY, recordDateProblem } from '../../src/incident/record-dates.ts';
import { EARLIEST_DAY, recordDayError } from '../../web/src/lib/recordDays.ts';
import { fieldLabelKey, serverText } from '../../web/src/lib/serverText.ts';

/**
 * A refused day reads the same in the record form and from the server: the server's own reasons
 * (computed here by the server's function, so a changed wording fails this test) are said again
 * in French, and the form refuses the days the server would.
 */
const NOW = '2026-03-10T12:00:00.000Z';

describe('the days of a record, in the UI', () => {
  it('says every reason the server gives for a refused day in French', () => {
    const reasons = [
      recordDateProblem('0202-05-01', null, NOW),
      recordDateProblem('2999-01-01', null, NOW),
      recordDateProblem('2024-03-10', '2024-03-09', NOW),
      recordDateProblem('2024-03-10', '2999-01-01', NOW),
    ].map((p) => p!.reason);
    const fr = reasons.map((r) => serverText(r, 'fr'));
    expect(fr.map((t) => t.english)).toEqual([false, false, false, false]);
    expect(fr[0]!.text).toBe('0202-05-01 est antérieur au 1900-01-01, le premier jour que Foedus enregistre : vérifiez l’année');
    expect(fr[1]!.text).toMatch(/^2999-01-01 est dans le futur \(nous sommes le 2026-03-10 UTC\) : un incident ne peut être enregistré/);
    expect(fr[2]!.text).toBe('2024-03-09 est antérieur au jour de début 2024-03-10');
    expect(fr[3]!.text).toBe('2999-01-01 est dans le futur (nous sommes le 2026-03-10 UTC)');
    // In English the reason is shown as sent.
    expect(serverText(reasons[0]!, 'en')).toEqual({ text: reasons[0], english: false });
  });

  it('shows a refused day beside the date field', () => {
    expect(fieldLabelKey('body.incident.date')).toBe('form.date');
  });

  it('refuses in the form the days the server refuses', () => {
    expect(EARLIEST_DAY).toBe(SERVER_EARLIEST_DAY);
    expect(recordDayError('1899-12-31', '2026-03-10')).toBe('form.err.tooEarly');
    expect(recordDayError('0000-01-01', '2026-03-10')).toBe('form.err.tooEarly');
    expect(recordDayError('2026-03-11', '2026-03-10')).toBe('form.err.future');
    expect(recordDayError('1900-01-01', '2026-03-10')).toBeNull();
    expect(recordDayError('2026-03-10', '2026-03-10')).toBeNull();
  });
});
