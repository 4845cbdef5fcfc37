// `cloud --name HOST`: a cloud reached by a classroom's DNS name answers that name (its catalog
// names it, so the client's next requests use it too) and still refuses any other Host with 421.
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningCloud } from '../../../src/cloud/index.js';
import { startTestCloud, v3PasswordBody } from '../../helpers/start-cloud.js';

let cloud: RunningCloud;
beforeAll(async () => {
  cloud = await startTestCloud({ hostNames: ['lab-pc.local'] });
});
afterAll(async () => {
  await cloud.close();
});

/** A raw request on loopback, so the Host header is whatever the test says. */
function rawRequest(path: string, host: string, method = 'GET', body = ''): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(cloud.port, '127.0.0.1', () => {
      socket.write(
        `${method} ${path} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n` +
          (body
            ? `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n`
            : '') +
          `\r\n${body}`
      );
    });
    let text = '';
    socket.setEncoding('utf8');
    socket.setTimeout(10_000, () => socket.destroy(new Error('no answer in 10 s')));
    socket.on('data', (d: string) => (text += d));
    socket.on('end', () => resolve(text));
    socket.on('error', reject);
  });
}

describe('a cloud started with --name', () => {
  it('answers the given name on Keystone and Nova, and names it in the catalog', async () => {
    const host = `LAB-PC.local:${cloud.port}`;
    const token = await rawRequest(
      '/identity/v3/auth/tokens',
      host,
      'POST',
      JSON.stringify(v3PasswordBody())
    );
    expect(token).toMatch(/^HTTP\/1\.1 201 /);
    expect(token).toContain(`http://lab-pc.local:${cloud.port}/v2.1`);
    expect(await rawRequest('/v2.1', host)).toMatch(/^HTTP\/1\.1 200 /);
  });

  it('still refuses another name with 421, and keeps the control routes to loopback', async () => {
    expect(await rawRequest('/identity/v3', 'rebound.example')).toMatch(/^HTTP\/1\.1 421 /);
    expect(await rawRequest('/_novatrace/state', `lab-pc.local:${cloud.port}`)).toMatch(
      /^HTTP\/1\.1 421 /
    );
  });
});
