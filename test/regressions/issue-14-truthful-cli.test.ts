// Exit codes that tell the truth about files: an unwritable trace file is exit 1 with the run's
// output kept; a record-traces folder that is a file is one line and exit 1. Real child processes.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'novatrace.js');

function novatrace(args: string[]) {
  return spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, OTEL_TRACES_EXPORTER: 'none', NO_COLOR: '1' },
  });
}

describe('novatrace exit codes for files', () => {
  it('exits 1 when --trace-file cannot be written, and still prints the tree', () => {
    const r = novatrace(['run', 'happy', '--trace-file', '/nonexistent/dir/t.json']);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('scenario happy');
    expect(r.stderr).toMatch(/could not write \/nonexistent\/dir\/t\.json/);
  });

  it('refuses a record-traces folder that is a file with one line and exit 1', () => {
    const r = novatrace(['record-traces', '/etc/hostname']);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(
      'novatrace record-traces: cannot write into /etc/hostname: not a folder (a file is in the way)\n'
    );
  });

  it('rejects an out-of-range value with the valid range (exit 2)', () => {
    const r = novatrace(['cloud', '--max-microversion', '2.999']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('from 2.1 to 2.104');
  });
});
