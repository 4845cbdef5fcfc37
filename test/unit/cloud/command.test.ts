import { describe, expect, it } from 'vitest';
import { renderHelp } from '../../../src/commands/options.js';
import {
  CLOUD_HELP,
  DEFAULT_CLOUD_PORT,
  cloudCommand,
  isLoopbackHost,
  parseCloudArgs,
  readyText,
} from '../../../src/cloud/command.js';
import type { RunningCloud } from '../../../src/cloud/index.js';
import { FIXTURES } from '../../../src/cloud/fixtures.js';

function sink(): { write(text: string): void; text(): string } {
  let out = '';
  return {
    write(text: string) {
      out += text;
    },
    text: () => out,
  };
}

describe('parseCloudArgs', () => {
  it('defaults to 127.0.0.1 and the port of the captures', () => {
    expect(parseCloudArgs([])).toEqual({
      port: DEFAULT_CLOUD_PORT,
      host: '127.0.0.1',
      names: [],
      viewer: undefined,
      maxMicroversion: undefined,
      help: false,
    });
  });

  it('reads --port, --host, --viewer and --max-microversion, spaced or with =', () => {
    expect(
      parseCloudArgs([
        '--port',
        '0',
        '--host=::1',
        '--viewer',
        'http://127.0.0.1:8787/',
        '--max-microversion=2.79',
      ])
    ).toEqual({
      port: 0,
      host: '::1',
      names: [],
      viewer: 'http://127.0.0.1:8787',
      maxMicroversion: '2.79',
      help: false,
    });
  });

  it('reads --name, repeatable and lower-cased, and refuses a name with a path in it', () => {
    expect(parseCloudArgs(['--name', 'Lab-PC.local', '--name=cloud.lab']).names).toEqual([
      'lab-pc.local',
      'cloud.lab',
    ]);
    expect(() => parseCloudArgs(['--name', 'evil/x'])).toThrow(
      "--name needs a host name, got 'evil/x'"
    );
  });

  it('refuses bad values and unknown arguments with a clear message', () => {
    expect(() => parseCloudArgs(['--port', 'x'])).toThrow(
      "--port must be a whole number from 0 to 65535 (got 'x')"
    );
    expect(() => parseCloudArgs(['--port', '70000'])).toThrow(/from 0 to 65535/);
    expect(() => parseCloudArgs(['--port'])).toThrow('--port needs a value');
    expect(() => parseCloudArgs(['--viewer', 'localhost:8787'])).toThrow(
      /--viewer must be an http/
    );
    expect(() => parseCloudArgs(['--max-microversion', '3.1'])).toThrow(
      "--max-microversion must be a microversion from 2.1 to 2.104 (got '3.1')"
    );
    // issue 14: the top is what the mock Nova implements
    expect(() => parseCloudArgs(['--max-microversion', '2.999'])).toThrow(/from 2\.1 to 2\.104/);
    expect(() => parseCloudArgs(['--max-microversion', '2.0'])).toThrow(/from 2\.1 to 2\.104/);
    expect(() => parseCloudArgs(['serve'])).toThrow("takes no arguments (got 'serve')");
  });
});

describe('isLoopbackHost', () => {
  it('knows loopback addresses', () => {
    expect(['127.0.0.1', '127.1.2.3', '::1', 'localhost'].every(isLoopbackHost)).toBe(true);
    expect(['0.0.0.0', '192.168.1.2', '::'].some(isLoopbackHost)).toBe(false);
  });
});

describe('cloudCommand', () => {
  it('prints usage for --help and exits 0', async () => {
    const stdout = sink();
    expect(await cloudCommand(['--help'], { stdout, stderr: sink(), env: {} })).toBe(0);
    expect(stdout.text()).toBe(renderHelp(CLOUD_HELP));
  });

  it('exits 2 with the message on stderr for a bad argument', async () => {
    const stderr = sink();
    expect(await cloudCommand(['--port', 'abc'], { stdout: sink(), stderr, env: {} })).toBe(2);
    expect(stderr.text()).toBe(
      "novatrace cloud: --port must be a whole number from 0 to 65535 (got 'abc')\n" +
        'usage: novatrace cloud [options]\n' +
        "Try 'novatrace cloud --help' for the options.\n"
    );
  });

  it('prints export lines and sample commands with the seeded ids', () => {
    const url = 'http://127.0.0.1:18774';
    const text = readyText({
      url,
      port: 18774,
      authUrlV3: `${url}/identity/v3`,
      authUrlV2: `${url}/identity/v2.0`,
      computeUrl: `${url}/v2.1`,
    } as RunningCloud);
    expect(text).toContain(`export OS_AUTH_URL=${url}/identity/v3\n`);
    for (const line of [
      'export OS_USERNAME=demo',
      'export OS_PASSWORD=secret',
      'export OS_PROJECT_NAME=demo',
      'export OS_USER_DOMAIN_NAME=Default',
      'export OS_PROJECT_DOMAIN_NAME=Default',
    ]) {
      expect(text).toContain(`${line}\n`);
    }
    const { servers: S, volumes: V } = FIXTURES;
    expect(text).toContain(`novatrace volume-update vm-1 ${V.attached.id} ${V.spare.id}\n`);
    expect(text).toContain(`nova volume-update ${S.vm1.id} ${V.attached.id} ${V.spare.id}\n`);
    expect(text).toContain(`curl -X POST ${url}/_novatrace/faults`);
  });
});
