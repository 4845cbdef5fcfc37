// Nova routes through app.request(): discovery, auth, servers, attachments, the PUT per microversion.
import { describe, expect, it } from 'vitest';
import { createCloudApp } from '../../../src/cloud/app.js';
import { FIXTURES } from '../../../src/cloud/fixtures.js';
import { appWithToken } from '../../helpers/start-cloud.js';

const { servers: S, volumes: V, credentials: C } = FIXTURES;
const ATT = (server: string, volume: string) =>
  `/v2.1/servers/${server}/os-volume_attachments/${volume}`;
const KSM_401 = {
  error: {
    code: 401,
    title: 'Unauthorized',
    message: 'The request you have made requires authentication.',
  },
};

async function fault(res: Response): Promise<[string, { code: number; message: string }]> {
  const body = (await res.json()) as Record<string, { code: number; message: string }>;
  const [entry] = Object.entries(body);
  return entry!;
}

describe('Nova version discovery', () => {
  it('lists v2.0 and v2.1 at / without a token', async () => {
    const { app } = createCloudApp();
    const res = await app.request('http://127.0.0.1:8774/');
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      versions: {
        id: string;
        status: string;
        version: string;
        min_version: string;
        links: { href: string }[];
      }[];
    };
    expect(body.versions.map((v) => [v.id, v.status, v.version, v.min_version])).toEqual([
      ['v2.0', 'DEPRECATED', '', ''],
      ['v2.1', 'CURRENT', '2.104', '2.1'],
    ]);
    expect(body.versions[1]!.links[0]!.href).toBe('http://127.0.0.1:8774/v2.1/');
  });

  it('serves the v2.1 document at /v2.1 and /v2.1/ without a token, with the configured maximum', async () => {
    const { app } = createCloudApp({ maxMicroversion: '2.79' });
    for (const path of ['/v2.1', '/v2.1/']) {
      const res = await app.request(path);
      expect(res.status).toBe(200);
      const { version } = (await res.json()) as { version: Record<string, unknown> };
      expect(version).toMatchObject({
        id: 'v2.1',
        status: 'CURRENT',
        version: '2.79',
        min_version: '2.1',
        updated: '2013-07-23T11:33:21Z',
      });
      expect(version['media-types']).toEqual([
        { base: 'application/json', type: 'application/vnd.openstack.compute+json;version=2.1' },
      ]);
    }
  });

  it("answers the project-id form of the compute URL with WebOb 1.5.1's plain 404, so the client tries /v2.1/", async () => {
    // Nova 13.0.0 (Mitaka): its router returns webob.exc.HTTPNotFound() for a URL no route
    // matches; Mitaka's WebOb 1.5.1 renders it as text/plain for a JSON Accept header.
    const cloud = await appWithToken();
    const res = await cloud.call('GET', `/v2.1/${C.projectId}`);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toBe('text/plain; charset=UTF-8');
    expect(await res.text()).toBe('404 Not Found\n\nThe resource could not be found.\n\n   ');
  });
});

describe('Nova authentication (keystonemiddleware)', () => {
  it("answers a missing or unknown token with keystonemiddleware's 401, WWW-Authenticate and both request ids", async () => {
    const { app } = createCloudApp();
    for (const headers of [{}, { 'X-Auth-Token': 'gAAAAABunknown' }] as Record<string, string>[]) {
      const res = await app.request(`http://127.0.0.1:8774/v2.1/servers/${S.vm1.id}`, { headers });
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual(KSM_401);
      expect(res.headers.get('www-authenticate')).toBe(
        'Keystone uri="http://127.0.0.1:8774/identity"'
      );
      expect(res.headers.get('x-openstack-request-id')).toMatch(/^req-/);
      expect(res.headers.get('x-compute-request-id')).toBe(
        res.headers.get('x-openstack-request-id')
      );
      expect(res.headers.get('openstack-api-version')).toBeNull();
    }
  });

  it('puts unrouted /v2.1 paths behind authentication too', async () => {
    const { app } = createCloudApp();
    expect((await app.request('/v2.1/no-such-thing')).status).toBe(401);
    const cloud = await appWithToken();
    const res = await cloud.call('GET', '/v2.1/no-such-thing');
    expect(res.status).toBe(404);
    expect(await res.text()).toMatch(/^404 Not Found\n/);
  });
});

