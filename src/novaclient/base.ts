/**
 * @module
 * Port of `novaclient/base.py` (python-novaclient 3.3.0): `getid`, `RequestIdMixin`,
 * `Resource`, `ListWithMeta`, `StrWithMeta`, `Manager` (`_list`, `_get`, `_update`, hooks) and
 * `ManagerWithFind` (`find`, `findall`).
 *
 * Left out: `_create`/`_delete` and the other `*WithMeta` wrappers (no caller in this flow), the
 * completion cache (`completion_cache` writes files under ~/.novaclient), `Resource`'s lazy
 * loading through `__getattr__` (every resource here comes back loaded), `BootingManagerWithFind`.
 */
import { decision, layerSpan } from '../telemetry/layer-span.js';
import { ATTR } from '../telemetry/semconv.js';
import { AttributeError, NoUniqueMatch, NotFound } from './exceptions.js';
import { KeyError, TypeError_ } from '../urllib3/builtins.js';
import { pyRepr } from './pyfmt.js';
import { to_slug } from './utils.js';

/** The part of a requests `Response` the managers read. */
export interface ResponseLike {
  readonly status_code: number;
  readonly headers: { get(name: string): string | null | undefined };
}

/** Keyword arguments the managers hand to `HTTPClient.get/post/put` (`**kwargs`). */
export interface ManagerRequestKwargs {
  body?: unknown;
  headers?: Record<string, string>;
}

/** What a manager calls on `self.api.client` (the HTTPClient). */
export interface ApiHttpClient {
  get(url: string, kwargs?: ManagerRequestKwargs): Promise<[ResponseLike, unknown]>;
  post(url: string, kwargs?: ManagerRequestKwargs): Promise<[ResponseLike, unknown]>;
  put(url: string, kwargs?: ManagerRequestKwargs): Promise<[ResponseLike, unknown]>;
}

/** `self.api`: the versioned Client that owns the managers. */
export interface ManagerApi {
  readonly client: ApiHttpClient;
}

/** Python truthiness of a decoded JSON body. */
export function truthy(value: unknown): boolean {
  if (value === null || value === undefined || value === false || value === 0 || value === '')
    return false;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'object') return Object.keys(value).length > 0;
  return true;
}

function isResponse(value: unknown): value is ResponseLike {
  return (
    value !== null &&
    typeof value === 'object' &&
    'headers' in value &&
    typeof (value as { headers?: { get?: unknown } }).headers?.get === 'function'
  );
}

/**
 * The id of a resource object, or the value itself when it has none.
 * @see novaclient/base.py getid
 */
export function getid(obj: unknown): unknown {
  if (obj instanceof Resource) return obj.id;
  if (obj !== null && typeof obj === 'object' && 'id' in obj) return (obj as { id: unknown }).id;
  return obj;
}

/**
 * Carries the request ids of the responses an object came from (`x-openstack-request-id`,
 * else `x-compute-request-id`).
 * @see novaclient/base.py RequestIdMixin
 */
export class RequestIdMixin {
  readonly x_openstack_request_ids: Array<string | null> = [];

  get request_ids(): Array<string | null> {
    return this.x_openstack_request_ids;
  }

  append_request_ids(
    resp: ResponseLike | string | null | undefined | ReadonlyArray<unknown>
  ): void {
    if (resp === null || resp === undefined) return;
    if (Array.isArray(resp)) {
      for (const item of resp) this._append_request_id(item);
    } else {
      this._append_request_id(resp);
    }
  }

  _append_request_id(resp: unknown): void {
    const request_id = isResponse(resp)
      ? resp.headers.get('x-openstack-request-id') ||
        resp.headers.get('x-compute-request-id') ||
        null
      : (resp as string | null);
    if (!this.x_openstack_request_ids.includes(request_id)) {
      this.x_openstack_request_ids.push(request_id);
    }
  }
}

/**
 * A resource from the API: its attributes are the JSON object's keys.
 * @see novaclient/base.py Resource
 */
