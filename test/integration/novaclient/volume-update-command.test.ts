/**
 * `novatrace volume-update` end to end in-process: common flags, telemetry session, the nova
 * shell over loopback to the mock cloud, the trace file and the terminal tree.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES, startCloud, type RunningCloud } from '../../../src/cloud/index.js';
import { parseCommandLine } from '../../../src/commands/options.js';
import { VOLUME_UPDATE_OPTIONS, volumeUpdateCommand } from '../../../src/commands/volume-update.js';

let cloud: RunningCloud;
let dir: string;

beforeAll(async () => {
  cloud = await startCloud();
  dir = await mkdtemp(join(tmpdir(), 'novatrace-vu-'));
});

afterAll(async () => {
  await cloud.close();
  await rm(dir, { recursive: true, force: true });
});

describe('VOLUME_UPDATE_OPTIONS', () => {
  it('takes out novatrace options in both spellings and keeps the rest in order', () => {
    expect(
      parseCommandLine(
        VOLUME_UPDATE_OPTIONS,
        [
          '--trace-file',
          't.json',
          '--os-auth-url',
          'u',
          '--jaeger-file=j.json',
          '--tree',
          'a',
          '--viewer',
          'http://v/',
        ],
        { passUnknown: true }
      )
    ).toEqual({
      options: {
        traceFile: 't.json',
        jaegerFile: 'j.json',
        viewerUrl: 'http://v',
        tree: true,
        help: false,
      },
      rest: ['--os-auth-url', 'u', 'a'],
    });
  });

  it('reports a flag without its value and a viewer that is not a URL', () => {
    const parse = (args: string[]) => () =>
      parseCommandLine(VOLUME_UPDATE_OPTIONS, args, { passUnknown: true });
    expect(parse(['--trace-file'])).toThrow('--trace-file needs a value (FILE)');
    expect(parse(['--viewer', '--tree'])).toThrow('--viewer needs a value (URL)');
    expect(parse(['--viewer', 'localhost:8787'])).toThrow('--viewer must be an http(s) URL');
  });
});

describe('volumeUpdateCommand', () => {
  it('runs the update, writes the trace file without secrets, and prints the tree', async () => {
    const { servers, volumes, credentials } = FIXTURES;
    const traceFile = join(dir, 'run.json');
    let stdout = '';
    let stderr = '';
    const code = await volumeUpdateCommand(
      ['--trace-file', traceFile, '--tree', servers.vm1.id, volumes.attached.id, volumes.spare.id],
      {
        stdout: { write: (t: string) => (stdout += t) },
        stderr: { write: (t: string) => (stderr += t) },
        env: {
          OS_AUTH_URL: cloud.authUrlV3,
          OS_USERNAME: credentials.username,
          OS_PASSWORD: credentials.password,
          OS_PROJECT_NAME: credentials.projectName,
          OS_USER_DOMAIN_NAME: credentials.domain,
          OS_PROJECT_DOMAIN_NAME: credentials.domain,
          OTEL_TRACES_EXPORTER: 'none',
          NO_COLOR: '1',
        },
      }
    );
    expect(code).toBe(0);
    expect(stdout).toBe('');
    expect(stderr).toContain('nova volume-update');
    // The default road, as 3.3.0's shell: the keystoneauth1 session under SessionClient.
    expect(stderr).toContain('SessionClient.request');
    const text = await readFile(traceFile, 'utf8');
    expect(text).toContain('"nova volume-update"');
    expect(text).toContain('VolumeManager.update_server_volume');
    expect(text).not.toContain('"secret"');
    expect(text).not.toContain('password\\": \\"secret');
  });

  it('keeps credentials in the auth URL out of the trace files and the --debug log', async () => {
    cloud.state.reset();
    const { servers, volumes, credentials } = FIXTURES;
    const traceFile = join(dir, 'userinfo.json');
    const jaegerFile = join(dir, 'userinfo.jaeger.json');
    let stderr = '';
    const code = await volumeUpdateCommand(
      [
        '--trace-file',
        traceFile,
        '--jaeger-file',
        jaegerFile,
        '--debug',
        // --os-cache forces the HTTPClient road (its REQ: curl debug lines), as in 3.3.0
        '--os-cache',
        servers.vm1.id,
        volumes.attached.id,
        volumes.spare.id,
      ],
      {
        stdout: { write: () => true },
        stderr: { write: (t: string) => (stderr += t) },
        env: {
          OS_AUTH_URL: cloud.authUrlV3.replace('http://', 'http://demo:hunter22@'),
          OS_USERNAME: credentials.username,
          OS_PASSWORD: credentials.password,
          OS_PROJECT_NAME: credentials.projectName,
          OTEL_TRACES_EXPORTER: 'none',
        },
      }
    );
    expect(code).toBe(0);
    expect(stderr).toContain('REQ: curl');
    expect(stderr).toContain('REDACTED:REDACTED@');
    for (const text of [
      stderr,
      await readFile(traceFile, 'utf8'),
      await readFile(jaegerFile, 'utf8'),
    ]) {
      expect(text).not.toContain('hunter22');
    }
  });

  it('exits 2 with a usage line for a common flag without value', async () => {
    let stderr = '';
    const code = await volumeUpdateCommand(['--jaeger-file'], {
      stdout: { write: () => true },
      stderr: { write: (t: string) => (stderr += t) },
      env: {},
    });
    expect(code).toBe(2);
    expect(stderr).toContain('error: --jaeger-file needs a value (FILE)');
  });

  it('passes usage errors of the nova shell through as exit 2', async () => {
    let stderr = '';
    const code = await volumeUpdateCommand(['only-one'], {
      stdout: { write: () => true },
      stderr: { write: (t: string) => (stderr += t) },
      env: { OTEL_TRACES_EXPORTER: 'none' },
    });
    expect(code).toBe(2);
    // The session road's default microversion is 2.latest, so the 2.85 flags are known.
    expect(stderr).toContain(
      'usage: novatrace volume-update [--delete-on-termination | --no-delete-on-termination]'
    );
  });
});
