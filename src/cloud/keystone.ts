/**
 * @module
 * The mock Keystone, under `/identity`: version discovery (300 at the unversioned URL, the v3
 * and v2.0 version documents), `POST /v3/auth/tokens` (password and token methods, user and
 * project by name or id, domain by name or by id, `?nocatalog`), token validation
 * (`GET`/`HEAD /v3/auth/tokens` with `X-Subject-Token`) and the seed era's
 * `POST /v2.0/tokens`. It knows one user and one project ({@link FIXTURES}.credentials);
 * anything else is Keystone's 401.
 *
 * Which API versions it serves is a switch ({@link KeystoneVersions}): v2.0 and v3 by default,
 * because the seed-era client (python-novaclient 3.3.0's `HTTPClient`) speaks only v2.0 — v2.0
 * is the seed-era Keystone, marked `deprecated` in the version list as Keystone did from Mitaka
 * until its removal in Queens (2018); `['v3']` is every Keystone since, where `/v2.0` paths get
 * the web framework's HTML 404, as measured on Keystone 22 (Zed).
 *
 * Measured on Keystone 22 and followed here: every answer carries `Vary: X-Auth-Token`; a 401
 * names the versioned URL (`WWW-Authenticate: Keystone uri="<base>/v3"`); a token made from a
 * token (re-scope) has `methods` `["token", <the first token's methods>]` and two `audit_ids`
 * (its own, then the chain's first) and keeps the first token's expiry.
 * Simplified: an unknown, revoked or expired subject token is always 404 `Could not recognize
 * Fernet token` (Keystone says `Could not find token: <id>` for a revoked one, which would echo
 * a secret).
 * @see keystone/api/discovery.py, keystone/api/auth.py, keystone api-ref v3
 *   authenticate-v3.inc, the v2.0 api-ref as it stood before its removal (identity-auth.inc)
 */
import type { Context, Hono, MiddlewareHandler } from 'hono';
import { CATALOG_IDS, FIXTURES } from './fixtures.js';
import { baseUrl, isoSeconds, json, keystoneTime, readJson, setRoute } from './http-util.js';
import type { CloudDeps, CloudEnv } from './internal-types.js';
import { AUTH_REQUIRED_MESSAGE, CloudHttpError } from './nova-errors.js';
import type { TokenRecord } from './store.js';

const C = FIXTURES.credentials;

const V3_UPDATED = '2020-04-07T00:00:00Z';
const V2_UPDATED = '2016-08-04T00:00:00Z';

function v3Version(base: string): Record<string, unknown> {
  return {
    id: 'v3.14',
    status: 'stable',
    updated: V3_UPDATED,
    links: [{ rel: 'self', href: `${base}/identity/v3/` }],
    'media-types': [
      { base: 'application/json', type: 'application/vnd.openstack.identity-v3+json' },
    ],
  };
}

function v2Version(base: string): Record<string, unknown> {
  return {
    id: 'v2.0',
    status: 'deprecated',
    updated: V2_UPDATED,
    links: [
      { rel: 'self', href: `${base}/identity/v2.0/` },
      { rel: 'describedby', type: 'text/html', href: 'https://docs.openstack.org/' },
    ],
    'media-types': [
      { base: 'application/json', type: 'application/vnd.openstack.identity-v2.0+json' },
    ],
  };
}

function unauthorized(message = AUTH_REQUIRED_MESSAGE): CloudHttpError {
  return new CloudHttpError(401, message, { style: 'keystone' });
}

