/**
 * @module
 * The mock Nova (compute API v2.1), the subset `nova volume-update` touches: version documents
 * (unauthenticated), show and list servers, list and show volume attachments, and
 * `PUT /servers/{id}/os-volume_attachments/{volume_id}` (swap, and from 2.85 the
 * `delete_on_termination` update). Every route exists with and without a project id after
 * `/v2.1`, as seed-era catalogs had it.
 *
 * The checks of the PUT follow Nova's controller and compute API, in Nova's order; unlike Nova,
 * which saves a `delete_on_termination` change before it tries the swap, all checks run first
 * and the change is applied in one step, so a refused request changes nothing.
 * @see nova/api/openstack/compute/volume_attachments.py, servers.py, versions.py, routes.py
 */
import { createHash } from 'node:crypto';
import type { Context, Hono } from 'hono';
import { baseUrl, json, readJson, setRoute } from './http-util.js';
import type { CloudDeps, CloudEnv } from './internal-types.js';
import { MIN_VERSION, formatVersion, isSupported, type ApiVersion } from './microversion.js';
import { CloudHttpError } from './nova-errors.js';
import type { AttachmentRecord, ServerRecord } from './store.js';
import { validateAttachmentUpdate } from './validation.js';

const NOVA_JSON = 'application/json';
const V21_UPDATED = '2013-07-23T11:33:21Z';
const V20_UPDATED = '2011-01-21T11:33:21Z';
const IMAGE_ID = '70a599e0-31e7-49b7-b260-868f441e862b';
const FLAVOR_ID = '1';

/** The v2.1 entry of the version list. */
function v21Entry(base: string, max: ApiVersion): Record<string, unknown> {
  return {
    id: 'v2.1',
    status: 'CURRENT',
    version: formatVersion(max),
    min_version: formatVersion(MIN_VERSION),
    updated: V21_UPDATED,
    links: [{ rel: 'self', href: `${base}/v2.1/` }],
  };
}

function v20Entry(base: string): Record<string, unknown> {
  return {
    id: 'v2.0',
    status: 'DEPRECATED',
    version: '',
    min_version: '',
    updated: V20_UPDATED,
    links: [{ rel: 'self', href: `${base}/v2/` }],
  };
}

function v21Document(base: string, max: ApiVersion): unknown {
  return {
    version: {
      ...v21Entry(base, max),
      links: [
        { rel: 'self', href: `${base}/v2.1/` },
        { rel: 'describedby', type: 'text/html', href: 'http://docs.openstack.org/' },
      ],
      'media-types': [
        { base: 'application/json', type: 'application/vnd.openstack.compute+json;version=2.1' },
      ],
    },
  };
}

function links(base: string, projectId: string, kind: string, id: string): unknown[] {
  return [
    { rel: 'self', href: `${base}/v2.1/${projectId}/${kind}/${id}` },
    { rel: 'bookmark', href: `${base}/${projectId}/${kind}/${id}` },
  ];
}

/** The attachment view of a microversion (2.70 tag, 2.79 delete_on_termination, 2.89 ids). */
export function attachmentView(a: AttachmentRecord, v: ApiVersion): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const v289 = isSupported(v, '2.89');
  if (!v289) out.id = a.volumeId;
  out.volumeId = a.volumeId;
  out.serverId = a.serverId;
  if (a.device) out.device = a.device;
  if (isSupported(v, '2.70')) out.tag = a.tag;
  if (isSupported(v, '2.79')) out.delete_on_termination = a.deleteOnTermination;
  if (v289) {
    out.attachment_id = a.attachmentId;
    out.bdm_uuid = a.bdmUuid;
  }
  return out;
}

