import { describe, expect, it } from 'vitest';
import type { Resource, ResponseLike } from '../../../src/novaclient/base.js';
import { Manager, StrWithMeta } from '../../../src/novaclient/base.js';
import { APIVersion } from '../../../src/novaclient/api_versions.js';
import { NotFound } from '../../../src/novaclient/exceptions.js';
import { ServerManager } from '../../../src/novaclient/v2/servers.js';
import { Volume, VolumeManager } from '../../../src/novaclient/v2/volumes.js';
import { useMemoryTracing } from '../../helpers/memory-tracing.js';
import { FakeApiClient, fakeResponse } from './fake-api.js';

const tracing = useMemoryTracing();

describe('Manager._update', () => {
  it('returns StrWithMeta("None") carrying the request id for an empty body', async () => {
    // upstream: novaclient/tests/unit/test_base.py (StrWithMeta), v2/test_volumes.py test_update_server_volume
    const client = new FakeApiClient([]);
    client.putAnswer = [fakeResponse(202, { 'x-openstack-request-id': 'req-put-1' }), null];
    const manager = new VolumeManager({ client, api_version: new APIVersion('2.1') });
    const result = await manager._update(
      '/servers/s/os-volume_attachments/v',
      { a: 1 },
      'volumeAttachment'
    );
    expect(result).toBeInstanceOf(StrWithMeta);
    expect(String(result)).toBe('None');
    expect(result.request_ids).toEqual(['req-put-1']);
    const [span] = (await tracing.spans()).filter((s) => s.name === 'Manager._update');
    expect(span?.events.map((e) => e.attributes?.['novatrace.event'])).toEqual([
      'empty body: StrWithMeta',
    ]);
  });

  it('falls back to x-compute-request-id for the request id', async () => {
    const client = new FakeApiClient([]);
    client.putAnswer = [fakeResponse(202, { 'x-compute-request-id': 'req-c' }), null];
    const manager = new VolumeManager({ client, api_version: new APIVersion('2.1') });
    const result = await manager._update('/x', {}, null);
    expect(result.request_ids).toEqual(['req-c']);
  });

  it('wraps a non-empty body in the resource class under response_key', async () => {
    const client = new FakeApiClient([]);
    client.putAnswer = [
      fakeResponse(200, { 'x-openstack-request-id': 'req-2' }),
      { volumeAttachment: { id: 'v', device: '/dev/vdb' } },
    ];
    const manager = new VolumeManager({ client, api_version: new APIVersion('2.1') });
    const result = await manager._update('/x', {}, 'volumeAttachment');
    expect(result).toBeInstanceOf(Volume);
    expect((result as Resource).getattr('device')).toBe('/dev/vdb');
    expect(result.request_ids).toEqual(['req-2']);
  });

  it('runs the modify_body_for_update hooks on the body before sending', async () => {
    const client = new FakeApiClient([]);
    const manager = new VolumeManager({ client, api_version: new APIVersion('2.1') });
    const hook = (body: unknown) => {
      (body as Record<string, unknown>)['hooked'] = true;
    };
    Manager.add_hook('modify_body_for_update', hook);
    try {
      await manager._update('/x', { a: 1 });
      expect(client.lastPutBody).toEqual({ a: 1, hooked: true });
    } finally {
      Manager._hooks_map.delete('modify_body_for_update');
    }
  });
});

describe('VolumeManager.update_server_volume', () => {
  // upstream: novaclient/tests/unit/v2/test_volumes.py VolumesTest.test_update_server_volume
  it('PUTs the volumeAttachment body to the attachment URL', async () => {
    const client = new FakeApiClient([]);
    const manager = new VolumeManager({ client, api_version: new APIVersion('2.1') });
    const result = await manager.update_server_volume('1234', 'Work', '123', true);
    expect(client.calls).toEqual(['PUT /servers/1234/os-volume_attachments/Work']);
    expect(client.lastPutBody).toEqual({ volumeAttachment: { volumeId: '123' } });
    expect(result).toBeInstanceOf(StrWithMeta);
  });

  it('adds delete_on_termination from 2.85 when given', async () => {
    // upstream (18.1.0): test_update_server_volume_with_delete_on_termination
    const client = new FakeApiClient([]);
    const manager = new VolumeManager({ client, api_version: new APIVersion('2.85') });
    await manager.update_server_volume('1234', 'Work', '123', false);
    expect(client.lastPutBody).toEqual({
      volumeAttachment: { volumeId: '123', delete_on_termination: false },
    });
    await manager.update_server_volume('1234', 'Work', '123');
    expect(client.lastPutBody).toEqual({ volumeAttachment: { volumeId: '123' } });
  });
});

describe('ManagerWithFind.find', () => {
  // upstream: test_base.py test_find
  it('raises NotFound with the Python message when nothing matches', async () => {
    const manager = new ServerManager({ client: new FakeApiClient([]) });
    const err = await manager.find({ name: 'x' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotFound);
    expect((err as Error).message).toBe("No Server matching {'name': 'x'}. (HTTP 404)");
  });

  it('collects the request ids of the listing and the GET on the match', async () => {
    const manager = new ServerManager({ client: new FakeApiClient([{ id: 'a', name: 'x' }]) });
    const server = await manager.find({ name: 'x' });
    expect(server.request_ids).toEqual(['req-2', 'req-1']);
  });
});

describe('ServerManager.list', () => {
  it('builds a non-detailed query sorted by key, dropping empty options', async () => {
    const client = new FakeApiClient([]);
    const manager = new ServerManager({ client });
    await manager.list({
      detailed: false,
      search_opts: { name: 'a b&c', status: '', all_tenants: 1 },
    });
    await manager.list();
    expect(client.calls).toEqual([
      'GET /servers?all_tenants=1&name=a+b%26c',
      'GET /servers/detail',
    ]);
  });
});

describe('Manager._get with an unexpected body', () => {
  // Python indexes the body (`body[response_key]`): a 200 without the resource stops the run.
  class OddBodyClient extends FakeApiClient {
    body: unknown = null;
    override async get(url: string): Promise<[ResponseLike, unknown]> {
      this.calls.push(`GET ${url}`);
      return [fakeResponse(200), this.body];
    }
  }

  it('raises TypeError for an empty body and KeyError for a body without the key', async () => {
    const client = new OddBodyClient([]);
    const manager = new ServerManager({ client });
    await expect(manager._get('/servers/x', 'server')).rejects.toThrow(
      "'NoneType' object is not subscriptable"
    );
    client.body = {};
    const err = await manager._get('/servers/x', 'server').catch((e: unknown) => e);
    expect((err as Error).constructor).toHaveProperty('pythonName', 'KeyError');
    expect((err as Error).message).toBe("'server'");
  });

  it('makes find_resource move past the id step and never reach a PUT with no id', async () => {
    const client = new OddBodyClient([]);
    const manager = new ServerManager({ client });
    const { find_resource } = await import('../../../src/novaclient/utils.js');
    // the id step's TypeError moves on; the name listing then fails the same way and stops
    await expect(find_resource(manager, '6b3a7f12-4c5d-4e8f-9a01-23456789abcd')).rejects.toThrow(
      /not subscriptable/
    );
    expect(client.calls[0]).toBe('GET /servers/6b3a7f12-4c5d-4e8f-9a01-23456789abcd');
    expect(client.calls[1]).toMatch(/^GET \/servers\?name=/);
  });
});

describe('StrWithMeta', () => {
  it("prints a dict the way Python's str() does", () => {
    expect(String(new StrWithMeta({}, null))).toBe('{}');
  });
});
