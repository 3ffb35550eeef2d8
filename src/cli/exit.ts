/**
 * A command that must stop with a given exit code and one line for the user
 * (e.g. `foedus serve`: 3 the port is taken, 4 the store cannot be opened, 5 no UI build).
 * main() prints the message and returns the code.
 */
export class CliExit extends Error {
  constructor(readonly exitCode: number, message: string) {
    super(message);
    this.name = 'CliExit';
  }
}