/** The detailed server view, with the fields of the microversion that matter here. */
function serverView(
  deps: CloudDeps,
  server: ServerRecord,
  v: ApiVersion,
  base: string,
  index: number
): Record<string, unknown> {
  const hostId = createHash('sha224').update(`${server.projectId}compute-0`).digest('hex');
  const attached = deps.state
    .listAttachments(server.id)
    .map((a) =>
      isSupported(v, '2.3')
        ? { id: a.volumeId, delete_on_termination: a.deleteOnTermination }
        : { id: a.volumeId }
    );
  const powerState = server.status === 'SHUTOFF' ? 4 : server.status === 'PAUSED' ? 3 : 1;
  const flavor = isSupported(v, '2.47')
    ? {
        vcpus: 1,
        ram: 512,
        disk: 1,
        ephemeral: 0,
        swap: 0,
        original_name: 'm1.tiny',
        extra_specs: {},
      }
    : {
        id: FLAVOR_ID,
        links: [{ rel: 'bookmark', href: `${base}/${server.projectId}/flavors/${FLAVOR_ID}` }],
      };
  const octet = 10 + index;
  const view: Record<string, unknown> = {
    id: server.id,
    name: server.name,
    status: server.status,
    tenant_id: server.projectId,
    user_id: server.userId,
    metadata: {},
    hostId,
    image: {
      id: IMAGE_ID,
      links: [{ rel: 'bookmark', href: `${base}/${server.projectId}/images/${IMAGE_ID}` }],
    },
    flavor,
    created: server.created,
    updated: server.updated,
    addresses: {
      private: [
        {
          version: 4,
          addr: `10.0.0.${octet}`,
          'OS-EXT-IPS:type': 'fixed',
          'OS-EXT-IPS-MAC:mac_addr': `fa:16:3e:00:00:${octet.toString(16).padStart(2, '0')}`,
        },
      ],
    },
    accessIPv4: '',
    accessIPv6: '',
    links: links(base, server.projectId, 'servers', server.id),
    'OS-DCF:diskConfig': 'MANUAL',
    progress: 0,
    'OS-EXT-AZ:availability_zone': 'nova',
    config_drive: '',
    key_name: null,
    'OS-SRV-USG:launched_at': server.created.replace('Z', '.000000'),
    'OS-SRV-USG:terminated_at': null,
    'OS-EXT-STS:task_state': null,
    'OS-EXT-STS:vm_state': server.vmState,
    'OS-EXT-STS:power_state': powerState,
    'os-extended-volumes:volumes_attached': attached,
    security_groups: [{ name: 'default' }],
  };
  if (isSupported(v, '2.9')) view.locked = server.locked;
  if (isSupported(v, '2.19')) view.description = null;
  if (isSupported(v, '2.26')) view.tags = [];
  if (isSupported(v, '2.63')) view.trusted_image_certificates = null;
  if (isSupported(v, '2.71')) view.server_groups = [];
  if (isSupported(v, '2.73')) view.locked_reason = server.lockedReason;
  return view;
}

/** 404 for a server the caller's project cannot see. */
function serverNotFound(id: string): CloudHttpError {
  return new CloudHttpError(404, `Instance ${id} could not be found.`);
}

/** Parses `limit`/`offset` the way Nova's `common.limited` does (400 for non-integers). */
function limitOffset(c: Context<CloudEnv>): { limit: number; offset: number } {
  const parse = (name: string, fallback: number): number => {
    const raw = c.req.query(name);
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!/^\d+$/.test(raw) || !Number.isSafeInteger(n)) {
      throw new CloudHttpError(
        400,
        `Invalid input for query parameters ${name}. Value: ${raw}. '${raw}' does not match '^[0-9]*$'`
      );
    }
    return n;
  };
  const limit = parse('limit', 0);
  return { limit: limit === 0 ? 1000 : Math.min(limit, 1000), offset: parse('offset', 0) };
}

/** The states from which Nova's compute API allows a swap. */
const SWAP_STATES = new Set(['active', 'paused', 'resized']);

