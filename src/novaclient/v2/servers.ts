/**
 * @module
 * Port of the parts of `novaclient/v2/servers.py` (python-novaclient 3.3.0) the flow uses:
 * `Server` (a resource with a human id) and `ServerManager.get` / `ServerManager.list`.
 * Left out: every server action (boot, delete, reboot, ...), `sort_keys`/`sort_dirs` of `list`.
 */
import { layerSpan } from '../../telemetry/layer-span.js';
import { Resource, getid, ManagerWithFind, type ListKwargs, type ListWithMeta } from '../base.js';

/** A server; `human_id` is the slug of its name. @see novaclient/v2/servers.py Server */
export class Server extends Resource {
  static override readonly HUMAN_ID: boolean = true;
}

/** Python `urllib.parse.quote_plus`: letters, digits and `_.-~` stay; space becomes `+`. */
function quote_plus(text: string): string {
  return Array.from(new TextEncoder().encode(text))
    .map((byte) => {
      const ch = String.fromCharCode(byte);
      if (/[A-Za-z0-9_.~-]/.test(ch)) return ch;
      if (ch === ' ') return '+';
      return `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
    })
    .join('');
}

/** Python `urlencode` of (key, value) pairs. */
function urlencode(pairs: ReadonlyArray<readonly [string, unknown]>): string {
  return pairs.map(([k, v]) => `${quote_plus(k)}=${quote_plus(String(v))}`).join('&');
}

/** Arguments of {@link ServerManager.list}. */
export interface ServerListKwargs extends ListKwargs {
  marker?: string | null;
  limit?: number | null;
}

/** @see novaclient/v2/servers.py ServerManager */
export class ServerManager extends ManagerWithFind {
  override resource_class = Server;
  readonly list_args = ['detailed', 'search_opts', 'marker', 'limit', 'sort_keys', 'sort_dirs'];

  /**
   * `GET /servers/<id>` → a Server.
   * @see novaclient/v2/servers.py ServerManager.get
   */
  get(server: unknown): Promise<Resource> {
    const id = String(getid(server));
    return layerSpan('ServerManager.get', { 'novaclient.server': id }, () =>
      this._get(`/servers/${id}`, 'server')
    );
  }

  /**
   * `GET /servers[/detail][?query]`: search options with a truthy value become the query,
   * sorted by key.
   * @see novaclient/v2/servers.py ServerManager.list
   */
  list(kwargs: ServerListKwargs = {}): Promise<ListWithMeta<Resource>> {
    const detailed = kwargs.detailed ?? true;
    const search_opts = kwargs.search_opts ?? {};
    return layerSpan(
      'ServerManager.list',
      { 'novaclient.detailed': detailed, 'novaclient.search_opts': JSON.stringify(search_opts) },
      () => {
        const qparams: Array<[string, unknown]> = [];
        for (const [opt, val] of Object.entries(search_opts)) if (val) qparams.push([opt, val]);
        if (kwargs.marker) qparams.push(['marker', kwargs.marker]);
        if (kwargs.limit) qparams.push(['limit', kwargs.limit]);
        qparams.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
        const query_string = qparams.length > 0 ? `?${urlencode(qparams)}` : '';
        const detail = detailed ? '/detail' : '';
        return this._list(`/servers${detail}${query_string}`, 'servers');
      }
    );
  }
}
