import type { Command } from 'commander';
import { register as usersCommand } from './users.ts';
import { register as ledgerCommand } from './ledger.ts';
import { register as assessCommand } from './assess.ts';
import { register as chartersCommand } from './charters.ts';
import { register as importCommand } from './import.ts';
import { register as serveCommand } from './serve.ts';
import { register as openapiCommand } from './openapi.ts';
import { register as incidentsCommand } from './incidents.ts';
import { register as casesCommand } from './cases.ts';
import { register as complianceCommand } from './compliance.ts';
import { register as backupCommand } from './backup.ts';

/**
 * Every `foedus` sub-command, one file each. A file exports a function that
 * adds its command (and sub-commands) to the program: names, descriptions and
 * options only. What a command does is in ../actions/, imported by its action
 * when it runs, so `foedus --help` or `foedus charters list` does not load the
 * server, the store or the engine. A command file imports nothing heavy: only
 * commander, ../../errors.ts and dependency-free constants (test/cli/lazy.test.ts
 * checks it).
 */
export const commands: Array<(program: Command) => void> = [
  usersCommand,
  ledgerCommand,
  assessCommand,
  chartersCommand,
  importCommand,
  serveCommand,
  openapiCommand,
  incidentsCommand,
  casesCommand,
  complianceCommand,
  backupCommand,
];
