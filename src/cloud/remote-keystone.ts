/**
 * @module
 * The mock Nova behind a real Keystone (`novatrace cloud --keystone URL`): tokens are checked
 * the way keystonemiddleware's auth_token does it, by asking Keystone
 * (`GET /v3/auth/tokens`, the token in `X-Subject-Token`), and the answer is cached for a short
 * while so a command's few requests cost one validation.
 *
 * Ours, simpler than keystonemiddleware: the caller's own token is the `X-Auth-Token` of the
 * validation (Keystone lets any token validate itself, policy `identity:validate_token`), unless a
 * service token is given, where keystonemiddleware always signs in as its service user;
 * `?nocatalog` is asked for (Nova needs no catalog; keystonemiddleware's
 * `include_service_catalog` is true by default); answers are cached 30 s (its `token_cache_time`:
 * 300 s). Keystone's 404 is the user's 401 as in `IdentityServer.verify_token`; its 401 and 403
 * are the user's 401 too, as the token that asked was the user's (keystonemiddleware retries a
 * 401 once, then answers 503, and answers 503 for any other error status); no answer is a 503
 * as there. A project-scoped token may see the seeded servers whatever Keystone's project id is
 * (the mock's one project stands for the token's), so the seeded ids work against any Keystone.
 * @see keystonemiddleware/auth_token/__init__.py, keystonemiddleware/auth_token/_identity.py
 */
import { randomBytes } from 'node:crypto';
import { FIXTURES } from './fixtures.js';
import { CloudHttpError } from './nova-errors.js';
import type { TokenRecord } from './store.js';

/** How long a validation answer is trusted (keystonemiddleware caches for 300 s by default). */
export const TOKEN_CACHE_MS = 30_000;

/** How long one validation may take: a real Keystone on a busy machine answers in 1-3 s. */
export const VALIDATION_TIMEOUT_MS = 30_000;

/** What a validation reports, for the span of the step. */
export interface RemoteValidation {
  readonly token: TokenRecord | undefined;
  /** True when the answer came from the cache. */
  readonly cached: boolean;
  /** Keystone's status, when it was asked. */
  readonly status?: number;
}

interface TokenBody {
  token?: {
    methods?: unknown;
    user?: { id?: unknown };
    project?: { id?: unknown };
    expires_at?: unknown;
    issued_at?: unknown;
    audit_ids?: unknown;
  };
}

/**
 * Validates tokens against a real Keystone, with a short cache.
 * @example
 * const keystone = new RemoteKeystone('http://127.0.0.1:5000');
 * const { token } = await keystone.validate(req.headers.get('x-auth-token'));
 */
export class RemoteKeystone {
  /** Keystone's root URL, without `/v3`. */
  readonly url: string;
  readonly #serviceToken: string | undefined;
  readonly #cache = new Map<string, { token: TokenRecord | undefined; until: number }>();
  readonly #revoked = new Set<string>();

  /**
   * @param url Keystone's root or its `/v3` URL
   * @param serviceToken a token to validate with instead of the caller's own
   */
  constructor(url: string, serviceToken?: string) {
    this.url = normaliseKeystoneUrl(url);
    this.#serviceToken = serviceToken;
  }

  /** The token's record if Keystone accepts it (and no fault revoked it here). */
  async validate(presented: string | undefined, now = Date.now()): Promise<RemoteValidation> {
    if (!presented || this.#revoked.has(presented)) return { token: undefined, cached: false };
    const hit = this.#cache.get(presented);
    if (hit && hit.until > now) return { token: hit.token, cached: true };
    let res: Response;
    try {
      res = await fetch(`${this.url}/v3/auth/tokens?nocatalog`, {
        headers: {
          'X-Auth-Token': this.#serviceToken ?? presented,
          'X-Subject-Token': presented,
          Accept: 'application/json',
        },
        signal: AbortSignal.timeout(VALIDATION_TIMEOUT_MS),
      });
    } catch {
      // keystonemiddleware answers 503 when it cannot reach Keystone.
      throw new CloudHttpError(503, 'The Keystone service is temporarily unavailable.', {
        style: 'keystone',
      });
    }
    let token: TokenRecord | undefined;
    if (res.status === 200) {
      token = recordOf(presented, (await res.json()) as TokenBody);
    } else {
      await res.body?.cancel();
      if (res.status !== 401 && res.status !== 403 && res.status !== 404) {
        throw new CloudHttpError(503, 'The Keystone service is temporarily unavailable.', {
          style: 'keystone',
        });
      }
    }
    this.#cache.set(presented, { token, until: now + TOKEN_CACHE_MS });
    return { token, cached: false, status: res.status };
  }

  /** Makes a token invalid here from now on (the token-expired fault). */
  revoke(id: string): void {
    this.#revoked.add(id);
    this.#cache.delete(id);
  }
}

/** `http://h:5000/v3/` → `http://h:5000`. */
export function normaliseKeystoneUrl(url: string): string {
  return url.replace(/\/+$/, '').replace(/\/v3$/, '');
}

function recordOf(id: string, body: TokenBody): TokenRecord | undefined {
  const t = body.token;
  if (!t || typeof t.user?.id !== 'string') return undefined;
  const issuedAt = new Date(typeof t.issued_at === 'string' ? t.issued_at : Date.now());
  const expiresAt = new Date(typeof t.expires_at === 'string' ? t.expires_at : Date.now());
  const auditIds = Array.isArray(t.audit_ids) ? t.audit_ids.map(String) : [];
  const auditId = auditIds[0] ?? randomBytes(16).toString('base64url').slice(0, 22);
  return {
    id,
    userId: t.user.id,
    // The seeded servers live in the mock's one project: any project scope maps onto it.
    projectId: typeof t.project?.id === 'string' ? FIXTURES.credentials.projectId : null,
    methods: Array.isArray(t.methods) ? t.methods.map(String) : [],
    issuedAt,
    expiresAt,
    auditId,
    auditIds: auditIds.length > 0 ? auditIds : [auditId],
    revoked: false,
  };
}
