import { Command, CommanderError } from 'commander';
import { InputError } from '../errors.ts';
import { commands } from './commands/index.ts';
import { CliExit } from './exit.ts';

/**
 * Builds the `foedus` program. Each command lives in its own file under
 * ./commands and is listed in ./commands/index.ts.
 */
export function buildProgram(): Command {
  const program = new Command('foedus')
    .description('Foedus: mutual-defence treaties as working software (charters, assessment, incidents, response).')
    .version('0.1.0')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  for (const register of commands) register(program);
  return program;
}

/**
 * A reader that stops early (`foedus ledger verify | head -1`) closes our output: the
 * next write fails with EPIPE. That is the reader's choice, not an error of ours, so the
 * command ends quietly with the exit code it had so far (a script must not read a closed
 * pipe as "ledger broken"). Called by bin/foedus.js, the process's entry point.
 */
export function endQuietlyWhenOutputCloses(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE') throw err;
      process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
    });
  }
}

/** Runs the CLI and returns the exit code: 0 success, 1 a check failed, 2 bad input. */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end here with exit code 0; usage errors were already printed.
      return err.exitCode === 0 ? 0 : 2;
    }
    if (err instanceof CliExit) {
      process.stderr.write(`foedus: ${err.message}\n`);
      return err.exitCode;
    }
    if (err instanceof InputError) {
      process.stderr.write(`foedus: ${err.message}\n`);
      return 2;
    }
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`foedus: unexpected error: ${message}\n`);
    if (process.env.FOEDUS_DEBUG) console.error(err);
    return 1;
  }
}