export class Resource extends RequestIdMixin {
  /** Python `HUMAN_ID`: whether the resource has a slug of its name. */
  static readonly HUMAN_ID: boolean = false;
  /** Python `NAME_ATTR`: the attribute `find` uses as the name. */
  static readonly NAME_ATTR: string = 'name';

  readonly manager: Manager;
  readonly _info: Record<string, unknown>;
  readonly _loaded: boolean;

  constructor(manager: Manager, info: unknown, loaded = false, resp: ResponseLike | null = null) {
    super();
    this.manager = manager;
    this._info =
      info !== null && typeof info === 'object' && !Array.isArray(info)
        ? { ...(info as Record<string, unknown>) }
        : {};
    this._loaded = loaded;
    this.append_request_ids(resp);
  }

  /** `getattr(resource, name)`: raises AttributeError for a missing attribute. */
  getattr(name: string): unknown {
    if (name === 'human_id') return this.human_id;
    if (Object.prototype.hasOwnProperty.call(this._info, name)) return this._info[name];
    throw new AttributeError(name);
  }

  get id(): unknown {
    return this._info['id'];
  }

  /** A slug of the name when the class has `HUMAN_ID`, else null. */
  get human_id(): string | null {
    const cls = this.constructor as typeof Resource;
    if (!cls.HUMAN_ID) return null;
    const name = this._info[cls.NAME_ATTR];
    return name === undefined || name === null ? null : to_slug(String(name));
  }

  override toString(): string {
    const cls = this.constructor as typeof Resource;
    const info = Object.entries(this._info)
      .filter(([k]) => !k.startsWith('_') && k !== 'manager')
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, v]) => `${k}=${pyRepr(v)}`)
      .join(', ');
    return `<${cls.name} ${info}>`;
  }
}

/** A list plus the request ids of the responses it came from. @see novaclient/base.py */
export class ListWithMeta<T> extends RequestIdMixin implements Iterable<T> {
  readonly items: T[];
  constructor(values: T[], resp: ResponseLike | null) {
    super();
    this.items = values;
    this.append_request_ids(resp);
  }
  get length(): number {
    return this.items.length;
  }
  [Symbol.iterator](): Iterator<T> {
    return this.items[Symbol.iterator]();
  }
}

/** Python's `str()` of a parsed JSON value (`{}` for an empty dict, not `[object Object]`). */
function pyStrOf(value: unknown): string {
  return typeof value === 'string' ? value : pyRepr(value);
}

/**
 * What `_update` returns for an empty body: Python's `str(body)` (so `None` becomes `'None'`)
 * carrying the response's request ids.
 * @see novaclient/base.py StrWithMeta
 */
export class StrWithMeta extends RequestIdMixin {
  readonly value: string;
  constructor(value: unknown, resp: ResponseLike | null) {
    super();
    this.value = value === null || value === undefined ? 'None' : pyStrOf(value);
    this.append_request_ids(resp);
  }
  override toString(): string {
    return this.value;
  }
}

export type Hook = (...args: unknown[]) => void;
export type ResourceClass = new (
  manager: Manager,
  info: unknown,
  loaded?: boolean,
  resp?: ResponseLike | null
) => Resource;

/**
 * The base of every resource manager: turns URLs and bodies into HTTP calls through
 * `api.client` and the answers into resource objects.
 * @see novaclient/base.py Manager
 */
export class Manager {
  /** Python `Manager._hooks_map`: one class-level map shared by every manager. */
  static readonly _hooks_map = new Map<string, Hook[]>();

  readonly api: ManagerApi;
  resource_class: ResourceClass = Resource;

  constructor(api: ManagerApi) {
    this.api = api;
  }

  get client(): ApiHttpClient {
    return this.api.client;
  }

  /** Registers a hook run by {@link Manager.run_hooks} (e.g. `modify_body_for_update`). */
  static add_hook(hook_type: string, hook_func: Hook): void {
    const hooks = Manager._hooks_map.get(hook_type) ?? [];
    hooks.push(hook_func);
    Manager._hooks_map.set(hook_type, hooks);
  }

