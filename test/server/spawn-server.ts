import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** A real `foedus serve` process for the tests that kill, restart or pair servers. */

const BIN = fileURLToPath(new URL('../../bin/foedus.js', import.meta.url));

export interface ServerProcess {
  child: ChildProcess;
  /** The server's URL once it listens; rejected (with what it printed) if it exits first. */
  ready: Promise<string>;
  stderr: () => string;
  exit: Promise<number | null>;
}

/** Starts `foedus serve --no-ui` on a free port, from the sources, with `args` (`--db …`) and `env` added. */
export function spawnServer(args: string[], env: Record<string, string> = {}): ServerProcess {
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--host', '127.0.0.1', '--no-ui', ...args], {
    env: { ...process.env, FOEDUS_FROM_SOURCE: '1', FOEDUS_LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  const exit = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  const ready = new Promise<string>((resolve, reject) => {
    child.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
      const m = /(http:\/\/127\.0\.0\.1:\d+)\//.exec(err);
      if (m) resolve(m[1]!);
    });
    void exit.then((code) => reject(new Error(`server exited ${code}: ${err}`)));
  });
  // Awaited by the caller when it needs the URL; a server meant to fail is read through `exit`.
  ready.catch(() => {});
  return { child, ready, stderr: () => err, exit };
}
