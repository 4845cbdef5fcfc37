import { once } from 'node:events';
import { createServer, type AddressInfo } from 'node:net';
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
import type { KeystoneVersions, RunningCloud } from '../../../src/cloud/index.js';
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
      keystoneVersions: ['v2.0', 'v3'],
      keystone: undefined,
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
      keystoneVersions: ['v2.0', 'v3'],
      keystone: undefined,
      help: false,
    });
  });

  it('reads --keystone-versions and --keystone (root or /v3 URL, kept as the root)', () => {
    expect(
      parseCloudArgs(['--keystone-versions', 'v3', '--keystone=http://127.0.0.1:5000/v3/'])
    ).toMatchObject({ keystoneVersions: ['v3'], keystone: 'http://127.0.0.1:5000' });
    expect(parseCloudArgs(['--keystone-versions=v3,v2.0'])).toMatchObject({
      keystoneVersions: ['v2.0', 'v3'],
    });
  });

  it('refuses a Keystone without v3 and a --keystone that is no http(s) URL', () => {
    expect(() => parseCloudArgs(['--keystone-versions', 'v2.0'])).toThrow(
      "--keystone-versions: expected v3 or v2.0,v3 (got 'v2.0')"
    );
    expect(() => parseCloudArgs(['--keystone', '127.0.0.1:5000'])).toThrow(
      "--keystone must be Keystone's http(s) root or /v3 URL (got '127.0.0.1:5000')"
    );
    expect(() => parseCloudArgs(['--keystone', 'http://h:5000/v3?x=1'])).toThrow(/--keystone must/);
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
      keystone: { versions: ['v2.0', 'v3'] as KeystoneVersions },
    } as RunningCloud);
    expect(text).toContain(`export OS_AUTH_URL=${url}/identity/v3\n`);
    expect(text).toContain(`(seed-era v2.0: ${url}/identity/v2.0)`);
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

  it('says when the mock Keystone is v3-only, and points at a real Keystone with --keystone', () => {
    const url = 'http://127.0.0.1:18774';
    const cloud = {
      url,
      port: 18774,
      authUrlV3: `${url}/identity/v3`,
      authUrlV2: `${url}/identity/v2.0`,
      computeUrl: `${url}/v2.1`,
      keystone: { versions: ['v3'] as KeystoneVersions },
    } as RunningCloud;
    expect(readyText(cloud)).toContain('(v3 only, as every Keystone since Queens)');
    expect(readyText(cloud)).not.toContain('/identity/v2.0');
    const real = readyText(cloud, 'novatrace', 'http://127.0.0.1:5000');
    expect(real).toContain('mock Nova listening on');
    expect(real).toContain('export OS_AUTH_URL=http://127.0.0.1:5000/v3\n');
    expect(real).toContain(`compute endpoint must be ${url}/v2.1`);
    expect(real).not.toContain('export OS_PASSWORD=secret');
  });

  it('exits 1 with a clear message when --keystone does not answer', async () => {
    const probe = createServer().listen(0, '127.0.0.1');
    await once(probe, 'listening');
    const port = (probe.address() as AddressInfo).port;
    await new Promise((resolve) => probe.close(resolve));
    const closed = `http://127.0.0.1:${port}`; // nothing listens there any more
    const stderr = sink();
    expect(
      await cloudCommand(['--port', '0', '--keystone', closed], { stdout: sink(), stderr, env: {} })
    ).toBe(1);
    expect(stderr.text()).toBe(`novatrace cloud: --keystone ${closed}: no answer (ECONNREFUSED)\n`);
  });
});
