/**
 * @module
 * Port of `keystoneauth1/identity/generic/base.py` and `generic/password.py`
 * (keystoneauth1 2.3.0): the version-independent password plugin the `nova` command loads
 * (`--os-auth-type password`, the default). On first use it reads the auth URL's version
 * document (`GET <auth_url>`, unauthenticated), walks the versions it lists, and builds the
 * first v2.0 or v3 plugin that fits the options (domain options rule v2.0 out); when discovery
 * fails it guesses from the URL's path (`/v2.0…` or `/v3…` at the start of the path only), and
 * with no plugin at all it raises `DiscoveryFailure("Could not determine a suitable URL for
 * the plugin")`. Every later call goes to the plugin it built.
 *
 * Left out: the generic token plugin, `default_domain_*` beyond passing them on, cache ids.
 */
import { decision, layerSpan } from '../../../telemetry/layer-span.js';
import { rememberSecret } from '../../../telemetry/redact.js';
import type { AccessInfo } from '../../access/access.js';
import { version_match, type VersionTuple } from '../../discover.js';
import { ConnectionError, DiscoveryFailure, HttpError } from '../../exceptions.js';
import type { Session } from '../../session.js';
import { BaseIdentityPlugin } from '../base.js';
import { Password as V2Password } from '../v2.js';
import { Password as V3Password } from '../v3/base.js';

/** Options of the generic password plugin (Python keyword arguments). */
export interface GenericPasswordOptions {
  username?: string | null;
  user_id?: string | null;
  password?: string | null;
  user_domain_id?: string | null;
  user_domain_name?: string | null;
  project_id?: string | null;
  project_name?: string | null;
  project_domain_id?: string | null;
  project_domain_name?: string | null;
  domain_id?: string | null;
  domain_name?: string | null;
  trust_id?: string | null;
  default_domain_id?: string | null;
  default_domain_name?: string | null;
}

/**
 * The generic password plugin.
 * @see keystoneauth1/identity/generic/base.py BaseGenericPlugin,
 *   keystoneauth1/identity/generic/password.py Password
 */
export class Password extends BaseIdentityPlugin {
  readonly opts: GenericPasswordOptions;
  /** @internal The versioned plugin built on first use. */
  _plugin: BaseIdentityPlugin | null = null;

  constructor(auth_url: string, opts: GenericPasswordOptions = {}) {
    super(auth_url);
    this.opts = opts;
    rememberSecret(opts.password);
  }

  /** Any domain option set (they exist in v3 only). */
  get _has_domain_scope(): boolean {
    const o = this.opts;
    return Boolean(o.domain_id || o.domain_name || o.project_domain_id || o.project_domain_name);
  }

  /**
   * A v2.0 or v3 password plugin for that version and URL, or null when it does not fit.
   * @see keystoneauth1/identity/generic/password.py Password.create_plugin
   */
  create_plugin(version: VersionTuple, url: string): BaseIdentityPlugin | null {
    const o = this.opts;
    if (version_match([2], version)) {
      if (o.user_domain_id || o.user_domain_name) return null;
      return new V2Password(url, {
        user_id: o.user_id ?? null,
        username: o.username ?? null,
        password: o.password ?? null,
        trust_id: o.trust_id ?? null,
        tenant_id: o.project_id ?? null,
        tenant_name: o.project_name ?? null,
      });
    }
    if (version_match([3], version)) {
      return new V3Password(url, {
        user_id: o.user_id ?? null,
        username: o.username ?? null,
        user_domain_id: o.user_domain_id || o.default_domain_id || null,
        user_domain_name: o.user_domain_name || o.default_domain_name || null,
        password: o.password ?? null,
        trust_id: o.trust_id ?? null,
        project_id: o.project_id ?? null,
        project_name: o.project_name ?? null,
        project_domain_id: o.project_domain_id || o.default_domain_id || null,
        project_domain_name: o.project_domain_name || o.default_domain_name || null,
        domain_id: o.domain_id ?? null,
        domain_name: o.domain_name ?? null,
      });
    }
    return null;
  }

  /**
   * Discovers the identity versions at the auth URL and builds the plugin for the first fit.
   * @see keystoneauth1/identity/generic/base.py BaseGenericPlugin._do_create_plugin
   */
  _do_create_plugin(session: Session): Promise<BaseIdentityPlugin> {
    return layerSpan(
      'BaseGenericPlugin._do_create_plugin',
      { 'keystoneauth1.auth_url': this.auth_url },
      async () => {
        let plugin: BaseIdentityPlugin | null = null;
        let disc;
        try {
          disc = await this.get_discovery(session, this.auth_url, false);
        } catch (err) {
          if (!(
            err instanceof DiscoveryFailure ||
            err instanceof HttpError ||
            err instanceof ConnectionError
          )) {
            throw err;
          }
          // Python: only the start of the URL's path counts (so /identity/v3 is no match).
          const path = new URL(this.auth_url).pathname.toLowerCase();
          decision(
            'discovery failed: guess from the URL',
            `Discovering versions from the identity service failed (${err.name}); the path ${path} decides`
          );
          if (path.startsWith('/v2.0')) {
            if (this._has_domain_scope) {
              throw new DiscoveryFailure('Cannot use v2 authentication with domain scope');
            }
            plugin = this.create_plugin([2, 0], this.auth_url);
          } else if (path.startsWith('/v3')) {
            plugin = this.create_plugin([3, 0], this.auth_url);
          }
        }
        if (disc) {
          const reverse = Boolean(this.opts.default_domain_id || this.opts.default_domain_name);
          let v2_with_domain_scope = false;
          for (const data of disc.version_data(reverse)) {
            if (version_match([2], data.version) && this._has_domain_scope) {
              v2_with_domain_scope = true;
              continue;
            }
            plugin = this.create_plugin(data.version, data.url);
            if (plugin) break;
          }
          if (!plugin && v2_with_domain_scope) {
            throw new DiscoveryFailure('Cannot use v2 authentication with domain scope');
          }
        }
        if (plugin) {
          decision(
            'identity plugin chosen',
            `${plugin instanceof V3Password ? 'v3' : 'v2.0'} password plugin at ${plugin.auth_url}`
          );
          return plugin;
        }
        decision('no suitable plugin: DiscoveryFailure');
        throw new DiscoveryFailure('Could not determine a suitable URL for the plugin');
      }
    );
  }

  /**
   * Builds the versioned plugin on first use, then lets it authenticate.
   * @see keystoneauth1/identity/generic/base.py BaseGenericPlugin.get_auth_ref
   */
  get_auth_ref(session: Session): Promise<AccessInfo> {
    return layerSpan('BaseGenericPlugin.get_auth_ref', {}, async () => {
      this._plugin ??= await this._do_create_plugin(session);
      return this._plugin.get_auth_ref(session);
    });
  }
}
