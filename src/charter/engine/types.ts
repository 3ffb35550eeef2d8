import type { Lang } from '../schema.ts';

/** What assess() returns: every provision, triggered or not, with the conditions that held or failed. */

export interface TraceItem {
  condition: string;
  held: boolean;
  detail: string;
}

export interface ObligationOut {
  action: string;
  armed_force: string;
  individually_or_collectively: boolean;
  summary: string;
}
export interface DecisionOut {
  rule: string;
  body: string | null;
  summary: string;
}
export interface DeadlineOut {
  value: string | null;
  text: string;
}

export interface TriggeredProvision {
  charter: string;
  article: string;
  provision: string;
  beneficiary: string | null;
  obligated: string[];
  obligation: ObligationOut;
  decision: DecisionOut;
  deadline: DeadlineOut;
  trace: TraceItem[];
}

export interface NotTriggeredProvision {
  charter: string;
  article: string;
  provision: string;
  trace: TraceItem[];
}

export interface Conflict {
  parties: string[];
  between: { charter: string; article: string }[];
  explanation: string;
}

export interface Assessment {
  at: string;
  triggered: TriggeredProvision[];
  not_triggered: NotTriggeredProvision[];
  conflicts: Conflict[];
}

export interface AssessOptions {
  /** Language of the trace sentences and texts (default en). */
  lang?: Lang;
  /** false: skip the trace sentences (each trace is []), for bulk recomputation. */
  trace?: boolean;
}
