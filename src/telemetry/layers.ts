/**
 * @module
 * The one table of layer spans and decision events. A ported function opens its span by a
 * name from {@link LAYERS}; a typo is a compile error. Each entry says which upstream file and
 * version the TypeScript mirrors, and which project (layer) it belongs to.
 */

/** The projects the seed note walks through, plus keystoneauth1 (the `nova` command's road). */
export type LayerKind = 'novaclient' | 'keystoneauth1' | 'requests' | 'urllib3';

/** The upstream releases whose behaviour the ports follow (DESIGN: Which upstream versions). */
export const UPSTREAM_VERSIONS = {
  novaclient: 'python-novaclient 3.3.0',
  keystoneauth1: 'keystoneauth1 2.3.0',
  requests: 'requests 2.9.1',
  urllib3: 'urllib3 1.13.1 (vendored by requests 2.9.1)',
} as const satisfies Record<LayerKind, string>;

export interface LayerInfo {
  /** Which upstream project the span's function belongs to. */
  readonly layer: LayerKind;
  /** The upstream file, relative to the project's package root. */
  readonly file: string;
  /** True for code that is ours, not a port (marked as such in spans and docs). */
  readonly addition?: boolean;
  /**
   * The span name (the Python qualified name) when it differs from the table key: two upstream
   * classes share a qualname (`Session.request` in requests and in keystoneauth1;
   * `Auth.get_auth_ref` in keystoneauth1's v2 and v3 modules), so their keys say which.
   */
  readonly span?: string;
}

export const LAYERS = {
  'nova volume-update': { layer: 'novaclient', file: 'novaclient/shell.py' },
  do_volume_update: { layer: 'novaclient', file: 'novaclient/v2/shell.py' },
  _find_server: { layer: 'novaclient', file: 'novaclient/v2/shell.py' },
  'utils.find_resource': { layer: 'novaclient', file: 'novaclient/utils.py' },
  'ManagerWithFind.find': { layer: 'novaclient', file: 'novaclient/base.py' },
  'ManagerWithFind.findall': { layer: 'novaclient', file: 'novaclient/base.py' },
  'ServerManager.get': { layer: 'novaclient', file: 'novaclient/v2/servers.py' },
  'ServerManager.list': { layer: 'novaclient', file: 'novaclient/v2/servers.py' },
  'Manager._get': { layer: 'novaclient', file: 'novaclient/base.py' },
  'Manager._list': { layer: 'novaclient', file: 'novaclient/base.py' },
  'VolumeManager.update_server_volume': { layer: 'novaclient', file: 'novaclient/v2/volumes.py' },
  'Manager._update': { layer: 'novaclient', file: 'novaclient/base.py' },
  'HTTPClient.get': { layer: 'novaclient', file: 'novaclient/client.py' },
  'HTTPClient.post': { layer: 'novaclient', file: 'novaclient/client.py' },
  'HTTPClient.put': { layer: 'novaclient', file: 'novaclient/client.py' },
  'HTTPClient._cs_request': { layer: 'novaclient', file: 'novaclient/client.py' },
  'HTTPClient.authenticate': { layer: 'novaclient', file: 'novaclient/client.py' },
  'HTTPClient._v2_auth': { layer: 'novaclient', file: 'novaclient/client.py' },
  'HTTPClient._v3_auth': { layer: 'novaclient', file: 'novaclient/client.py', addition: true },
  'HTTPClient._time_request': { layer: 'novaclient', file: 'novaclient/client.py' },
  'HTTPClient.request': { layer: 'novaclient', file: 'novaclient/client.py' },
  'HTTPClient._get_session': { layer: 'novaclient', file: 'novaclient/client.py' },
  // The nova road: what 3.3.0's shell runs by default (SessionClient over keystoneauth1).
  'api_versions.discover_version': { layer: 'novaclient', file: 'novaclient/api_versions.py' },
  'VersionManager.get_current': { layer: 'novaclient', file: 'novaclient/v2/versions.py' },
  'SessionClient.request': { layer: 'novaclient', file: 'novaclient/client.py' },
  'LegacyJsonAdapter.request': { layer: 'keystoneauth1', file: 'keystoneauth1/adapter.py' },
  'Adapter.request': { layer: 'keystoneauth1', file: 'keystoneauth1/adapter.py' },
  'Adapter.get_endpoint': { layer: 'keystoneauth1', file: 'keystoneauth1/adapter.py' },
  'keystoneauth1 Session.request': {
    layer: 'keystoneauth1',
    file: 'keystoneauth1/session.py',
    span: 'Session.request',
  },
  'Session._send_request': { layer: 'keystoneauth1', file: 'keystoneauth1/session.py' },
  'BaseIdentityPlugin.get_token': {
    layer: 'keystoneauth1',
    file: 'keystoneauth1/identity/base.py',
  },
  'BaseIdentityPlugin.get_access': {
    layer: 'keystoneauth1',
    file: 'keystoneauth1/identity/base.py',
  },
  'BaseIdentityPlugin.get_endpoint': {
    layer: 'keystoneauth1',
    file: 'keystoneauth1/identity/base.py',
  },
  'BaseIdentityPlugin.get_discovery': {
    layer: 'keystoneauth1',
    file: 'keystoneauth1/identity/base.py',
  },
  'BaseGenericPlugin.get_auth_ref': {
    layer: 'keystoneauth1',
    file: 'keystoneauth1/identity/generic/base.py',
  },
  'BaseGenericPlugin._do_create_plugin': {
    layer: 'keystoneauth1',
    file: 'keystoneauth1/identity/generic/base.py',
  },
  'discover.get_version_data': { layer: 'keystoneauth1', file: 'keystoneauth1/discover.py' },
  'v3.Auth.get_auth_ref': {
    layer: 'keystoneauth1',
    file: 'keystoneauth1/identity/v3/base.py',
    span: 'Auth.get_auth_ref',
  },
  'v2.Auth.get_auth_ref': {
    layer: 'keystoneauth1',
    file: 'keystoneauth1/identity/v2.py',
    span: 'Auth.get_auth_ref',
  },
  'ServiceCatalog.url_for': {
    layer: 'keystoneauth1',
    file: 'keystoneauth1/access/service_catalog.py',
  },
  'api.request': { layer: 'requests', file: 'requests/api.py' },
  'Session.request': { layer: 'requests', file: 'requests/sessions.py' },
  'Session.send': { layer: 'requests', file: 'requests/sessions.py' },
  'Session.resolve_redirects': { layer: 'requests', file: 'requests/sessions.py' },
  'HTTPAdapter.send': { layer: 'requests', file: 'requests/adapters.py' },
  'HTTPAdapter.get_connection': { layer: 'requests', file: 'requests/adapters.py' },
  'HTTPAdapter.build_response': { layer: 'requests', file: 'requests/adapters.py' },
  'PoolManager.connection_from_url': { layer: 'urllib3', file: 'urllib3/poolmanager.py' },
  'HTTPConnectionPool.urlopen': { layer: 'urllib3', file: 'urllib3/connectionpool.py' },
  'HTTPConnectionPool._get_conn': { layer: 'urllib3', file: 'urllib3/connectionpool.py' },
  'HTTPConnectionPool._new_conn': { layer: 'urllib3', file: 'urllib3/connectionpool.py' },
  'HTTPConnectionPool._make_request': { layer: 'urllib3', file: 'urllib3/connectionpool.py' },
  'HTTPConnectionPool._put_conn': { layer: 'urllib3', file: 'urllib3/connectionpool.py' },
} as const satisfies Record<string, LayerInfo>;

