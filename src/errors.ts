/**
 * An error caused by what the user gave us (a file, a flag, a request body),
 * as opposed to a bug. The CLI prints its message on one line and exits 2;
 * the server answers 4xx with its code. `where` names the place in the input
 * (file:line, a JSON path, a CSV column) so the user knows what to fix.
 */
export class InputError extends Error {
  readonly code: string;
  readonly where: string | undefined;
  constructor(message: string, options: { code?: string; where?: string; cause?: unknown } = {}) {
    super(options.where ? `${options.where}: ${message}` : message, { cause: options.cause });
    this.name = 'InputError';
    this.code = options.code ?? 'bad_input';
    this.where = options.where;
  }
}