  /** Runs every hook registered for `hook_type` with the given arguments. */
  static run_hooks(hook_type: string, ...args: unknown[]): void {
    for (const hook of Manager._hooks_map.get(hook_type) ?? []) hook(...args);
  }

  run_hooks(hook_type: string, ...args: unknown[]): void {
    Manager.run_hooks(hook_type, ...args);
  }

  /**
   * GETs (or POSTs, with a body) a collection and wraps each item in the resource class.
   * @see novaclient/base.py Manager._list
   */
  _list(
    url: string,
    response_key: string,
    obj_class: ResourceClass | null = null,
    body: unknown = null
  ): Promise<ListWithMeta<Resource>> {
    return layerSpan(
      'Manager._list',
      { [ATTR.urlPath]: url, 'novaclient.response_key': response_key },
      async () => {
        const [resp, respBody] = truthy(body)
          ? await this.api.client.post(url, { body })
          : await this.api.client.get(url);
        const cls = obj_class ?? this.resource_class;
        let data = subscript(respBody, response_key);
        // Python: keystone wraps lists as {"values": [...]}
        if (data !== null && typeof data === 'object' && !Array.isArray(data)) {
          const values = (data as Record<string, unknown>)['values'];
          if (values !== undefined) data = values;
        }
        if (!Array.isArray(data)) {
          throw new AttributeError(`response has no list under '${response_key}'`);
        }
        const items = data.filter((res) => truthy(res)).map((res) => new cls(this, res, true));
        return new ListWithMeta(items, resp);
      }
    );
  }

  /**
   * GETs one resource and wraps `body[response_key]` in the resource class.
   * @see novaclient/base.py Manager._get
   */
  _get(url: string, response_key: string): Promise<Resource> {
    return layerSpan(
      'Manager._get',
      { [ATTR.urlPath]: url, 'novaclient.response_key': response_key },
      async () => {
        const [resp, body] = await this.api.client.get(url);
        return new this.resource_class(this, subscript(body, response_key), true, resp);
      }
    );
  }

  /**
   * PUTs `body` to `url` after the `modify_body_for_update` hooks. A non-empty answer becomes a
   * resource object; an empty one (the 202 of volume-update) a {@link StrWithMeta}.
   * @see novaclient/base.py Manager._update
   */
  _update(
    url: string,
    body: unknown,
    response_key: string | null = null,
    kwargs: Record<string, unknown> = {}
  ): Promise<Resource | StrWithMeta> {
    return layerSpan(
      'Manager._update',
      { [ATTR.urlPath]: url, 'novaclient.response_key': response_key ?? '' },
      async () => {
        this.run_hooks('modify_body_for_update', body, kwargs);
        const [resp, respBody] = await this.api.client.put(url, { body });
        if (truthy(respBody)) {
          decision('body: resource object', `body: ${this.resource_class.name} object`);
          const info = response_key ? subscript(respBody, response_key) : respBody;
          return new this.resource_class(this, info, false, resp);
        }
        decision(
          'empty body: StrWithMeta',
          `empty body: StrWithMeta(${pyRepr(respBody ?? null)}) with request_ids`
        );
        return new StrWithMeta(respBody, resp);
      }
    );
  }
}

/**
 * Python's `body[key]` on a parsed JSON body, with Python's errors: `None` or a string or list
 * body is a `TypeError`, a missing key a `KeyError`. (A 200 with an empty or unexpected body
 * must stop the run as it does in Python, not carry on with an empty resource.)
 */
export function subscript(body: unknown, key: string): unknown {
  if (body === null || body === undefined) {
    throw new TypeError_(["'NoneType' object is not subscriptable"]);
  }
  if (typeof body === 'string') throw new TypeError_(['string indices must be integers']);
  if (Array.isArray(body))
    throw new TypeError_(['list indices must be integers or slices, not str']);
  if (typeof body !== 'object') {
    const type = typeof body === 'boolean' ? 'bool' : Number.isInteger(body) ? 'int' : 'float';
    throw new TypeError_([`'${type}' object is not subscriptable`]);
  }
  if (!Object.prototype.hasOwnProperty.call(body, key)) throw new KeyError(key);
  return (body as Record<string, unknown>)[key];
}