describe('GET /servers/{server_id}', () => {
  it('shows the server, echoing the microversion with Vary and both request ids', async () => {
    const cloud = await appWithToken();
    const res = await cloud.call('GET', `/v2.1/servers/${S.vm1.id}`, { version: '2.92' });
    expect(res.status).toBe(200);
    expect(res.headers.get('openstack-api-version')).toBe('compute 2.92');
    expect(res.headers.get('x-openstack-nova-api-version')).toBe('2.92');
    expect(res.headers.get('vary')).toBe('OpenStack-API-Version, X-OpenStack-Nova-API-Version');
    expect(res.headers.get('x-compute-request-id')).toBe(res.headers.get('x-openstack-request-id'));
    const { server } = (await res.json()) as { server: Record<string, unknown> };
    expect(server).toMatchObject({
      id: S.vm1.id,
      name: 'vm-1',
      status: 'ACTIVE',
      tenant_id: C.projectId,
      locked: false,
      'os-extended-volumes:volumes_attached': [{ id: V.attached.id, delete_on_termination: false }],
    });
  });

  it('answers 2.1 without a microversion header', async () => {
    const cloud = await appWithToken();
    const res = await cloud.call('GET', `/v2.1/servers/${S.locked.id}`);
    expect(res.headers.get('x-openstack-nova-api-version')).toBe('2.1');
    const { server } = (await res.json()) as { server: Record<string, unknown> };
    expect(server.locked).toBeUndefined();
  });

  it("answers an unknown server with Nova's itemNotFound", async () => {
    const cloud = await appWithToken();
    const res = await cloud.call('GET', '/v2.1/servers/00000000-1111-4222-8333-444444444444');
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toBe('application/json; charset=UTF-8');
    expect(await fault(res)).toEqual([
      'itemNotFound',
      { code: 404, message: 'Instance 00000000-1111-4222-8333-444444444444 could not be found.' },
    ]);
    expect(res.headers.get('openstack-api-version')).toBe('compute 2.1');
  });

  it('serves the project-id form, and refuses another project id', async () => {
    const cloud = await appWithToken();
    const ok = await cloud.call('GET', `/v2.1/${C.projectId}/servers/${S.vm1.id}`);
    expect(ok.status).toBe(200);
    const other = await cloud.call('GET', `/v2.1/${'0'.repeat(32)}/servers/${S.vm1.id}`);
    expect(other.status).toBe(400);
    expect((await fault(other))[1].message).toMatch(
      /^Malformed request URL: URL's project_id '0{32}' doesn't match/
    );
  });
});

describe('GET /servers?name=', () => {
  it('matches the name as a regular expression: vm-1 finds vm-1 and vm-10', async () => {
    const cloud = await appWithToken();
    const res = await cloud.call('GET', '/v2.1/servers?name=vm-1');
    const { servers } = (await res.json()) as {
      servers: { id: string; name: string; links: unknown[] }[];
    };
    expect(servers.map((s) => s.name).sort()).toEqual(['vm-1', 'vm-10']);
    expect(Object.keys(servers[0]!).sort()).toEqual(['id', 'links', 'name']);
  });

  it('finds both servers named dup, and none for an unknown name', async () => {
    const cloud = await appWithToken();
    const dup = (await (await cloud.call('GET', '/v2.1/servers?name=dup')).json()) as {
      servers: { id: string }[];
    };
    expect(dup.servers.map((s) => s.id).sort()).toEqual([S.dupA.id, S.dupB.id].sort());
    const none = (await (await cloud.call('GET', '/v2.1/servers?name=no-such-vm')).json()) as {
      servers: unknown[];
    };
    expect(none.servers).toEqual([]);
  });

  it("refuses a name pattern that would backtrack for long with Nova's 400 badRequest", async () => {
    const cloud = await appWithToken();
    // 26 `.*` then `!` used to block the whole cloud for seconds.
    for (const pattern of [`${'.*'.repeat(26)}!`, '(a+)+$', `${'x'.repeat(256)}`]) {
      const res = await cloud.call('GET', `/v2.1/servers?name=${encodeURIComponent(pattern)}`);
      expect(res.status).toBe(400);
      const [name, body] = await fault(res);
      expect(name).toBe('badRequest');
      expect(body).toMatchObject({ code: 400 });
      expect(body.message).toMatch(/^Invalid regular expression: /);
    }
    const ok = await cloud.call(
      'GET',
      `/v2.1/servers/detail?name=${encodeURIComponent('^vm-1.*$')}`
    );
    expect(ok.status).toBe(200);
  });

  it('lists every server with details at /servers/detail', async () => {
    const cloud = await appWithToken();
    const { servers } = (await (await cloud.call('GET', '/v2.1/servers/detail')).json()) as {
      servers: { status: string }[];
    };
    expect(servers).toHaveLength(6);
    expect(servers.map((s) => s.status)).toContain('SHUTOFF');
  });
});

