import type { Migration } from './migration.ts';
import { incidentsMigration } from './001_incidents.ts';
import { accountsLedger } from './002_accounts_ledger.ts';
import { cellsTriggersNoStatementJournal } from './003_cells_triggers_no_statement_journal.ts';
import { webhooksMigration } from './004_webhooks.ts';
import { tokenExpiry } from './005_token_expiry.ts';
import { casesMigration } from './006_cases.ts';
import { storeMeta } from './007_store_meta.ts';
import { unassessedIndex } from './008_unassessed_index.ts';
import { corrections } from './009_corrections.ts';
import { loginThrottle } from './010_login_throttle.ts';
import { importJobs } from './011_import_jobs.ts';
import { feedEvents } from './012_feed_events.ts';
import { jobQueue } from './013_job_queue.ts';
import { incidentTallies } from './014_incident_tallies.ts';
import { ledgerBindings } from './015_ledger_bindings.ts';
import { cellMonthSums } from './016_cell_month_sums.ts';
import { triggerCells } from './017_trigger_cells.ts';

/**
 * Every migration, in version order. Add new ones at the end with the next
 * version number; never edit a released one.
 */
export const migrations: Migration[] = [
  incidentsMigration,
  accountsLedger,
  cellsTriggersNoStatementJournal,
  webhooksMigration,
  tokenExpiry,
  casesMigration,
  storeMeta,
  unassessedIndex,
  corrections,
  loginThrottle,
  importJobs,
  feedEvents,
  jobQueue,
  incidentTallies,
  ledgerBindings,
  cellMonthSums,
  triggerCells,
];
