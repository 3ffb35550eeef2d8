import type { Kysely } from 'kysely';
import type { Dialect } from '../database.ts';

/**
 * One schema step. `version` is a strictly increasing integer; a migration
 * never changes once released — add a new one instead. SQL that differs by
 * dialect (ids, spatial indexes, full text) is chosen inside `up`.
 */
export interface Migration {
  version: number;
  name: string;
  up(db: Kysely<any>, dialect: Dialect): Promise<void>;
}
