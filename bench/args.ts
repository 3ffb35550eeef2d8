/** The benches' command-line options: `--name value`, or the default. */
export const args = process.argv.slice(2);

export function arg(name: string, def: string): string {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1]! : def;
}