/** A span name a ported function may open. */
export type LayerName = keyof typeof LAYERS;

/**
 * Decision events: a stable key (what narration and tests match on) for each decision the
 * ported code takes. The event's display name is the upstream log line where one exists,
 * formatted with this run's values, else the key itself.
 */
export const EVENTS = {
  'no management_url: authenticate': { layer: 'novaclient' },
  'token held: skip authenticate': { layer: 'novaclient' },
  '401: re-authenticate and retry': { layer: 'novaclient' },
  'retry also 401: raise the first error': { layer: 'novaclient' },
  'keystone v2.0 token': { layer: 'novaclient' },
  'keystone v3 token': { layer: 'novaclient' },
  'service catalog: compute endpoint': { layer: 'novaclient' },
  'find_resource: try id': { layer: 'novaclient' },
  'find_resource: try name': { layer: 'novaclient' },
  'find_resource: try human_id': { layer: 'novaclient' },
  'find_resource: try integer id': { layer: 'novaclient' },
  'find_resource: not found, next': { layer: 'novaclient' },
  'findall: exact name filter': { layer: 'novaclient' },
  'empty body: StrWithMeta': { layer: 'novaclient' },
  'body: resource object': { layer: 'novaclient' },
  REQ: { layer: 'novaclient' },
  RESP: { layer: 'novaclient' },
  'legacy 400: ConnectionRefused': { layer: 'novaclient' },
  from_response: { layer: 'novaclient' },
  'New session created': { layer: 'novaclient' },
  'session reused': { layer: 'novaclient' },
  'no session: throw-away Session': { layer: 'novaclient' },
  'microversion discovered': { layer: 'novaclient' },
  'version document: 404, try the root': { layer: 'novaclient' },
  'version document: 401, no version': { layer: 'novaclient' },
  'session road: keystoneauth1 session': { layer: 'novaclient' },
  'HTTPClient road: option forces it': { layer: 'novaclient' },
  'token cached: no request': { layer: 'keystoneauth1' },
  'no valid token: authenticate': { layer: 'keystoneauth1' },
  'discovery cached': { layer: 'keystoneauth1' },
  'discovery failed: guess from the URL': { layer: 'keystoneauth1' },
  'identity plugin chosen': { layer: 'keystoneauth1' },
  'no suitable plugin: DiscoveryFailure': { layer: 'keystoneauth1' },
  'endpoint from the catalog': { layer: 'keystoneauth1' },
  '401: invalidate the token and resend': { layer: 'keystoneauth1' },
  'requests error translated': { layer: 'keystoneauth1' },
  'keystoneauth1 redirect': { layer: 'keystoneauth1' },
  'keystoneauth1 REQ': { layer: 'keystoneauth1' },
  'keystoneauth1 RESP': { layer: 'keystoneauth1' },
  'redirect cache hit': { layer: 'requests' },
  redirect: { layer: 'requests' },
  'redirect: method becomes GET': { layer: 'requests' },
  'redirect: Authorization dropped': { layer: 'requests' },
  'adapter chosen': { layer: 'requests' },
  'chunked: low-level path': { layer: 'requests' },
  'proxy selected': { layer: 'requests' },
  'exception translated': { layer: 'requests' },
  'content read': { layer: 'requests' },
  'pool hit': { layer: 'urllib3' },
  'pool miss: new connection': { layer: 'urllib3' },
  'connection dropped: reset': { layer: 'urllib3' },
  'pool empty: block': { layer: 'urllib3' },
  'pool is full: discard': { layer: 'urllib3' },
  'pool created': { layer: 'urllib3' },
  'pool reused': { layer: 'urllib3' },
  retry: { layer: 'urllib3' },
  'pool redirect': { layer: 'urllib3' },
  'connection released': { layer: 'urllib3' },
} as const satisfies Record<string, { layer: LayerKind }>;

/** A decision event key. */
export type EventKey = keyof typeof EVENTS;