/** Keystone's ValidationError for a missing attribute. */
function expecting(attribute: string, target: string): CloudHttpError {
  return new CloudHttpError(
    400,
    `Expecting to find ${attribute} in ${target}. The server could not comply with the request since it is either malformed or otherwise incorrect. The client is assumed to be in error.`,
    { style: 'keystone' }
  );
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** True when a `{"id"}` or `{"name"}` domain reference names the Default domain. */
function isDefaultDomain(domain: unknown): boolean {
  if (!isObject(domain)) return false;
  if (typeof domain.id === 'string') return domain.id === C.domainId;
  if (typeof domain.name === 'string') return domain.name === C.domain;
  return false;
}

/** A v3 user reference: by id, or by name within a domain. */
function userMatches(user: Record<string, unknown>): boolean {
  if (typeof user.id === 'string') return user.id === C.userId;
  if (typeof user.name === 'string')
    return user.name === C.username && isDefaultDomain(user.domain);
  return false;
}

/** A v3 project reference: by id, or by name within a domain. */
function projectMatches(project: Record<string, unknown>): boolean {
  if (typeof project.id === 'string') return project.id === C.projectId;
  if (typeof project.name === 'string')
    return project.name === C.projectName && isDefaultDomain(project.domain);
  return false;
}

/** The v3 catalog: identity and compute, one endpoint per interface. */
export function v3Catalog(base: string, computeWithProjectId: boolean): unknown[] {
  const compute = computeWithProjectId ? `${base}/v2.1/${C.projectId}` : `${base}/v2.1`;
  const endpoints = (ids: Record<'public' | 'internal' | 'admin', string>, url: string) =>
    (['public', 'internal', 'admin'] as const).map((iface) => ({
      id: ids[iface],
      interface: iface,
      region: CATALOG_IDS.region,
      region_id: CATALOG_IDS.region,
      url,
    }));
  return [
    {
      endpoints: endpoints(CATALOG_IDS.endpoints.identity, `${base}/identity`),
      id: CATALOG_IDS.identityService,
      type: 'identity',
      name: 'keystone',
    },
    {
      endpoints: endpoints(CATALOG_IDS.endpoints.compute, compute),
      id: CATALOG_IDS.computeService,
      type: 'compute',
      name: 'nova',
    },
  ];
}

/** The v2.0 catalog: one endpoint object per region carrying all three URLs. */
export function v2Catalog(base: string): unknown[] {
  const compute = `${base}/v2.1/${C.projectId}`;
  const identity = `${base}/identity/v2.0`;
  return [
    {
      endpoints: [
        {
          id: CATALOG_IDS.endpoints.compute.public,
          region: CATALOG_IDS.region,
          publicURL: compute,
          internalURL: compute,
          adminURL: compute,
        },
      ],
      endpoints_links: [],
      type: 'compute',
      name: 'nova',
    },
    {
      endpoints: [
        {
          id: CATALOG_IDS.endpoints.identity.public,
          region: CATALOG_IDS.region,
          publicURL: identity,
          internalURL: identity,
          adminURL: identity,
        },
      ],
      endpoints_links: [],
      type: 'identity',
      name: 'keystone',
    },
  ];
}

const ROLES = [
  { id: CATALOG_IDS.roles.member, name: 'member' },
  { id: CATALOG_IDS.roles.reader, name: 'reader' },
];

function v3TokenBody(
  token: TokenRecord,
  base: string,
  computeWithProjectId: boolean,
  withCatalog: boolean
): unknown {
  const domain = { id: C.domainId, name: C.domain };
  const body: Record<string, unknown> = {
    methods: token.methods,
    user: { domain, id: C.userId, name: C.username, password_expires_at: null },
    audit_ids: token.auditIds,
    expires_at: keystoneTime(token.expiresAt),
    issued_at: keystoneTime(token.issuedAt),
  };
  if (token.projectId) {
    body.project = { domain, id: C.projectId, name: C.projectName };
    body.is_domain = false;
    body.roles = ROLES;
    if (withCatalog) body.catalog = v3Catalog(base, computeWithProjectId);
  }
  return { token: body };
}

function v2AccessBody(token: TokenRecord, base: string): unknown {
  const tokenPart: Record<string, unknown> = {
    issued_at: isoSeconds(token.issuedAt).replace('Z', '.000000Z'),
    expires: isoSeconds(token.expiresAt),
    id: token.id,
    audit_ids: token.auditIds,
  };
  if (token.projectId) {
    tokenPart.tenant = { description: null, enabled: true, id: C.projectId, name: C.projectName };
  }
  return {
    access: {
      token: tokenPart,
      serviceCatalog: token.projectId ? v2Catalog(base) : [],
      user: {
        username: C.username,
        roles_links: [],
        id: C.userId,
        roles: token.projectId ? ROLES.map((r) => ({ name: r.name })) : [],
        name: C.username,
      },
      metadata: { is_admin: 0, roles: token.projectId ? ROLES.map((r) => r.id) : [] },
    },
  };
}

/** The Keystone API versions the mock can serve. */
export const KEYSTONE_VERSIONS = ['v2.0', 'v3'] as const;
export type KeystoneVersion = (typeof KEYSTONE_VERSIONS)[number];
/** Which versions the mock serves: both (the default), or v3 only (every Keystone since Queens). */
export type KeystoneVersions = readonly KeystoneVersion[];

/**
 * Parses `v3` or `v2.0,v3` (any order, no repeats) as given to `--keystone-versions`.
 * @throws Error naming the accepted values
 */
export function parseKeystoneVersions(text: string): KeystoneVersions {
  const parts = text.split(',').map((p) => p.trim());
  const known = new Set<string>(KEYSTONE_VERSIONS);
  if (
    parts.length === 0 ||
    parts.some((p) => !known.has(p)) ||
    new Set(parts).size !== parts.length ||
    !parts.includes('v3')
  ) {
    throw new Error(`expected v3 or v2.0,v3 (got '${text}')`);
  }
  return KEYSTONE_VERSIONS.filter((v) => parts.includes(v));
}

/**
 * The Keystone switches that may change while the cloud runs (a scenario turns v2.0 off for its
 * run; the cloud turns it back on afterwards).
 */
export interface KeystoneSettings {
  /** The API versions served (v3 always). */
  versions: KeystoneVersions;
}

/** Options of the Keystone routes. */
export interface KeystoneOptions {
  /** Put the project id at the end of the v3 catalog's compute URL (seed-era style). */
  readonly catalogProjectId: boolean;
  /** Read on every request. */
  readonly settings: KeystoneSettings;
}

/** `?nocatalog` (with or without a value) leaves the catalog out of a v3 token body. */
function wantsCatalog(c: Context<CloudEnv>): boolean {
  return c.req.query('nocatalog') === undefined;
}

/** Keystone's 404 for a subject token it cannot use. */
function tokenNotFound(message: string): CloudHttpError {
  return new CloudHttpError(404, message, { style: 'keystone' });
}

/** Registers the Keystone routes on the cloud app. */
export function registerKeystone(
  app: Hono<CloudEnv>,
  deps: CloudDeps,
  opts: KeystoneOptions
): void {
  const withV2 = () => opts.settings.versions.includes('v2.0');
  const versions = (c: Context<CloudEnv>) => {
    setRoute(c, '/identity');
    const base = baseUrl(c, deps);
    const values = withV2() ? [v3Version(base), v2Version(base)] : [v3Version(base)];
    return json({ versions: { values } }, 300, 'application/json', {
      Location: `${base}/identity/v3/`,
    });
  };
  app.get('/identity', versions);
  app.get('/identity/', versions);

  const v3 = (c: Context<CloudEnv>) => {
    setRoute(c, '/identity/v3');
    return json({ version: v3Version(baseUrl(c, deps)) }, 200);
  };
  app.get('/identity/v3', v3);
  app.get('/identity/v3/', v3);

  app.get('/identity/v3/auth/tokens', async function validateToken(c) {
    setRoute(c, '/identity/v3/auth/tokens');
    const rt = c.var.rt;
    const token = await rt.step('validate token', { 'novatrace.keystone.api': 'v3' }, (span) => {
      // The caller needs a valid token of its own (keystonemiddleware: its service token, or
      // the user's token itself, which may always validate itself).
      const caller = deps.state.tokens.validate(c.req.header('x-auth-token'));
      if (!caller) throw unauthorized();
      const subject = c.req.header('x-subject-token');
      if (!subject) throw tokenNotFound('No token in the request');
      const found = deps.state.tokens.validate(subject);
      span.setAttribute('novatrace.keystone.token_valid', Boolean(found));
      if (!found) throw tokenNotFound('Could not recognize Fernet token');
      return found;
    });
    const payload = v3TokenBody(token, baseUrl(c, deps), opts.catalogProjectId, wantsCatalog(c));
    return json(payload, 200, 'application/json', { 'X-Subject-Token': token.id });
  });

  // A v3-only Keystone has no /v2.0 routes at all: those requests fall through to the 404.
  const v2Enabled: MiddlewareHandler<CloudEnv> = async function v2Enabled(c, next) {
    if (!withV2()) return c.notFound();
    await next();
    return undefined;
  };
  app.use('/identity/v2.0', v2Enabled);
  app.use('/identity/v2.0/*', v2Enabled);
  const v2 = (c: Context<CloudEnv>) => {
    setRoute(c, '/identity/v2.0');
    return json({ version: v2Version(baseUrl(c, deps)) }, 200);
  };
  app.get('/identity/v2.0', v2);
  app.get('/identity/v2.0/', v2);

  app.post('/identity/v3/auth/tokens', async function v3AuthTokens(c) {
    setRoute(c, '/identity/v3/auth/tokens');
    const rt = c.var.rt;
    const body = await readJson(c, deps, 'keystone');
    const { userId, projectId, methods, from } = await rt.step(
      'check credentials',
      { 'novatrace.keystone.api': 'v3' },
      (span) => {
        if (!isObject(body) || !isObject(body.auth)) throw expecting('auth', 'request body');
        const auth = body.auth;
        if (!isObject(auth.identity)) throw expecting('identity', 'auth');
        const identity = auth.identity;
        const methodList = identity.methods;
        if (!Array.isArray(methodList) || methodList.length === 0)
          throw expecting('methods', 'identity');
        span.setAttribute('novatrace.keystone.auth_methods', methodList.map(String));
        let user: string | undefined;
        let from: TokenRecord | undefined;
        for (const method of methodList) {
          if (method === 'password') {
            const pw = identity.password;
            if (!isObject(pw) || !isObject(pw.user)) throw expecting('user', 'password');
            if (!userMatches(pw.user) || pw.user.password !== C.password) throw unauthorized();
            user = C.userId;
          } else if (method === 'token') {
            const tk = identity.token;
            if (!isObject(tk) || typeof tk.id !== 'string') throw expecting('id', 'token');
            const known = deps.state.tokens.validate(tk.id);
            if (!known) throw unauthorized();
            user = known.userId;
            from = known;
          } else {
            throw unauthorized('Attempted to authenticate with an unsupported method.');
          }
        }
        if (!user) throw unauthorized();
        let project: string | null = C.projectId; // the user's default project when unscoped
        const scope = auth.scope;
        if (scope !== undefined) {
          if (!isObject(scope) || !isObject(scope.project)) throw unauthorized();
          if (!projectMatches(scope.project)) throw unauthorized();
          project = C.projectId;
        }
        span.setAttribute('enduser.id', user);
        // A token made from a token carries "token" first, then the first token's methods.
        const methods = from
          ? ['token', ...from.methods.filter((m) => m !== 'token')]
          : methodList.map(String);
        return { userId: user, projectId: project, methods, from };
      }
    );
    const token = await rt.step('issue token', {}, () =>
      deps.state.tokens.issue(userId, projectId, methods, from)
    );
    const withCatalog = wantsCatalog(c);
    const payload = await rt.step(
      withCatalog ? 'build catalog' : 'no catalog (?nocatalog)',
      {},
      () => v3TokenBody(token, baseUrl(c, deps), opts.catalogProjectId, withCatalog)
    );
    return json(payload, 201, 'application/json', { 'X-Subject-Token': token.id });
  });

  app.post('/identity/v2.0/tokens', async function v2Tokens(c) {
    setRoute(c, '/identity/v2.0/tokens');
    const rt = c.var.rt;
    const body = await readJson(c, deps, 'keystone');
    const { userId, projectId, from } = await rt.step(
      'check credentials',
      { 'novatrace.keystone.api': 'v2.0' },
      (span) => {
        if (!isObject(body) || !isObject(body.auth)) throw expecting('auth', 'request body');
        const auth = body.auth;
        let user: string;
        let from: TokenRecord | undefined;
        if (isObject(auth.passwordCredentials)) {
          span.setAttribute('novatrace.keystone.auth_methods', ['password']);
          const pc = auth.passwordCredentials;
          const who =
            typeof pc.userId === 'string' ? pc.userId === C.userId : pc.username === C.username;
          if (!who || pc.password !== C.password) throw unauthorized();
          user = C.userId;
        } else if (isObject(auth.token)) {
          span.setAttribute('novatrace.keystone.auth_methods', ['token']);
          const known =
            typeof auth.token.id === 'string'
              ? deps.state.tokens.validate(auth.token.id)
              : undefined;
          if (!known) throw unauthorized();
          user = known.userId;
          from = known;
        } else {
          throw expecting('passwordCredentials or token', 'auth');
        }
        let project: string | null = null;
        if (typeof auth.tenantId === 'string') {
          if (auth.tenantId !== C.projectId) throw unauthorized();
          project = C.projectId;
        } else if (typeof auth.tenantName === 'string') {
          if (auth.tenantName !== C.projectName) throw unauthorized();
          project = C.projectId;
        }
        span.setAttribute('enduser.id', user);
        return { userId: user, projectId: project, from };
      }
    );
    const methods = from ? ['token', ...from.methods.filter((m) => m !== 'token')] : ['password'];
    const token = await rt.step('issue token', {}, () =>
      deps.state.tokens.issue(userId, projectId, methods, from)
    );
    const payload = await rt.step('build catalog', {}, () => v2AccessBody(token, baseUrl(c, deps)));
    return json(payload, 200);
  });
}
