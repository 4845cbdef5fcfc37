/**
 * Parity with the captured wire traffic of the real clients (shared reference nova-wire.md):
 * the HTTP requests `novatrace volume-update` sends (method, path, body, and the headers that
 * carry meaning) match the seed-era client's sequence (section 4.1) with a Keystone v2.0 auth
 * URL, and the token, show-server and PUT requests of today's client (section 2) with a v3 one.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdaptorServer, type HttpBindings, type Http2Bindings } from '@hono/node-server';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createCloudApp, FIXTURES, type CloudApp } from '../../src/cloud/index.js';
import { main } from '../../src/novaclient/shell.js';

interface Captured {
  method: string;
  path: string;
  /** Header names in arrival order, lower-cased. */
  order: string[];
  headers: Record<string, string>;
  body: string;
}

const { servers, volumes, credentials } = FIXTURES;
let cloud: CloudApp;
let server: Server;
let base: string;
const captured: Captured[] = [];

beforeAll(async () => {
  cloud = createCloudApp();
  server = createAdaptorServer({
    fetch: async (req: Request, env: HttpBindings | Http2Bindings) => {
      const raw = env.incoming.rawHeaders;
      const headers: Record<string, string> = {};
      const order: string[] = [];
      for (let i = 0; i < raw.length; i += 2) {
        const name = (raw[i] as string).toLowerCase();
        order.push(name);
        headers[name] = raw[i + 1] as string;
      }
      const url = new URL(req.url);
      captured.push({
        method: req.method,
        path: url.pathname + url.search,
        order,
        headers,
        body: await req.clone().text(),
      });
      return cloud.app.fetch(req, env);
    },
    hostname: '127.0.0.1',
  }) as Server;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await cloud.dispose();
});

beforeEach(() => {
  captured.length = 0;
  cloud.state.reset();
});

async function novatrace(authUrl: string, extra: string[] = []): Promise<number> {
  const env = {
    OS_AUTH_URL: authUrl,
    OS_USERNAME: credentials.username,
    OS_PASSWORD: credentials.password,
    OS_PROJECT_NAME: credentials.projectName,
  };
  let stderr = '';
  const code = await main(
    [...extra, 'volume-update', servers.vm1.id, volumes.attached.id, volumes.spare.id],
    env,
    { stdout: { write: () => true }, stderr: { write: (t: string) => ((stderr += t), true) } },
    // parity with the seed note's captured traffic: the HTTPClient road
    { road: 'note' }
  );
  expect(stderr).toBe('');
  return code;
}

const PUT_BODY = `{"volumeAttachment": {"volumeId": "${volumes.spare.id}"}}`;

describe('seed-era parity (Keystone v2.0, nova-wire.md 4.1)', () => {
  it('sends the same three requests: token POST, GET server, PUT, with the project id in the URL', async () => {
    expect(await novatrace(`${base}/identity/v2.0`)).toBe(0);
    const project = credentials.projectId;
    expect(captured.map((c) => `${c.method} ${c.path}`)).toEqual([
      'POST /identity/v2.0/tokens',
      `GET /v2.1/${project}/servers/${servers.vm1.id}`,
      `PUT /v2.1/${project}/servers/${servers.vm1.id}/os-volume_attachments/${volumes.attached.id}`,
    ]);
    const [token, get, put] = captured as [Captured, Captured, Captured];
    // the token request
    expect(JSON.parse(token.body)).toEqual({
      auth: { passwordCredentials: { username: 'demo', password: 'secret' }, tenantName: 'demo' },
    });
    expect(token.headers['content-type']).toBe('application/json');
    // every request: the plain novaclient agent and JSON, and the 2.1 microversion header only
    for (const c of captured) {
      expect(c.headers['user-agent']).toBe('python-novaclient');
      expect(c.headers['accept']).toBe('application/json');
      expect(c.headers['x-openstack-nova-api-version']).toBe('2.1');
      expect(c.headers['openstack-api-version']).toBeUndefined();
      // requests' session defaults come first on the wire, as captured
      expect(c.order.indexOf('user-agent')).toBeLessThan(
        c.order.indexOf('x-openstack-nova-api-version')
      );
    }
    // the Nova calls carry the token from the body of the token response and the project name
    expect(cloud.state.tokens.validate(get.headers['x-auth-token'])?.projectId).toBe(
      credentials.projectId
    );
    for (const c of [get, put]) {
      expect(c.headers['x-auth-token']).toBe(get.headers['x-auth-token']);
      expect(c.headers['x-auth-project-id']).toBe('demo');
    }
    expect(token.headers['x-auth-token']).toBeUndefined();
    // the PUT body is exactly the captured 74 bytes, json.dumps style
    expect(put.body).toBe(PUT_BODY);
    expect(put.headers['content-length']).toBe('74');
    expect(put.headers['content-type']).toBe('application/json');
    expect(get.body).toBe('');
  });
});

describe('modern parity (Keystone v3, nova-wire.md 2)', () => {
  it('sends the token, show-server and PUT requests of the modern flow', async () => {
    expect(await novatrace(`${base}/identity/v3`, ['--os-compute-api-version', '2.85'])).toBe(0);
    const calls = captured.map((c) => `${c.method} ${c.path}`);
    expect(calls).toEqual([
      'POST /identity/v3/auth/tokens',
      `GET /v2.1/servers/${servers.vm1.id}`,
      `PUT /v2.1/servers/${servers.vm1.id}/os-volume_attachments/${volumes.attached.id}`,
    ]);
    const [token, get, put] = captured as [Captured, Captured, Captured];
    // no domain variables: both domains go as id 'default', as the modern shell does
    expect(JSON.parse(token.body)).toEqual({
      auth: {
        identity: {
          methods: ['password'],
          password: { user: { name: 'demo', password: 'secret', domain: { id: 'default' } } },
        },
        scope: { project: { name: 'demo', domain: { id: 'default' } } },
      },
    });
    expect(cloud.state.tokens.validate(get.headers['x-auth-token'])).toBeDefined();
    for (const c of [get, put]) {
      expect(c.headers['x-auth-token']).toBe(get.headers['x-auth-token']);
      // from 2.27 both microversion headers
      expect(c.headers['x-openstack-nova-api-version']).toBe('2.85');
      expect(c.headers['openstack-api-version']).toBe('compute 2.85');
    }
    expect(put.body).toBe(PUT_BODY);
    expect(put.headers['content-type']).toBe('application/json');
  });
});