/** Keyword arguments of `find`/`findall` (`name=...`, `human_id=...`). */
export type FindArgs = Record<string, unknown>;

/** Keyword arguments of a manager's `list`. */
export interface ListKwargs {
  detailed?: boolean;
  search_opts?: Record<string, unknown>;
}

/**
 * A manager that can find resources by attribute over its listing.
 * @see novaclient/base.py ManagerWithFind
 */
export abstract class ManagerWithFind extends Manager {
  /** Python reads `inspect.getargspec(self.list).args`; TypeScript keeps the names here. */
  abstract readonly list_args: readonly string[];
  /** Python's optional `is_alphanum_id_allowed` (ids that are neither UUIDs nor ints). */
  readonly is_alphanum_id_allowed: boolean = false;

  abstract get(id: unknown): Promise<Resource>;
  abstract list(kwargs?: ListKwargs): Promise<ListWithMeta<Resource>>;

  /**
   * Exactly one match of `findall`, else NotFound (none) or NoUniqueMatch (several).
   * @see novaclient/base.py ManagerWithFind.find
   */
  find(kwargs: FindArgs): Promise<Resource> {
    return layerSpan(
      'ManagerWithFind.find',
      () => ({ 'novaclient.find_args': pyRepr(kwargs) }),
      async () => {
        const matches = await this.findall(kwargs);
        if (matches.length === 0) {
          throw new NotFound(404, {
            message: `No ${this.resource_class.name} matching ${pyRepr(kwargs)}.`,
          });
        }
        if (matches.length > 1) throw new NoUniqueMatch();
        const [match] = matches.items as [Resource];
        match.append_request_ids(matches.request_ids);
        return match;
      }
    );
  }

  /**
   * Lists (server-side filtered by name where the list takes `search_opts`, not detailed for a
   * name search), keeps the items whose attributes equal `kwargs` exactly, and GETs each match
   * in full when the listing was not detailed.
   * @see novaclient/base.py ManagerWithFind.findall
   */
  findall(kwargs: FindArgs): Promise<ListWithMeta<Resource>> {
    return layerSpan(
      'ManagerWithFind.findall',
      () => ({ 'novaclient.find_args': pyRepr(kwargs) }),
      async () => {
        const found = new ListWithMeta<Resource>([], null);
        const searches = Object.entries(kwargs);
        let detailed = true;
        const list_kwargs: ListKwargs = {};

        if (this.list_args.includes('detailed')) {
          detailed = !('human_id' in kwargs) && !('name' in kwargs) && !('display_name' in kwargs);
          list_kwargs.detailed = detailed;
        }
        if (this.list_args.includes('search_opts')) {
          // Python: server-side filtering by name (a regex on servers), exact match below.
          if ('human_id' in kwargs) list_kwargs.search_opts = { name: kwargs['human_id'] };
          else if ('name' in kwargs) list_kwargs.search_opts = { name: kwargs['name'] };
          else if ('display_name' in kwargs) {
            list_kwargs.search_opts = { name: kwargs['display_name'] };
          }
        }

        const listing = await this.list(list_kwargs);
        found.append_request_ids(listing.request_ids);
        // Python filters and fetches in one loop; we filter first so the decision event
        // comes before the GETs it causes (same requests, same order).
        const matches: Resource[] = [];
        for (const obj of listing) {
          try {
            if (searches.every(([attr, value]) => obj.getattr(attr) === value)) matches.push(obj);
          } catch (err) {
            if (err instanceof AttributeError) continue;
            throw err;
          }
        }
        decision(
          'findall: exact name filter',
          `findall: ${listing.length} listed, ${matches.length} equal to ${pyRepr(kwargs)}`,
          { 'novaclient.matches': matches.map((m) => String(m.id)) }
        );
        for (const obj of matches) {
          if (detailed) {
            found.items.push(obj);
          } else {
            const detail = await this.get(obj.id);
            found.items.push(detail);
            found.append_request_ids(detail.request_ids);
          }
        }
        return found;
      }
    );
  }
}
