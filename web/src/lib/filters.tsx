import { createContext, useContext } from 'react';
import type { IncidentFilters } from '../api/types.ts';

/** The filters the map and the list share, so switching screens keeps the question asked. */
export const FiltersContext = createContext<[IncidentFilters, (f: IncidentFilters) => void]>([{}, () => undefined]);

export function useFilters(): [IncidentFilters, (f: IncidentFilters) => void] {
  return useContext(FiltersContext);
}

/** Drops empty values so they are not sent. */
export function clean(f: IncidentFilters): IncidentFilters {
  const out: IncidentFilters = {};
  for (const [k, v] of Object.entries(f) as Array<[keyof IncidentFilters, string | undefined]>) if (v) out[k] = v;
  return out;
}

/** The whole month of a timeline period ("2023-10" or "2023-10-01") as a from/to pair. */
export function monthRange(period: string): { from: string; to: string } {
  const [y = 1970, m = 1] = period.slice(0, 7).split('-').map(Number);
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
  const mm = String(m).padStart(2, '0');
  return { from: `${y}-${mm}-01`, to: `${y}-${mm}-${String(last).padStart(2, '0')}` };
}