describe('volume attachments (list and show)', () => {
  const cases: [string, string[]][] = [
    ['2.1', ['device', 'id', 'serverId', 'volumeId']],
    ['2.70', ['device', 'id', 'serverId', 'tag', 'volumeId']],
    ['2.79', ['delete_on_termination', 'device', 'id', 'serverId', 'tag', 'volumeId']],
    [
      '2.89',
      [
        'attachment_id',
        'bdm_uuid',
        'delete_on_termination',
        'device',
        'serverId',
        'tag',
        'volumeId',
      ],
    ],
  ];
  for (const [version, fields] of cases) {
    it(`shows the fields of microversion ${version}`, async () => {
      const cloud = await appWithToken();
      const one = await cloud.call('GET', ATT(S.vm1.id, V.attached.id), { version });
      const { volumeAttachment } = (await one.json()) as {
        volumeAttachment: Record<string, unknown>;
      };
      expect(Object.keys(volumeAttachment).sort()).toEqual(fields);
      expect(volumeAttachment.volumeId).toBe(V.attached.id);
      const list = await cloud.call('GET', `/v2.1/servers/${S.vm1.id}/os-volume_attachments`, {
        version,
      });
      const { volumeAttachments } = (await list.json()) as {
        volumeAttachments: Record<string, unknown>[];
      };
      expect(volumeAttachments).toEqual([volumeAttachment]);
    });
  }

  it('answers 404 for a volume not attached to the server', async () => {
    const cloud = await appWithToken();
    const res = await cloud.call('GET', ATT(S.vm1.id, V.spare.id));
    expect(res.status).toBe(404);
    expect((await fault(res))[1].message).toBe(
      `Instance ${S.vm1.id} is not attached to volume ${V.spare.id}`
    );
  });
});

