// Pausing never changes the branch: the cloud's keep-alive timer spares the connections of a
// paused step-mode run, and closes them as usual once the run moves on. (Node closes an idle
// socket about 1 s after keepAliveTimeout: the held check waits past that.)
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCloud, type RunningCloud } from '../../../src/cloud/index.js';
import { holdConnections, releaseConnections } from '../../../src/cloud/held-connections.js';

let cloud: RunningCloud;

beforeAll(async () => {
  cloud = await startCloud({ keepAliveTimeoutMs: 100 });
});

afterAll(async () => {
  await cloud.close();
});

/** A kept-alive socket that has had one full exchange. */
async function keptAlive(): Promise<{ socket: Socket; closed: Promise<void> }> {
  const socket = connect(cloud.port, '127.0.0.1');
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  socket.write('GET /identity/ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
  await new Promise<void>((resolve) => socket.once('data', () => resolve()));
  return { socket, closed };
}

const settle = (ms: number) => new Promise<'open'>((r) => setTimeout(() => r('open'), ms));

describe('held connections', () => {
  it('closes an idle connection after the keep-alive timeout when nothing holds it', async () => {
    const { closed } = await keptAlive();
    expect(await Promise.race([closed.then(() => 'closed'), settle(2000)])).toBe('closed');
  });

  it('keeps a held connection open past the timeout, and closes it after release', async () => {
    const { socket, closed } = await keptAlive();
    holdConnections('run-test', [socket.localPort ?? 0]);
    try {
      expect(await Promise.race([closed.then(() => 'closed'), settle(1600)])).toBe('open');
    } finally {
      releaseConnections('run-test');
    }
    expect(await Promise.race([closed.then(() => 'closed'), settle(3000)])).toBe('closed');
  });
});