/** Registers the Nova routes on the cloud app. */
export function registerNova(app: Hono<CloudEnv>, deps: CloudDeps): void {
  const templates: string[] = [];

  /**
   * One route, with and without the project id after `/v2.1`. A project id other than the
   * token's is refused as Nova does.
   */
  const route = (
    method: 'GET' | 'PUT',
    template: string,
    handler: (c: Context<CloudEnv>) => Response | Promise<Response>
  ): void => {
    const honoPath = template.replace(/\{(\w+)\}/g, ':$1');
    app.on(method, `/v2.1${honoPath}`, (c) => {
      setRoute(c, `/v2.1${template}`);
      return handler(c);
    });
    app.on(method, `/v2.1/:project_id{[0-9a-f-]{32,36}}${honoPath}`, (c) => {
      setRoute(c, `/v2.1/{project_id}${template}`);
      const urlProject = c.req.param('project_id');
      const tokenProject = c.var.token.projectId;
      if (urlProject !== tokenProject) {
        throw new CloudHttpError(
          400,
          `Malformed request URL: URL's project_id '${urlProject}' doesn't match Context's project_id '${tokenProject ?? 'None'}'`
        );
      }
      return handler(c);
    });
    if (!templates.includes(template)) templates.push(template);
    deps.routes.add(`/v2.1${template}`);
    deps.routes.add(`/v2.1/{project_id}${template}`);
  };

  deps.routes.add('/');
  deps.routes.add('/v2.1');

  // Version discovery: no authentication (since Ussuri).
  app.get('/', function versionList(c) {
    setRoute(c, '/');
    const base = baseUrl(c, deps);
    return json({ versions: [v20Entry(base), v21Entry(base, deps.maxVersion)] }, 200, NOVA_JSON);
  });
  const versionDoc = (c: Context<CloudEnv>) => {
    setRoute(c, '/v2.1');
    return json(v21Document(baseUrl(c, deps), deps.maxVersion), 200, NOVA_JSON);
  };
  app.get('/v2.1', versionDoc);
  app.get('/v2.1/', versionDoc);

  const lookupServer = (c: Context<CloudEnv>, id: string): Promise<ServerRecord> =>
    c.var.rt.step('lookup server', { 'novatrace.nova.server_id': id }, () => {
      const server = deps.state.getServer(id);
      if (!server || server.projectId !== c.var.token.projectId) throw serverNotFound(id);
      return server;
    });

  const listServers = async (c: Context<CloudEnv>, detailed: boolean): Promise<Response> => {
    const name = c.req.query('name');
    const servers = await c.var.rt.step(
      'list servers',
      name === undefined ? {} : { 'novatrace.nova.name_filter': name },
      (span) => {
        const visible = (
          name === undefined ? deps.state.listServers() : deps.state.findServersByName(name)
        )
          .filter((s) => s.projectId === c.var.token.projectId)
          .sort((a, b) => b.created.localeCompare(a.created)); // Nova: newest first
        const marker = c.req.query('marker');
        let start = 0;
        if (marker !== undefined) {
          const at = visible.findIndex((s) => s.id === marker);
          if (at < 0) throw new CloudHttpError(400, `marker [${marker}] not found`);
          start = at + 1;
        }
        const limitRaw = c.req.query('limit');
        const limit =
          limitRaw === undefined ? 1000 : Math.min(Math.max(Number(limitRaw) || 0, 0), 1000);
        const page = visible.slice(start, start + limit);
        span.setAttribute('novatrace.nova.matches', page.length);
        return page;
      }
    );
    const base = baseUrl(c, deps);
    const all = deps.state.listServers();
    const body = servers.map((s) =>
      detailed
        ? serverView(deps, s, c.var.version, base, all.indexOf(s))
        : { id: s.id, links: links(base, s.projectId, 'servers', s.id), name: s.name }
    );
    return json({ servers: body }, 200, NOVA_JSON);
  };

  route('GET', '/servers', (c) => listServers(c, false));
  route('GET', '/servers/detail', (c) => listServers(c, true));

  route('GET', '/servers/{server_id}', async (c) => {
    const server = await lookupServer(c, c.req.param('server_id') ?? '');
    const index = deps.state.listServers().indexOf(server);
    return json(
      { server: serverView(deps, server, c.var.version, baseUrl(c, deps), index) },
      200,
      NOVA_JSON
    );
  });

  route('GET', '/servers/{server_id}/os-volume_attachments', async (c) => {
    const server = await lookupServer(c, c.req.param('server_id') ?? '');
    const { limit, offset } = limitOffset(c);
    const items = await c.var.rt.step('list attachments', {}, () =>
      deps.state.listAttachments(server.id).slice(offset, offset + limit)
    );
    return json(
      { volumeAttachments: items.map((a) => attachmentView(a, c.var.version)) },
      200,
      NOVA_JSON
    );
  });

  route('GET', '/servers/{server_id}/os-volume_attachments/{volume_id}', async (c) => {
    const server = await lookupServer(c, c.req.param('server_id') ?? '');
    const volumeId = c.req.param('volume_id') ?? '';
    const attachment = await c.var.rt.step(
      'lookup attachment',
      { 'novatrace.nova.volume_id': volumeId },
      () => {
        const a = deps.state.getAttachment(server.id, volumeId);
        if (!a)
          throw new CloudHttpError(
            404,
            `Instance ${server.id} is not attached to volume ${volumeId}`
          );
        return a;
      }
    );
    return json({ volumeAttachment: attachmentView(attachment, c.var.version) }, 200, NOVA_JSON);
  });

  route('PUT', '/servers/{server_id}/os-volume_attachments/{volume_id}', async (c) => {
    const rt = c.var.rt;
    const version = c.var.version;
    const pathVolumeId = c.req.param('volume_id') ?? '';
    const v285 = isSupported(version, '2.85');
    const body = await readJson(c, deps, 'nova');
    const update = await rt.step(
      'validate body',
      { 'novatrace.nova.schema': v285 ? 'update_v285' : 'update' },
      () => validateAttachmentUpdate(body, v285)
    );
    const server = await lookupServer(c, c.req.param('server_id') ?? '');
    const swap = !v285 || update.volumeId !== pathVolumeId;

    // From 2.85: the attachment's own fields first (Nova: _update_volume_regular).
    if (v285) {
      await rt.step('check attachment fields', { 'novatrace.nova.volume_id': pathVolumeId }, () => {
        const found = deps.state.getAttachment(server.id, pathVolumeId);
        if (!found)
          throw new CloudHttpError(404, `No volume Block Device Mapping with id ${pathVolumeId}.`);
        const immutable = (field: string) =>
          new CloudHttpError(400, `The ${field} property is not mutable`);
        if (update.id !== undefined && update.id !== pathVolumeId) throw immutable('id');
        if (update.serverId !== undefined && update.serverId !== server.id)
          throw immutable('serverId');
        if (update.device !== undefined && update.device !== found.device)
          throw immutable('device');
        if (update.tag !== undefined && update.tag !== found.tag) throw immutable('tag');
      });
    }

    if (swap) {
      await rt.step(
        'check swap',
        {
          'novatrace.nova.old_volume_id': pathVolumeId,
          'novatrace.nova.new_volume_id': update.volumeId,
        },
        () => {
          // Nova: _update_volume_swap, then compute API swap_volume (lock, state, volumes).
          const oldVolume = deps.state.getVolume(pathVolumeId);
          if (!oldVolume)
            throw new CloudHttpError(404, `Volume ${pathVolumeId} could not be found.`);
          if (deps.faults.has('cinder-only-swap') && !oldVolume.migrationStatus) {
            deps.faults.take('cinder-only-swap');
            rt.event('fault: cinder-only swap rule', { 'novatrace.fault': 'cinder-only-swap' });
            throw new CloudHttpError(
              409,
              `volume ${pathVolumeId} is not migrating; this API should only be called by Cinder`
            );
          }
          const newVolume = deps.state.getVolume(update.volumeId);
          // A missing volume named in the body is a 400, not a 404 (API-WG guideline).
          if (!newVolume)
            throw new CloudHttpError(400, `Volume ${update.volumeId} could not be found.`);
          if (server.locked) throw new CloudHttpError(409, `Instance ${server.id} is locked`);
          if (!SWAP_STATES.has(server.vmState)) {
            throw new CloudHttpError(
              409,
              `Cannot 'swap_volume' instance ${server.id} while it is in vm_state ${server.vmState}`
            );
          }
          const current = deps.state.getAttachment(server.id, pathVolumeId);
          if (!current) {
            // Before 2.85 the compute API's own check speaks first.
            throw new CloudHttpError(
              400,
              'Invalid volume: Old volume is attached to a different instance.'
            );
          }
          if (newVolume.status === 'in-use') {
            throw new CloudHttpError(
              400,
              'Invalid volume: New volume must be detached in order to swap.'
            );
          }
          if (newVolume.size < oldVolume.size) {
            throw new CloudHttpError(
              400,
              'Invalid volume: New volume must be the same size or larger.'
            );
          }
        }
      );
    }

    await rt.step(
      swap ? 'swap volume' : 'update attachment',
      {
        'novatrace.nova.old_volume_id': pathVolumeId,
        'novatrace.nova.new_volume_id': update.volumeId,
      },
      (span) => {
        const result = deps.state.updateAttachment(server.id, pathVolumeId, update.volumeId, {
          ...(update.deleteOnTermination === undefined
            ? {}
            : { deleteOnTermination: update.deleteOnTermination }),
        });
        span.setAttribute('novatrace.nova.device', result.after.device);
        span.setAttribute('novatrace.nova.delete_on_termination', result.after.deleteOnTermination);
      }
    );
    // 202 with no body; Nova still labels it JSON.
    return new Response('', { status: 202, headers: { 'Content-Type': NOVA_JSON } });
  });

  // A known path with another method: Nova's 405.
  for (const template of templates) {
    const honoPath = template.replace(/\{(\w+)\}/g, ':$1');
    const notAllowed = (c: Context<CloudEnv>) => {
      setRoute(c, `/v2.1${template}`);
      throw new CloudHttpError(405, 'The method specified is not allowed for this resource.');
    };
    app.all(`/v2.1${honoPath}`, notAllowed);
    app.all(`/v2.1/:project_id{[0-9a-f-]{32,36}}${honoPath}`, notAllowed);
  }
}
