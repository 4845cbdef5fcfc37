import { describe, expect, it } from 'vitest';
import { CommandError } from '../../../src/novaclient/exceptions.js';
import { find_resource, print_list, to_slug } from '../../../src/novaclient/utils.js';
import { ServerManager } from '../../../src/novaclient/v2/servers.js';
import { useMemoryTracing } from '../../helpers/memory-tracing.js';
import { FakeApiClient } from './fake-api.js';

const tracing = useMemoryTracing();

const VM1 = { id: '6b3a7f12-4c5d-4e8f-9a01-23456789abcd', name: 'vm-1' };
const VM10 = { id: '7c4b8023-5d6e-4f90-8b12-3456789abcde', name: 'vm-10' };
const DUP_A = { id: '11111111-2222-4333-8444-555555555555', name: 'dup' };
const DUP_B = { id: '22222222-3333-4444-8555-666666666666', name: 'dup' };
const NUMERIC = { id: '42', name: 'answer' };

function managerWith(...servers: Array<{ id: string; name: string }>) {
  const client = new FakeApiClient(servers);
  return { client, manager: new ServerManager({ client }) };
}

describe('utils.find_resource', () => {
  // upstream: novaclient/tests/unit/test_utils.py FindResourceTestCase
  it('gets a UUID-looking argument by id with one request', async () => {
    const { client, manager } = managerWith(VM1, VM10);
    const server = await find_resource(manager, VM1.id);
    expect(server.id).toBe(VM1.id);
    expect(client.calls).toEqual([`GET /servers/${VM1.id}`]);
  });

  it('lists by name, keeps the exact match, then GETs it (vm-10 dropped)', async () => {
    // upstream: test_find_by_str_name
    const { client, manager } = managerWith(VM1, VM10);
    const server = await find_resource(manager, 'vm-1');
    expect(server.id).toBe(VM1.id);
    expect(client.calls).toEqual(['GET /servers?name=vm-1', `GET /servers/${VM1.id}`]);
    const spans = await tracing.spans();
    const findall = spans.find((s) => s.name === 'ManagerWithFind.findall');
    expect(findall?.events.map((e) => e.attributes?.['novatrace.event'])).toContain(
      'findall: exact name filter'
    );
    expect(
      findall?.events.find(
        (e) => e.attributes?.['novatrace.event'] === 'findall: exact name filter'
      )?.name
    ).toBe("findall: 2 listed, 1 equal to {'name': 'vm-1'}");
  });

  it('raises the "Multiple ... matches" CommandError for two servers of one name', async () => {
    // upstream: test_find_no_unique_match
    const { client, manager } = managerWith(DUP_A, DUP_B);
    await expect(find_resource(manager, 'dup')).rejects.toThrow(
      new CommandError("Multiple server matches found for 'dup', use an ID to be more specific.")
    );
    expect(client.calls).toEqual([
      'GET /servers?name=dup',
      `GET /servers/${DUP_A.id}`,
      `GET /servers/${DUP_B.id}`,
    ]);
  });

  it('tries id, name and human_id for an unknown UUID, then raises "No server ..."', async () => {
    // upstream: test_find_none
    const { client, manager } = managerWith(VM1);
    const unknown = '00000000-1111-4222-8333-444444444444';
    const err = await find_resource(manager, unknown).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CommandError);
    expect((err as Error).message).toBe(`No server with a name or ID of '${unknown}' exists.`);
    expect(client.calls).toEqual([
      `GET /servers/${unknown}`,
      `GET /servers?name=${unknown}`,
      `GET /servers?name=${unknown}`,
    ]);
  });

  it('lists twice (name, then human_id) for an unknown name and makes no id request', async () => {
    const { client, manager } = managerWith(VM1);
    await expect(find_resource(manager, 'no-such-vm')).rejects.toThrow(
      "No server with a name or ID of 'no-such-vm' exists."
    );
    expect(client.calls).toEqual(['GET /servers?name=no-such-vm', 'GET /servers?name=no-such-vm']);
  });

  it('finds by human_id when the name differs but its slug equals the argument', async () => {
    // Nova's regex "web-server" matches "Web-Server!" only case-sensitively, so use a name it
    // matches: "web-server!" lists, is not equal to the argument, but its slug is.
    const { client, manager } = managerWith({ id: VM10.id, name: 'web-server!' });
    const server = await find_resource(manager, 'web-server');
    expect(server.id).toBe(VM10.id);
    expect(client.calls).toEqual([
      'GET /servers?name=web-server',
      'GET /servers?name=web-server',
      `GET /servers/${VM10.id}`,
    ]);
  });

  it('tries an integer id last', async () => {
    // upstream: test_find_by_integer_id
    const { client, manager } = managerWith(NUMERIC);
    const server = await find_resource(manager, '42');
    expect(server.id).toBe('42');
    expect(client.calls).toEqual([
      'GET /servers?name=42',
      'GET /servers?name=42',
      'GET /servers/42',
    ]);
  });

  it('opens its span under the manager calls and records the decisions', async () => {
    const { manager } = managerWith(VM1);
    await find_resource(manager, VM1.id);
    const spans = await tracing.spans();
    const span = spans.find((s) => s.name === 'utils.find_resource');
    expect(span?.events.map((e) => e.attributes?.['novatrace.event'])).toEqual([
      'find_resource: try id',
    ]);
    const get = spans.find((s) => s.name === 'ServerManager.get');
    expect(get?.parentSpanContext?.spanId).toBe(span?.spanContext().spanId);
  });
});

describe('to_slug', () => {
  it('lower-cases, drops punctuation and joins spaces and hyphens', () => {
    expect(to_slug('My  VM_1!')).toBe('my-vm_1');
    expect(to_slug('vm-1')).toBe('vm-1');
    expect(to_slug('Café -- x')).toBe('cafe-x');
  });
});

describe('print_list', () => {
  it('draws a left-aligned table', () => {
    expect(print_list([{ url: 'Total', seconds: 0.5 }], ['url', 'seconds'])).toBe(
      '+-------+---------+\n| url   | seconds |\n+-------+---------+\n| Total | 0.5     |\n+-------+---------+\n'
    );
  });
});
