import type { KeyObject } from 'node:crypto';
import type { Charter } from '../charter/schema.ts';
import type { Store } from '../store/store.ts';
import type { Feed } from './feed.ts';
import type { ImportJobs } from './jobs.ts';
import type { WebhookDeliverer } from './webhooks/deliverer.ts';
import type { AssessmentRefresher } from './assessments.ts';

/** What every route plugin is given: the store, the charters, the live feed and the import queue. */
export interface AppContext {
  store: Store;
  charters: Charter[];
  feed: Feed;
  jobs: ImportJobs;
  /** Sends the webhook outbox. */
  webhooks: WebhookDeliverer;
  /** Keeps the stored assessments current in the background. */
  assessments: AssessmentRefresher;
  /** The time now: deadlines are read from it (tests pass a clock they move). */
  clock: () => Date;
  /** Upload size limit for imports, bytes. */
  uploadLimitBytes: number;
  /** Where uploads wait for their import job (FOEDUS_UPLOAD_DIR, else the system's temp folder). */
  uploadDir: string;
  /** The key that signs ledger checkpoints (FOEDUS_CHECKPOINT_KEY[_FILE]); null when none is configured. */
  checkpointKey: KeyObject | null;
}
