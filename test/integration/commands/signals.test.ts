// Ctrl-C and kill during a slow PUT: `novatrace volume-update` (a real child process) ends the
// open spans as interrupted, writes the trace file it was asked for, and exits 130 / 143 as a
// shell reports a process the signal stopped. Loopback only; every wait is bounded.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES } from '../../../src/cloud/index.js';
import { useCloud } from '../../helpers/start-cloud.js';

const BIN = join(import.meta.dirname, '..', '..', '..', 'bin', 'novatrace.js');
const cloud = useCloud();
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'novatrace-signals-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

interface Stopped {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

/** Starts volume-update, waits for its PUT to be on the wire (the --debug line), sends `signal`. */
function interruptPut(signal: 'SIGINT' | 'SIGTERM', traceFile: string): Promise<Stopped> {
  const { servers, volumes, credentials } = FIXTURES;
  const child = spawn(
    process.execPath,
    [
      BIN,
      'volume-update',
      '--trace-file',
      traceFile,
      '--debug',
      '--os-cache',
      servers.vm1.id,
      volumes.attached.id,
      volumes.spare.id,
    ],
    {
      env: {
        ...process.env,
        OS_AUTH_URL: cloud().authUrlV3,
        OS_USERNAME: credentials.username,
        OS_PASSWORD: credentials.password,
        OS_PROJECT_NAME: credentials.projectName,
        OTEL_TRACES_EXPORTER: 'none',
        NO_COLOR: '1',
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    }
  );
  return new Promise<Stopped>((resolve, reject) => {
    let stderr = '';
    let sent = false;
    const guard = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`no exit within 60 s; stderr so far:\n${stderr}`));
    }, 60_000);
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (!sent && /-X PUT/.test(stderr)) {
        sent = true;
        child.kill(signal);
      }
    });
    child.on('exit', (code, sig) => {
      clearTimeout(guard);
      resolve({ code, signal: sig, stderr });
    });
  });
}

describe('volume-update stopped by a signal', () => {
  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)(
    '%s during the PUT: exit %i, open spans ended as interrupted in the trace file',
    async (signal, exitCode) => {
      // The PUT waits 30 s in the cloud: far longer than the test needs to send the signal.
      cloud().faults.set({ fault: 'delay', ms: 30_000, method: 'PUT' });
      const traceFile = join(dir, `${signal}.json`);
      const stopped = await interruptPut(signal, traceFile);
      expect(stopped.signal).toBeNull();
      expect(stopped.code).toBe(exitCode);
      if (signal === 'SIGINT') expect(stopped.stderr).toContain('... terminating nova client');
      const text = await readFile(traceFile, 'utf8');
      const spans = (
        JSON.parse(text) as {
          resourceSpans: {
            scopeSpans: {
              spans: { name: string; status?: { code?: number; message?: string } }[];
            }[];
          }[];
        }
      ).resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans));
      const interrupted = spans.filter((s) => s.status?.message === `interrupted by ${signal}`);
      const names = interrupted.map((s) => s.name);
      // The root and the PUT's chain down to the wire were open; all of them are in the file.
      expect(names).toContain('nova volume-update');
      expect(names).toContain('HTTPClient._cs_request');
      expect(names.some((n) => n.startsWith('PUT'))).toBe(true);
      // The requests before the PUT ended by themselves.
      expect(spans.length).toBeGreaterThan(interrupted.length);
    },
    90_000
  );
});
