import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * A reader that closes the pipe early (`foedus … | head -1`) must not turn into a stack
 * trace or exit 1 (the code a script reads as "ledger broken"): the command ends quietly.
 */

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

describe('output closed by the reader', () => {
  it('ends quietly, exit 0, nothing on stderr, when head takes only the first line', () => {
    // `openapi` prints ~190 KB, well over a pipe's buffer, so our writes outlive head's read.
    const r = spawnSync('bash', ['-c', 'set -o pipefail; node bin/foedus.js openapi | head -1 >/dev/null'], { cwd: ROOT, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
});