describe('PUT /servers/{server_id}/os-volume_attachments/{volume_id}', () => {
  it('swaps the volume and answers 202 with an empty JSON-labelled body', async () => {
    const cloud = await appWithToken();
    const res = await cloud.call('PUT', ATT(S.vm1.id, V.attached.id), {
      body: { volumeAttachment: { volumeId: V.spare.id } },
      version: '2.92',
    });
    expect(res.status).toBe(202);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(await res.text()).toBe('');
    expect(res.headers.get('openstack-api-version')).toBe('compute 2.92');
    expect(cloud.state.getAttachment(S.vm1.id, V.spare.id)?.device).toBe('/dev/vdb');
    expect(cloud.state.getAttachment(S.vm1.id, V.attached.id)).toBeUndefined();
  });

  it('refuses delete_on_termination up to 2.84 and changes nothing', async () => {
    const cloud = await appWithToken();
    const before = cloud.state.snapshot();
    const res = await cloud.call('PUT', ATT(S.vm1.id, V.attached.id), {
      body: { volumeAttachment: { volumeId: V.spare.id, delete_on_termination: true } },
      version: '2.84',
    });
    expect(res.status).toBe(400);
    expect((await fault(res))[0]).toBe('badRequest');
    expect(cloud.state.snapshot()).toEqual(before);
  });

  it('updates delete_on_termination alone from 2.85 when volumeId is the attached volume', async () => {
    const cloud = await appWithToken();
    const res = await cloud.call('PUT', ATT(S.vm1.id, V.attached.id), {
      body: { volumeAttachment: { volumeId: V.attached.id, delete_on_termination: true } },
      version: '2.85',
    });
    expect(res.status).toBe(202);
    expect(cloud.state.getAttachment(S.vm1.id, V.attached.id)?.deleteOnTermination).toBe(true);
  });

  it('updates delete_on_termination and swaps in one request from 2.85', async () => {
    const cloud = await appWithToken();
    const res = await cloud.call('PUT', ATT(S.vm1.id, V.attached.id), {
      body: {
        volumeAttachment: {
          volumeId: V.spare.id,
          delete_on_termination: true,
          device: '/dev/vdb',
          serverId: S.vm1.id,
          id: V.attached.id,
        },
      },
      version: '2.85',
    });
    expect(res.status).toBe(202);
    expect(cloud.state.getAttachment(S.vm1.id, V.spare.id)?.deleteOnTermination).toBe(true);
  });

  it('refuses a changed immutable field from 2.85 and applies nothing, delete_on_termination included', async () => {
    const cloud = await appWithToken();
    const before = cloud.state.snapshot();
    for (const [field, value] of [
      ['device', '/dev/vdc'],
      ['tag', 'x'],
      ['serverId', S.vm10.id],
      ['id', V.spare.id],
    ] as const) {
      const res = await cloud.call('PUT', ATT(S.vm1.id, V.attached.id), {
        body: {
          volumeAttachment: { volumeId: V.spare.id, delete_on_termination: true, [field]: value },
        },
        version: '2.85',
      });
      expect(res.status).toBe(400);
      expect((await fault(res))[1].message).toBe(`The ${field} property is not mutable`);
    }
    expect(cloud.state.snapshot()).toEqual(before);
  });

  const refusals: [string, string, string, string, number, string][] = [
    [
      'a locked server',
      '2.92',
      S.locked.id,
      V.lockedData.id,
      409,
      `Instance ${S.locked.id} is locked`,
    ],
    [
      'a stopped server',
      '2.92',
      S.stopped.id,
      V.stoppedData.id,
      409,
      `Cannot 'swap_volume' instance ${S.stopped.id} while it is in vm_state stopped`,
    ],
    [
      'a volume not attached (2.85+)',
      '2.92',
      S.vm1.id,
      V.spare2.id,
      404,
      `No volume Block Device Mapping with id ${V.spare2.id}.`,
    ],
    [
      'a volume not attached (before 2.85)',
      '2.1',
      S.vm1.id,
      V.spare2.id,
      400,
      'Invalid volume: Old volume is attached to a different instance.',
    ],
    [
      'an unknown attached volume',
      '2.1',
      S.vm1.id,
      '00000000-1111-4222-8333-444444444444',
      404,
      'Volume 00000000-1111-4222-8333-444444444444 could not be found.',
    ],
    [
      'an unknown server',
      '2.92',
      '00000000-1111-4222-8333-444444444444',
      V.attached.id,
      404,
      'Instance 00000000-1111-4222-8333-444444444444 could not be found.',
    ],
  ];
  for (const [what, version, server, volume, status, message] of refusals) {
    it(`refuses a swap on ${what} with ${status}, state unchanged`, async () => {
      const cloud = await appWithToken();
      const before = cloud.state.snapshot();
      const res = await cloud.call('PUT', ATT(server, volume), {
        body: { volumeAttachment: { volumeId: V.spare.id } },
        version,
      });
      expect(res.status).toBe(status);
      expect((await fault(res))[1]).toEqual({ code: status, message });
      expect(cloud.state.snapshot()).toEqual(before);
    });
  }

  const badTargets: [string, string, string][] = [
    [
      'an unknown new volume',
      '00000000-1111-4222-8333-444444444444',
      'Volume 00000000-1111-4222-8333-444444444444 could not be found.',
    ],
    [
      'a new volume in use',
      V.migrating.id,
      'Invalid volume: New volume must be detached in order to swap.',
    ],
    [
      'a smaller new volume',
      V.small.id,
      'Invalid volume: New volume must be the same size or larger.',
    ],
  ];
  for (const [what, target, message] of badTargets) {
    it(`refuses ${what} with 400, state unchanged`, async () => {
      const cloud = await appWithToken();
      const before = cloud.state.snapshot();
      const res = await cloud.call('PUT', ATT(S.vm1.id, V.attached.id), {
        body: { volumeAttachment: { volumeId: target } },
      });
      expect(res.status).toBe(400);
      expect((await fault(res))[1].message).toBe(message);
      expect(cloud.state.snapshot()).toEqual(before);
    });
  }

  it('swaps through the project-id form of the URL', async () => {
    const cloud = await appWithToken();
    const res = await cloud.call(
      'PUT',
      `/v2.1/${C.projectId}/servers/${S.vm1.id}/os-volume_attachments/${V.attached.id}`,
      {
        body: { volumeAttachment: { volumeId: V.spare2.id } },
      }
    );
    expect(res.status).toBe(202);
    expect(cloud.state.getAttachment(S.vm1.id, V.spare2.id)).toBeDefined();
  });

  it('answers other methods on the attachment with 405 badMethod', async () => {
    const cloud = await appWithToken();
    const res = await cloud.call('DELETE', ATT(S.vm1.id, V.attached.id));
    expect(res.status).toBe(405);
    expect((await fault(res))[0]).toBe('badMethod');
    expect(cloud.state.getAttachment(S.vm1.id, V.attached.id)).toBeDefined();
  });
});

describe('microversion negotiation on Nova routes', () => {
  it('answers 406 outside the range, without the echo headers', async () => {
    const cloud = await appWithToken();
    const res = await cloud.call('GET', `/v2.1/servers/${S.vm1.id}`, { version: '2.105' });
    expect(res.status).toBe(406);
    expect(await fault(res)).toEqual([
      'computeFault',
      {
        code: 406,
        message: 'Version 2.105 is not supported by the API. Minimum is 2.1 and maximum is 2.104.',
      },
    ]);
    expect(res.headers.get('openstack-api-version')).toBeNull();
  });

  it('answers 400 for a malformed version', async () => {
    const cloud = await appWithToken();
    const res = await cloud.call('GET', `/v2.1/servers/${S.vm1.id}`, {
      headers: { 'X-OpenStack-Nova-API-Version': 'two' },
    });
    expect(res.status).toBe(400);
  });
});
